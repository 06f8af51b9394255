/* SPDX-License-Identifier: ISC */
/*
 * benchutil: what the benchmarks measure alike: CPU time of this process
 * or of another one (a PostgreSQL backend, a server child) from /proc,
 * this process's memory from /proc/self, wall-clock intervals; and the
 * numbers of their options.  Owns nothing: every call stands alone.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/benchutil.h"

double
bench_cpu_rusage(const struct rusage *ru)
{
	return ((double)ru->ru_utime.tv_sec +
	    (double)ru->ru_utime.tv_usec / 1e6 +
	    (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6);
}

double
bench_cpu_pid(long pid, const char *comm)
{
	char			 path[64], line[1024], *p;
	FILE			*f;
	unsigned long long	 ut, st;
	size_t			 n;
	struct rusage		 ru;

	if (pid == 0) {
		getrusage(RUSAGE_SELF, &ru);
		return (bench_cpu_rusage(&ru));
	}
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (pid < 0 || (f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	/* Fields 14 and 15 (utime, stime) follow "pid (comm) state ...". */
	if ((p = strchr(line, '(')) == NULL ||
	    strncmp(p + 1, comm, strlen(comm)) != 0 ||
	    (p = strrchr(line, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
	    "%llu", &ut, &st) != 2)
		return (-1);
	return ((double)(ut + st) / (double)sysconf(_SC_CLK_TCK));
}

double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

long
bench_status_kb(const char *name)
{
	char	 line[256];
	FILE	*f = fopen("/proc/self/status", "r");
	long	 kb = -1;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, strlen(name)) == 0)
			kb = strtol(line + strlen(name), NULL, 10);
	if (f != NULL)
		fclose(f);
	return (kb);
}

void
bench_rss_reset(void)
{
	int	fd;

	/* What earlier runs freed goes back to the system first, so that
	 * a run's peak is its own, not the heap an earlier one left. */
	malloc_trim(0);
	fd = open("/proc/self/clear_refs", O_WRONLY);

	if (fd == -1 || write(fd, "5", 1) != 1)
		fprintf(stderr, "%s: cannot reset the peak RSS: %s\n",
		    program_invocation_short_name, strerror(errno));
	if (fd != -1)
		close(fd);
}

int
bench_number(const char *s, uint64_t min, uint64_t max, uint64_t *v,
    const char **end)
{
	char			*e;
	unsigned long long	 n;

	errno = 0;
	if (*s < '0' || *s > '9')
		return (-1);
	n = strtoull(s, &e, 10);
	if (errno != 0 || n < min || n > max || (end == NULL && *e != '\0'))
		return (-1);
	if (end != NULL)
		*end = e;
	*v = n;
	return (0);
}
