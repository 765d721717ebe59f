/* bench/bench.h — the clock, the median and the JSON line every benchmark
 * shares. Each program times a kernel `repeat` times, verifies its answer,
 * and prints one JSON line (kernel, rows, params, threads, median_s, min_s,
 * rows_per_s, git sha) that scripts/bench_table.sh turns into a table. */
#ifndef CRM_BENCH_H
#define CRM_BENCH_H

#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "version.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts t[0..n) and returns the median (n >= 1). */
static inline double bench_median(double *t, size_t n)
{
    qsort(t, n, sizeof *t, bench_cmp);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static inline int bench_threads(void)
{
#if defined(_OPENMP)
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* One JSON line; `extra` is a pre-formatted list of further "key": value
 * pairs (may be empty). t must be sorted (bench_median sorts it). */
static inline void bench_report(const char *kernel, long long rows,
                                const double *t, size_t n, const char *extra)
{
    const double med = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    printf("{\"kernel\": \"%s\", \"rows\": %lld, \"threads\": %d, "
           "\"ranks\": 1, \"repeat\": %zu, \"median_s\": %.6f, "
           "\"min_s\": %.6f, \"rows_per_s\": %.0f, \"git\": \"%s\"%s%s}\n",
           kernel, rows, bench_threads(), n, med, t[0],
           (double)rows / med, CRM_GIT_SHA, extra[0] ? ", " : "", extra);
    fflush(stdout);
}

#endif
