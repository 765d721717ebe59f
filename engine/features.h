/* engine/features.h — the feature matrix a modelling stage works on.
 *
 * A stage names its features (`features = recency, frequency, tenure`); each
 * name is looked up first among the scores columns of earlier stages, then
 * among the /customers columns. Numeric columns become one feature each;
 * a dictionary (categorical) column listed in `onehot` becomes one 0/1
 * feature per category, named "column=category" in dictionary order (a
 * missing category is all zeros). Values are read for this rank's customers
 * only (collective read) and kept column-major in doubles, NaN = missing.
 * Standardisation (crm_features_scale) uses global statistics from the
 * block-ordered tree reduction, so it is identical at any rank count. */
#ifndef CRM_FEATURES_H
#define CRM_FEATURES_H

#include <stddef.h>

#include "engine/run.h"

typedef struct crm_features {
    size_t n;        /* this rank's customers */
    size_t d;        /* features after one-hot expansion */
    char **names;    /* d owned names */
    double *values;  /* d x n, column-major: values[j * n + i] */
} crm_features;

/* Builds the features of `stage` for this rank. Collective. CRM_ECONFIG
 * (err names the stage and the feature) for an unknown name, a text column
 * not listed in onehot, a numeric column listed in onehot. */
crm_status crm_features_gather(crm_run *run, const char *stage,
                               char *const *names, size_t nnames,
                               char *const *onehot, size_t nonehot,
                               crm_features **out, crm_error *err);
void crm_features_free(crm_features *f);

typedef struct crm_scaling {
    size_t d;
    int *log1p;      /* d flags: signed log1p applied before the z-score */
    double *mean;    /* d means of the (transformed) values */
    double *scale;   /* d standard deviations (1 for a constant feature) */
    int64_t *count;  /* d counts of non-missing values, all ranks */
} crm_scaling;

/* Global mean and standard deviation of every feature (after signed log1p
 * for the features named in log1p; zscore = 0 keeps mean 0 and scale 1).
 * Collective. CRM_ECONFIG when a feature has no value on any rank or a
 * log1p name is not a feature. A constant feature gets scale 1. */
crm_status crm_features_fit_scaling(crm_run *run, const char *stage,
                                    const crm_features *f,
                                    char *const *log1p, size_t nlog1p,
                                    int zscore, crm_scaling **out,
                                    crm_error *err);
void crm_scaling_free(crm_scaling *s);

/* x (n x d, row-major float) = the scaled features; a missing value becomes
 * 0, the mean. Returns the number of missing values replaced. */
size_t crm_features_apply(const crm_features *f, const crm_scaling *s,
                          float *x);

#endif
