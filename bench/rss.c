/*
 * rss - run a command and print its peak resident set size in KiB, and its
 * wall time in microseconds after it.
 *
 * A fork from a small C process, so the child's peak is the command's own
 * and not the (much larger) image of whatever forked it, as a fork from a
 * Python harness would report; the time likewise leaves out the harness's
 * own fork, which costs more than a small program's whole run.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: rss COMMAND [ARG]...\n");
		return 2;
	}
	long long t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("rss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("rss: exec");
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("rss: wait4");
		return 2;
	}
	long long t1 = now_us();
	fprintf(stderr, "%ld %lld\n", ru.ru_maxrss, t1 - t0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
