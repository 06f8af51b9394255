/* SPDX-License-Identifier: ISC */
/*
 * benchutil: helpers the benchmarks share.
 */
#ifndef BENCH_BENCHUTIL_H
#define BENCH_BENCHUTIL_H

/*
 * CPU seconds (user + system) used so far by process pid, which must run
 * a program whose name starts with comm; pid 0 is this process (comm
 * unused).  -1 if it cannot be read.
 */
double	bench_cpu_pid(long, const char *);

#endif
