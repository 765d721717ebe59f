/* tests/algorithms/ref/ref_kmeans.h — naive k-means in double for tests.
 *
 * Lloyd's steps written the obvious way: every distance as sum (x - c)² in
 * double, the nearest centre by a scan with a strict < (ties → lowest
 * index), means in double. No blocks, no threads, no bounds. */
#ifndef CRM_REF_KMEANS_H
#define CRM_REF_KMEANS_H

#include <stddef.h>
#include <stdint.h>

/* label[i], dist2[i] (nearest) and gap[i] = second nearest - nearest
 * squared distance (+inf when k is 1), for rows x (n x d), centres k x d. */
void ref_kmeans_assign(const float *x, size_t n, size_t d, const float *c,
                       size_t k, int32_t *label, double *dist2, double *gap);

/* centres[c] = mean of its rows, in double, rounded to float; a cluster
 * without rows keeps its centre. Returns the number of empty clusters. */
size_t ref_kmeans_update(const float *x, size_t n, size_t d,
                         const int32_t *label, size_t k, float *centres);

/* Adjusted Rand index of two labelings with labels in 0..kmax-1. */
double ref_kmeans_ari(const int32_t *a, const int32_t *b, size_t n,
                      size_t kmax);

#endif
