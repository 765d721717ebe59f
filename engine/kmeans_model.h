/* engine/kmeans_model.h — a trained segmentation, saved to and loaded from
 * model.h5, so a later job can score customers without retraining.
 *
 * Layout (docs/FORMAT.md, "model.h5"): table /kmeans_centres, one row per
 * cluster: `cluster` (int32) and one float64 column per feature holding the
 * centre in the scaled space; table /kmeans_scaling, one row per feature:
 * `feature` (dictionary of the feature names), `mean`, `scale` (float64),
 * `log1p` (int32). Text attributes on /kmeans_centres record how the features
 * were built: `features`, `onehot`, `log1p` (the job's comma-separated
 * lists), and `inertia` (the training inertia, printed with 17 digits). */
#ifndef CRM_KMEANS_MODEL_H
#define CRM_KMEANS_MODEL_H

#include <stddef.h>

#include "core/status.h"
#include "io/store.h"
#include "engine/features.h"
#include "engine/job.h"

typedef struct crm_kmeans_model {
    size_t k, d;
    float *centres;        /* k x d, scaled space */
    char **names;          /* d feature names (after one-hot) */
    crm_scaling *scaling;  /* d transforms */
    crm_strlist features;  /* the job lists that built the features */
    crm_strlist onehot;
    crm_strlist log1p;
    double inertia;        /* of the training run, scaled space */
} crm_kmeans_model;

/* Writes model's two tables into an open store (serial HDF5; rank 0). */
crm_status crm_kmeans_model_save(const crm_kmeans_model *model,
                                 crm_store *st, crm_error *err);

/* Reads a model written by crm_kmeans_model_save. CRM_ENOTFOUND or
 * CRM_EFORMAT (err names the file) when it is missing or not a model. */
crm_status crm_kmeans_model_load(const char *path, crm_kmeans_model **out,
                                 crm_error *err);

void crm_kmeans_model_free(crm_kmeans_model *model);

#endif
