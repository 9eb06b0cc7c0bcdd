/*
 * cmp - wall time of a few commands side by side in one run.
 *
 *   bench-cmp [-n RUNS] [-i STDIN_FILE] LABEL=COMMAND...
 *
 * Each COMMAND is split on spaces (no quoting) and run RUNS times, the
 * commands taking turns (and which goes first rotating) so all see the same
 * machine. A run is fork, exec, wait from this small C parent, stdin from
 * STDIN_FILE (else /dev/null), stdout and stderr to /dev/null. Prints each
 * median and its ratio to the first command's. Exits 1 when a run fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_RUNS = 100000, MAX_CMDS = 8, MAX_ARGS = 32 };

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double run_once(char *const argv[], const char *in)
{
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(in ? in : "/dev/null", O_RDONLY), null = open("/dev/null", O_WRONLY);
		if (fd < 0 || null < 0)
			_exit(126);
		dup2(fd, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	double t = now_ms() - t0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? t : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = 60, opt;
	const char *in = NULL;
	while ((opt = getopt(argc, argv, "n:i:")) != -1) {
		if (opt == 'n' && atoi(optarg) > 0 && atoi(optarg) <= MAX_RUNS)
			runs = atoi(optarg);
		else if (opt == 'i')
			in = optarg;
		else
			goto usage;
	}
	int n = argc - optind;
	if (n < 1 || n > MAX_CMDS)
		goto usage;
	char *labels[MAX_CMDS], *args[MAX_CMDS][MAX_ARGS + 1];
	double *t[MAX_CMDS];
	for (int c = 0; c < n; c++) {
		char *eq = strchr(argv[optind + c], '=');
		if (!eq)
			goto usage;
		*eq = '\0';
		labels[c] = argv[optind + c];
		int k = 0;
		for (char *w = strtok(eq + 1, " "); w && k < MAX_ARGS; w = strtok(NULL, " "))
			args[c][k++] = w;
		args[c][k] = NULL;
		if (!k || !(t[c] = calloc((size_t)runs, sizeof(double))))
			goto usage;
	}
	for (int i = 0; i < runs; i++)
		for (int k = 0; k < n; k++) {
			int c = (i + k) % n;
			if ((t[c][i] = run_once(args[c], in)) < 0) {
				fprintf(stderr, "cmp: '%s' failed\n", labels[c]);
				return 1;
			}
		}
	double base = 0;
	for (int c = 0; c < n; c++) {
		qsort(t[c], (size_t)runs, sizeof(double), cmp_double);
		double med = runs % 2 ? t[c][runs / 2] : (t[c][runs / 2 - 1] + t[c][runs / 2]) / 2;
		if (c == 0)
			base = med;
		printf("  %-44s %9.3f ms  %6.2fx\n", labels[c], med, med / base);
	}
	return 0;
usage:
	fprintf(stderr, "usage: bench-cmp [-n RUNS] [-i STDIN_FILE] LABEL=COMMAND...\n");
	return 2;
}
