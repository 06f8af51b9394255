/* SPDX-License-Identifier: ISC */
/*
 * benchutil: helpers the benchmarks share: clocks, CPU and memory of this
 * process or another, and their option numbers.  Messages are prefixed
 * with the program's name (program_invocation_short_name).
 */
#ifndef BENCH_BENCHUTIL_H
#define BENCH_BENCHUTIL_H

#include <sys/resource.h>

#include <stdint.h>

/*
 * CPU seconds (user + system) used so far by process pid, which must run
 * a program whose name starts with comm; pid 0 is this process (comm
 * unused).  -1 if it cannot be read.
 */
double	bench_cpu_pid(long, const char *);
/* CPU seconds (user + system) of a struct rusage. */
double	bench_cpu_rusage(const struct rusage *);
/* Seconds on the monotonic clock, for intervals. */
double	bench_now(void);
/*
 * A KiB figure of /proc/self/status, or -1: "VmHWM:" (peak RSS since the
 * last bench_rss_reset), "VmRSS:", "RssFile:" (mapped files: mostly the
 * shared libraries, shared with every process that maps them).
 */
long	bench_status_kb(const char *);
/* Gives freed heap back (malloc_trim), then resets this process's peak
 * RSS to its current RSS (Linux 4.0). */
void	bench_rss_reset(void);
/*
 * Parses a decimal number in [min, max] into *v; with end, stops at the
 * first non-digit and points *end there, else the whole string must be
 * the number.  Returns 0 or -1.
 */
int	bench_number(const char *, uint64_t, uint64_t, uint64_t *,
	    const char **);

#endif
