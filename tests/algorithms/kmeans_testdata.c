/* tests/algorithms/kmeans_testdata.c — see kmeans_testdata.h. */
#include "kmeans_testdata.h"

#include <stdlib.h>

#include "ref/ref_comm.h"

static float unit(uint64_t *s)
{
    return (float)(ref_rand(s) >> 40) / (float)(1u << 24);
}

float *kmeans_test_uniform(uint64_t seed, size_t n, size_t d)
{
    float *x = malloc(n * d * sizeof *x);
    for (size_t i = 0; x != NULL && i < n * d; i++)
        x[i] = 4.0f * unit(&seed) - 2.0f;
    return x;
}

float *kmeans_test_planted(uint64_t seed, size_t n, size_t d, size_t k,
                           float sep, float spread, int32_t *truth)
{
    float *mu = malloc(k * d * sizeof *mu), *x = malloc(n * d * sizeof *x);
    if (mu == NULL || x == NULL) {
        free(mu);
        free(x);
        return NULL;
    }
    for (size_t i = 0; i < k * d; i++)
        mu[i] = sep * (unit(&seed) - 0.5f);
    for (size_t i = 0; i < n; i++) {
        const size_t c = (size_t)(ref_rand(&seed) % k);
        if (truth)
            truth[i] = (int32_t)c;
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = mu[c * d + j] +
                           spread * (unit(&seed) + unit(&seed) - 1.0f);
    }
    free(mu);
    return x;
}
