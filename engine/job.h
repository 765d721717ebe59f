/* engine/job.h — the job file (INI) that `crmine run` executes.
 *
 * Sections: [job] (name, seed), [input] (store), one section per stage in the
 * order the stages run, and [output] (dir, csv). Every key, its type and its
 * default are in docs/JOBS.md. Unknown sections and keys, repeated sections,
 * and values of the wrong form are errors naming file, line and key. Paths
 * are resolved relative to the job file's folder. Parsing is done with
 * libinih; a wrapping line reader sees every section header, so a section
 * with no keys (`[rfm]` alone, all defaults) still enables its stage. */
#ifndef CRM_JOB_H
#define CRM_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define CRM_JOB_MAX_STAGES 8

typedef enum crm_stage_kind {
    CRM_STAGE_RFM,
    CRM_STAGE_KMEANS,
    CRM_STAGE_APRIORI,
    CRM_STAGE_TREE
} crm_stage_kind;

/* A comma-separated list value: owned strings, trimmed, none empty. */
typedef struct crm_strlist {
    char **items;
    size_t n;
} crm_strlist;

typedef struct crm_job_rfm {
    int has_as_of;       /* 0: the day after the last transaction */
    int64_t as_of_day;   /* days since 1970-01-01 when has_as_of */
    int bins;            /* 2..20, default 5 */
    int monetary_mean;   /* 0: sum (default), 1: mean per order */
} crm_job_rfm;

typedef enum crm_kmeans_init {
    CRM_KMEANS_INIT_AUTO,     /* k-means|| above 100,000 customers */
    CRM_KMEANS_INIT_PLUSPLUS, /* k-means++ */
    CRM_KMEANS_INIT_PARALLEL  /* k-means|| */
} crm_kmeans_init;

typedef struct crm_job_kmeans {
    crm_strlist features;  /* required unless model is given */
    crm_strlist onehot;    /* categorical features to one-hot encode */
    crm_strlist log1p;     /* features to pass through signed log1p */
    int zscore;            /* scaling = zscore (1, default) or none (0) */
    crm_kmeans_init init;  /* seeding (auto) */
    int local_trials;      /* k-means++ candidates per centre, 0 = auto */
    int k;                 /* clusters; 0 means auto */
    int k_min, k_max;      /* range tried by k = auto (2..10) */
    int n_init;            /* restarts, best inertia kept (3) */
    int max_iter;          /* Lloyd iterations per restart (300) */
    double tol;            /* stop when no centre moves more (1e-4) */
    char *model;           /* score with this model.h5, no training */
} crm_job_kmeans;

typedef struct crm_job_apriori {
    int basket_customer;   /* basket = customer (1) or order (0, default) */
    char *item;            /* item column of /transactions ("item") */
    double min_support;    /* fraction of baskets (0.01), if min_count 0 */
    int64_t min_count;     /* an absolute count instead, when > 0 */
    int max_len;           /* longest itemset, 0 = no limit */
    double min_confidence; /* rules kept from this confidence (0.2) */
    double min_lift;       /* and this lift (1.0) */
    int recommend;         /* items offered per customer (3), 0 = none */
    int64_t memory_mb;     /* candidate counters' budget (1024) */
} crm_job_apriori;

typedef struct crm_job_tree {
    char *label;           /* 0/1, yes/no or true/false column, or NULL */
    char *positive;        /* the label category meaning churn, or NULL */
    int churn_days;        /* > 0: label = no purchase for this many days
                              after the cut-off (instead of label) */
    int has_as_of;         /* cut-off given (else [rfm] as_of, or the last
                              transaction day - churn_days) */
    int64_t as_of_day;     /* days since 1970-01-01 when has_as_of */
    crm_strlist features;  /* required unless model is given */
    int entropy;           /* criterion = entropy (1) or gini (0, default) */
    int max_depth;         /* 1..30 (6) */
    int64_t min_samples_leaf; /* rows per leaf (20) */
    int64_t min_category_rows; /* rarer categories go right (100) */
    double min_gain;       /* smallest impurity decrease to split (0) */
    int balanced;          /* class_weight = balanced (1) or none (0) */
    int max_bins;          /* numeric bins per feature, 2..255 (255) */
    double test_fraction;  /* held out for evaluation, [0, 0.9] (0.2) */
    double threshold;      /* churn_prob >= threshold → churn (0.5) */
    char *value;           /* priority = churn_prob x this column; NULL:
                              monetary when an earlier stage made it */
    int trees;             /* 1: one tree; > 1: a random forest (1) */
    int max_features;      /* features tried per split, 0 = auto (all for
                              one tree, sqrt(d) for a forest) */
    char *model;           /* score with this model.h5, no training */
} crm_job_tree;

typedef struct crm_job {
    char *path;          /* the job file as given */
    char *name;          /* [job] name, default: file name without .ini */
    uint64_t seed;       /* [job] seed, default 0 */
    char *store;         /* [input] store, resolved */
    char *out_dir;       /* [output] dir, resolved, default "out" */
    int csv;             /* [output] csv, default 1 */
    crm_stage_kind stages[CRM_JOB_MAX_STAGES]; /* in file order */
    size_t nstages;
    crm_job_rfm rfm;
    crm_job_kmeans kmeans;
    crm_job_apriori apriori;
    crm_job_tree tree;
} crm_job;

/* Parses the job file at path. CRM_ENOTFOUND when it cannot be read,
 * CRM_ECONFIG with err = "FILE:LINE: [section] key: problem" otherwise. */
crm_status crm_job_load(const char *path, crm_job **out, crm_error *err);
void crm_job_free(crm_job *job);

/* Frees a list's items and empties it. */
void crm_strlist_free(crm_strlist *l);

/* The section name of a stage ("rfm"). */
const char *crm_stage_name(crm_stage_kind kind);

#endif
