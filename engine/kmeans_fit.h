/* engine/kmeans_fit.h — training k-means across ranks with the
 * communication-free kernel of algorithms/kmeans.
 *
 * The engine side of the kernel's contract: per-block partials are added
 * with crm_run_reduce (a fixed tree over global blocks), k-means++ draws come
 * from crm_rng keyed by (job seed, restart stream, draw number) and pick a
 * global block then a row in it, the chosen row's features are broadcast
 * from the rank that owns it, and an empty cluster is re-seeded with the
 * customer farthest from its centre (ties: lowest global row). So every
 * number below is identical at any rank and thread count. */
#ifndef CRM_KMEANS_FIT_H
#define CRM_KMEANS_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/run.h"

typedef struct crm_kmeans_fit {
    size_t k, d;
    float *centres;     /* k x d, scaled space */
    int32_t *label;     /* n, this rank's customers */
    float *dist2;       /* n, squared distance to the own centre */
    double inertia;     /* sum of dist2 over all customers (tree sum) */
    int iterations;     /* Lloyd iterations of the kept restart */
    int restart;        /* which restart was kept */
    int converged;      /* 1 when tol stopped it, 0 at max_iter */
    int64_t reseeded;   /* empty clusters re-seeded, all restarts */
    double total_ss;    /* sum of squares about the mean (training only) */
    double seconds_seed;  /* this rank's time seeding, all restarts */
    double seconds_lloyd; /* this rank's time in Lloyd, all restarts */
} crm_kmeans_fit;

/* Trains k clusters on x (this rank's n x d scaled rows) with n_init
 * restarts, keeping the lowest inertia (ties: the earlier restart).
 * Collective. CRM_EINVAL when k exceeds the customers of all ranks. */
crm_status crm_kmeans_train(crm_run *run, const float *x, size_t n, size_t d,
                            size_t k, crm_kmeans_fit **out, crm_error *err);

/* Assigns x to given centres (scoring with a saved model): label, dist2 and
 * the inertia. Collective. */
crm_status crm_kmeans_score(crm_run *run, const float *x, size_t n, size_t d,
                            const float *centres, size_t k,
                            crm_kmeans_fit **out, crm_error *err);

void crm_kmeans_fit_free(crm_kmeans_fit *fit);

/* Calinski–Harabasz index of a fit on scaled data whose total sum of
 * squares about the mean is total_ss over n_total customers:
 * ((total_ss - W) / (k - 1)) / (W / (n - k)); 0 when undefined. */
double crm_kmeans_calinski_harabasz(double total_ss, double inertia,
                                    int64_t n_total, size_t k);

#endif
