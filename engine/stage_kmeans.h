/* engine/stage_kmeans.h — the [kmeans] stage: customer segmentation.
 *
 * Trains k-means (k-means++ seeding, n_init restarts, Lloyd with the
 * kernel's exact Hamerly bounds) on the job's features, standardised with
 * global statistics, or scores with a saved model (`model = path`). Adds
 * scores columns `cluster` and `cluster_distance`, writes segments.csv (the
 * segment profile) and, when training, model.h5; fills stages.kmeans in
 * run.json. Collective; identical outputs at any rank and thread count. */
#ifndef CRM_STAGE_KMEANS_H
#define CRM_STAGE_KMEANS_H

#include "engine/run.h"

crm_status crm_stage_kmeans(crm_run *run, cJSON *stage_json, crm_error *err);

#endif
