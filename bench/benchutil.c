/* SPDX-License-Identifier: ISC */
/*
 * benchutil: what the benchmarks measure alike: CPU time of this process
 * or of another one (a PostgreSQL backend, a server child) from /proc.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/benchutil.h"

#define BENCH_CPU(ru)	((double)(ru).ru_utime.tv_sec +			\
	(double)(ru).ru_utime.tv_usec / 1e6 +				\
	(double)(ru).ru_stime.tv_sec + (double)(ru).ru_stime.tv_usec / 1e6)

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
		return (BENCH_CPU(ru));
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
