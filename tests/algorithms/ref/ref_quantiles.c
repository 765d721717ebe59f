/* tests/algorithms/ref/ref_quantiles.c — sort a copy. */
#include "ref_quantiles.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double *ref_sorted(const double *v, size_t n, size_t *m)
{
    double *s = malloc((n ? n : 1) * sizeof *s);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            s[k++] = v[i] == 0.0 ? 0.0 : v[i];
    qsort(s, k, sizeof *s, cmp_double);
    *m = k;
    if (k == 0) {
        free(s);
        return NULL;
    }
    return s;
}

size_t ref_cuts(const double *v, size_t n, int bins, double *cuts)
{
    size_t m = 0;
    double *s = ref_sorted(v, n, &m);
    for (int j = 0; j + 1 < bins; j++) {
        if (m == 0) {
            cuts[j] = NAN;
            continue;
        }
        const size_t num = (size_t)(j + 1) * m;
        const size_t rank = (num + (size_t)bins - 1) / (size_t)bins - 1;
        cuts[j] = s[rank];
    }
    free(s);
    return m;
}

int ref_bin(double v, const double *cuts, int bins)
{
    if (isnan(v))
        return 0;
    int below = 0;
    for (int j = 0; j + 1 < bins; j++)
        if (cuts[j] < v)
            below++;
    return 1 + below;
}
