/* bench/bench_stream.c — the machine's memory bandwidth, STREAM-triad style:
 * a[i] = b[i] + s * c[i] over three arrays far larger than the caches. The
 * figure every memory-bound kernel (RFM is one) is set against.
 * Usage: bench_stream [MiB per array, default 256] [repeat, default 10] */
#include "bench/bench.h"

#include <stdint.h>

int main(int argc, char **argv)
{
    const size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 256;
    const size_t repeat = argc > 2 ? (size_t)atol(argv[2]) : 10;
    const size_t n = mib * 1024 * 1024 / sizeof(double);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b),
           *c = malloc(n * sizeof *c), *t = malloc(repeat * sizeof *t);
    if (a == NULL || b == NULL || c == NULL || t == NULL || repeat == 0)
        return 1;
    const double s = 3.0;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    for (size_t r = 0; r < repeat; r++) {
        const double t0 = bench_now();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] + s * c[i];
        t[r] = bench_now() - t0;
    }
    /* verify: every a[i] must be 7 */
    for (size_t i = 0; i < n; i += 4097)
        if (a[i] != 7.0)
            return 1;
    const double med = bench_median(t, repeat);
    char extra[128];
    snprintf(extra, sizeof extra, "\"bytes_per_s\": %.0f",
             3.0 * (double)n * sizeof(double) / med);
    bench_report("stream_triad", (long long)n, t, repeat, extra);
    free(t);
    free(c);
    free(b);
    free(a);
    return 0;
}
