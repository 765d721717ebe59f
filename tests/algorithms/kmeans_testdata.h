/* tests/algorithms/kmeans_testdata.h — data sets shared by test_kmeans.c
 * and test_kmeans_step.c, drawn from ref_rand so every run sees the same
 * rows. The caller frees what they return. */
#ifndef CRM_KMEANS_TESTDATA_H
#define CRM_KMEANS_TESTDATA_H

#include <stddef.h>
#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Scratch slots of a test's k-means work: as many as the threads the test
 * runs on. */
#ifdef _OPENMP
#define KM_THREADS ((size_t)omp_get_max_threads())
#else
#define KM_THREADS ((size_t)1)
#endif

/* n x d uniform on [-2, 2). */
float *kmeans_test_uniform(uint64_t seed, size_t n, size_t d);

/* k clusters whose centres lie sep apart on average, rows spread about
 * them by +-spread; truth[i] is row i's cluster (truth may be NULL). */
float *kmeans_test_planted(uint64_t seed, size_t n, size_t d, size_t k,
                           float sep, float spread, int32_t *truth);

#endif
