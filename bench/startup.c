/*
 * startup - start-up of the static agent against a dynamic build of the same
 * skills, side by side in one run.
 *
 *   bench-startup [-n RUNS] STATIC_AGENT DYNAMIC_AGENT
 *
 * Each command (`version`, `list --json`) runs RUNS times per binary, the two
 * binaries alternating (and which goes first alternating too) so both see
 * the same machine. A run is fork, exec, wait: wall time from a small C
 * parent, so no interpreter's fork is counted; peak RSS from wait4. Prints
 * medians and the dynamic/static ratio. Exits 1 when a run fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

enum { MAX_RUNS = 100000 };

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One run: its wall time in ms and peak RSS in KiB; -1 when it failed. */
static double run_once(const char *bin, char *const args[], long *rss_kib)
{
	char *argv[8];
	int n = 0;
	argv[n++] = (char *)bin;
	for (int i = 0; args[i] && n < 7; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(bin, argv);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0)
		return -1;
	double t = now_ms() - t0;
	*rss_kib = ru.ru_maxrss;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? t : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int runs = 200, opt;
	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n' && atoi(optarg) > 0 && atoi(optarg) <= MAX_RUNS)
			runs = atoi(optarg);
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	const char *bins[2] = {argv[optind], argv[optind + 1]};
	static char *version[] = {"version", NULL}, *list[] = {"list", "--json", NULL};
	static char *const *cmds[] = {version, list};
	static const char *names[] = {"version", "list --json"};

	double *t[2], *rss[2];
	for (int b = 0; b < 2; b++) {
		t[b] = calloc((size_t)runs, sizeof(double));
		rss[b] = calloc((size_t)runs, sizeof(double));
		if (!t[b] || !rss[b])
			return 2;
	}
	struct stat st[2];
	for (int b = 0; b < 2; b++)
		if (stat(bins[b], &st[b])) {
			perror(bins[b]);
			return 2;
		}
	printf("start-up: static (musl) against dynamic (glibc) agent, same skills; "
	       "median of %d runs each, interleaved\n", runs);
	printf("  %-34s %12s %12s %s\n", "figure", "static", "dynamic", "dynamic/static");
	for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
		for (int i = 0; i < runs; i++)
			for (int k = 0; k < 2; k++) {
				int b = (i + k) % 2; /* who goes first alternates */
				long kib = 0;
				t[b][i] = run_once(bins[b], cmds[c], &kib);
				rss[b][i] = (double)kib;
				if (t[b][i] < 0) {
					fprintf(stderr, "startup: %s %s failed\n", bins[b], names[c]);
					return 1;
				}
			}
		double ms[2], kib[2];
		for (int b = 0; b < 2; b++) {
			ms[b] = median(t[b], runs);
			kib[b] = median(rss[b], runs);
		}
		char name[64];
		snprintf(name, sizeof name, "%s, wall time", names[c]);
		printf("  %-34s %9.3f ms %9.3f ms %.2fx\n", name, ms[0], ms[1], ms[1] / ms[0]);
		snprintf(name, sizeof name, "%s, peak RSS", names[c]);
		printf("  %-34s %8.2f MiB %8.2f MiB %.2fx\n", name, kib[0] / 1024, kib[1] / 1024,
		       kib[1] / kib[0]);
	}
	printf("  %-34s %8.2f MiB %8.2f MiB (the dynamic one also maps libc, libcurl, OpenSSL, ...)\n",
	       "file size", (double)st[0].st_size / 1048576, (double)st[1].st_size / 1048576);
	return 0;
usage:
	fprintf(stderr, "usage: bench-startup [-n RUNS] STATIC_AGENT DYNAMIC_AGENT\n");
	return 2;
}
