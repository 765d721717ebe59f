/* engine/kmeans_profile.h — what each segment looks like, for a marketer.
 *
 * Per cluster: its size and share of customers, its share of revenue (when
 * the scores hold `monetary`, e.g. from [rfm]), the mean of every feature in
 * original units, and a one-line description of how it differs from the
 * whole base: the (up to three) features whose cluster mean lies furthest
 * from the base mean, at least half a standard deviation away, in words
 * ("recent, frequent, high spend"; "high tenure, low MonthlyCharges").
 * Sums are block partials added with crm_run_reduce, so the profile is the
 * same at any rank count. */
#ifndef CRM_KMEANS_PROFILE_H
#define CRM_KMEANS_PROFILE_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "engine/features.h"
#include "engine/run.h"

typedef struct crm_kmeans_profile {
    size_t k, d;
    int64_t *size;       /* k customers per cluster */
    double *revenue;     /* k sums of monetary, NaN without it */
    double *mean;        /* k x d means in original units (NaN: none) */
    char **describe;     /* k descriptions */
    char **names;        /* d feature names, borrowed from the features */
} crm_kmeans_profile;

/* Builds the profile of clusters label[0..n) (values 0..k-1). Collective;
 * the result is the same on every rank. */
crm_status crm_kmeans_profile_build(crm_run *run, const crm_features *f,
                                    const float *x, const int32_t *label,
                                    size_t k, crm_kmeans_profile **out);
void crm_kmeans_profile_free(crm_kmeans_profile *p);

/* segments.csv: cluster, size, share, revenue_share, description, then
 * mean_<feature> for every feature. Registered as an extra output; the
 * profile is owned by the run from then on. */
crm_status crm_kmeans_profile_output(crm_run *run, crm_kmeans_profile *p);

/* stages.kmeans.segments in run.json: an array of {cluster, size, share,
 * revenue_share, description, means: {feature: value}}. */
void crm_kmeans_profile_json(const crm_kmeans_profile *p, cJSON *stage);

#endif
