/* tests/algorithms/ref/ref_kmeans.c — the naive reference, see the header. */
#include "ref_kmeans.h"

#include <math.h>
#include <stdlib.h>

void ref_kmeans_assign(const float *x, size_t n, size_t d, const float *c,
                       size_t k, int32_t *label, double *dist2, double *gap)
{
    for (size_t i = 0; i < n; i++) {
        double best = INFINITY, second = INFINITY;
        size_t at = 0;
        for (size_t q = 0; q < k; q++) {
            double s = 0.0;
            for (size_t j = 0; j < d; j++) {
                const double t = (double)x[i * d + j] - (double)c[q * d + j];
                s += t * t;
            }
            if (s < best) {
                second = best;
                best = s;
                at = q;
            } else if (s < second) {
                second = s;
            }
        }
        label[i] = (int32_t)at;
        dist2[i] = best;
        gap[i] = second - best;
    }
}

size_t ref_kmeans_update(const float *x, size_t n, size_t d,
                         const int32_t *label, size_t k, float *centres)
{
    double *sum = calloc(k * d, sizeof *sum);
    size_t *count = calloc(k, sizeof *count), empty = 0;
    for (size_t i = 0; i < n; i++) {
        count[label[i]]++;
        for (size_t j = 0; j < d; j++)
            sum[(size_t)label[i] * d + j] += (double)x[i * d + j];
    }
    for (size_t q = 0; q < k; q++) {
        empty += count[q] == 0;
        for (size_t j = 0; count[q] > 0 && j < d; j++)
            centres[q * d + j] = (float)(sum[q * d + j] / (double)count[q]);
    }
    free(count);
    free(sum);
    return empty;
}

static double pairs(double m)
{
    return m * (m - 1.0) / 2.0;
}

double ref_kmeans_ari(const int32_t *a, const int32_t *b, size_t n,
                      size_t kmax)
{
    double *table = calloc(kmax * kmax, sizeof *table);
    double *ra = calloc(kmax, sizeof *ra), *rb = calloc(kmax, sizeof *rb);
    for (size_t i = 0; i < n; i++) {
        table[(size_t)a[i] * kmax + (size_t)b[i]] += 1.0;
        ra[a[i]] += 1.0;
        rb[b[i]] += 1.0;
    }
    double index = 0.0, sa = 0.0, sb = 0.0;
    for (size_t i = 0; i < kmax * kmax; i++)
        index += pairs(table[i]);
    for (size_t i = 0; i < kmax; i++) {
        sa += pairs(ra[i]);
        sb += pairs(rb[i]);
    }
    const double expected = sa * sb / pairs((double)n);
    const double top = 0.5 * (sa + sb);
    free(rb);
    free(ra);
    free(table);
    return top == expected ? 1.0 : (index - expected) / (top - expected);
}
