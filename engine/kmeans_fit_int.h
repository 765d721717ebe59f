/* engine/kmeans_fit_int.h — what the training (kmeans_fit.c) and the
 * seeding (kmeans_seed.c) share: the context of one training and how a
 * global row's features reach every rank. */
#ifndef CRM_KMEANS_FIT_INT_H
#define CRM_KMEANS_FIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "algorithms/kmeans/kmeans.h"
#include "engine/run.h"

/* What one training needs besides the kernel's work. */
typedef struct crm_kmeans_ctx {
    crm_run *run;
    const float *x;
    size_t n, d, k;
    size_t nblocks;         /* all ranks */
    int64_t *start;         /* nranks + 1 first global rows */
    crm_kmeans_work *work;
    double *parts;          /* local blocks x partial_len */
    double *total;          /* partial_len */
    double *running;        /* partial_len: during Lloyd, the sums and
                             * counts of the current labels (each step
                             * adds its change) */
    double *sums;           /* every block's k-means++ weight */
    float *mind2;           /* n: while seeding, the candidate's dist2 */
    int32_t *scratch;       /* n: while seeding, the candidate's labels */
    float *prev;            /* k x d centres before an update */
    size_t *empty;          /* k */
    double tol_ss;          /* stop when the squared shifts sum below */
} crm_kmeans_ctx;

/* The rank holding global row (ranks hold contiguous rows in rank order). */
int crm_kmeans_ctx_owner(const crm_kmeans_ctx *c, int64_t row);

/* centre = the features of global row, broadcast by the rank holding it.
 * Collective. */
crm_status crm_kmeans_ctx_fetch(crm_kmeans_ctx *c, int64_t row,
                                float *centre);

/* k initial centres from restart `stream`: k-means++ or k-means||, as the
 * job's init key says. Collective; the same centres at any rank count. */
crm_status crm_kmeans_seed(crm_kmeans_ctx *c, uint64_t stream,
                           float *centres);

#endif
