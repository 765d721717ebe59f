/* tests/algorithms/kmeans_testdata.h — data sets shared by test_kmeans.c
 * and test_kmeans_step.c, drawn from ref_rand so every run sees the same
 * rows. The caller frees what they return. */
#ifndef CRM_KMEANS_TESTDATA_H
#define CRM_KMEANS_TESTDATA_H

#include <stddef.h>
#include <stdint.h>

/* n x d uniform on [-2, 2). */
float *kmeans_test_uniform(uint64_t seed, size_t n, size_t d);

/* k clusters whose centres lie sep apart on average, rows spread about
 * them by +-spread; truth[i] is row i's cluster (truth may be NULL). */
float *kmeans_test_planted(uint64_t seed, size_t n, size_t d, size_t k,
                           float sep, float spread, int32_t *truth);

#endif
