/* engine/tree_int.h — what the files of the [tree] stage share.
 *
 * Path of the data (every step collective, identical at any rank count):
 *   tree_data.c   features of this rank's customers (numeric values or
 *                 category codes), the label (a column, or derived from the
 *                 transactions with churn_days) and the train/test role of
 *                 each customer from a hash of its id and the job seed
 *   tree_bins.c   numeric bin edges from a deterministic sample of training
 *                 rows (gathered, sorted); the uint8 bin matrix, with
 *                 categories mapped by name (a category the model never
 *                 saw is treated as missing)
 *   tree_train.c  one tree or a forest: the dtree kernel's levels, one
 *                 allreduce of integer class counts per level
 *   tree_eval.c   score groups summed across ranks → metrics, tree_eval.csv
 *   tree_model.c  model.h5 part /tree_* and its reload (model = path)
 *   stage_tree.c  the order of the above, scores, tree_rules.txt, run.json */
#ifndef CRM_TREE_INT_H
#define CRM_TREE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "algorithms/dtree/dtree.h"
#include "engine/run.h"

/* The role of a customer in this run. */
enum { CRM_TREE_TRAIN = 0, CRM_TREE_TEST = 1, CRM_TREE_UNLABELLED = 2 };

/* Rows sampled (about) for the numeric bin edges, as LightGBM and XGBoost
 * do: quantiles of 200,000 values are within 0.5 % of the exact ones. */
#define CRM_TREE_BIN_SAMPLE 200000

/* A feature as the model knows it. */
typedef struct crm_tree_feature {
    char *name;
    int categorical;
    double *edges;       /* numeric: nedges edges, nedges + 1 bins */
    size_t nedges;
    char **cats;         /* categorical: ncat names, code = index */
    size_t ncat;
} crm_tree_feature;

typedef struct crm_tree_model {
    char *target;            /* the label's name, used in the rules */
    size_t d;
    crm_tree_feature *feat;  /* d features */
    size_t ntrees;
    crm_dtree_model **trees; /* ntrees trees */
} crm_tree_model;

/* This rank's customers. A feature is numeric (num[j] set, NaN missing) or
 * categorical (code[j] set, -1 missing, names in cats[j]). */
typedef struct crm_tree_data {
    size_t n, d;
    char **names;        /* d feature names */
    double **num;
    int32_t **code;
    char ***cats;        /* categorical: the store's category names */
    size_t *ncat;
    uint8_t *label;      /* n: 0/1, 0 when unlabelled */
    uint8_t *role;       /* n: CRM_TREE_TRAIN / TEST / UNLABELLED */
    uint64_t *key;       /* n: hash of the customer id and the job seed */
    int has_label;       /* label and role filled */
    int64_t count[3];    /* customers per role, all ranks */
} crm_tree_data;

/* ---- tree_data.c ------------------------------------------------------ */

/* Features `names` of this rank's customers (scores of earlier stages
 * first, then /customers) and their keys. CRM_ECONFIG naming the feature
 * when unknown, text ids, or a categorical column with more than 255
 * categories. Collective. */
crm_status crm_tree_data_gather(crm_run *run, char *const *names,
                                size_t nnames, crm_tree_data **out,
                                crm_error *err);
void crm_tree_data_free(crm_tree_data *d);

/* Frees the feature values once they are binned (peak memory: training
 * then holds one byte per value instead of eight); num and code become
 * NULL, so the data can no longer be binned. */
void crm_tree_data_drop_values(crm_tree_data *d);

/* Fills label and role from the job's label column or churn_days, and the
 * role counts; cJSON gets the label's description. CRM_ECONFIG for a
 * non-binary label (naming the customer), one class only, no labelled
 * customer. Collective. */
crm_status crm_tree_data_label(crm_run *run, crm_tree_data *d, double
                               test_fraction, cJSON *js, crm_error *err);

/* The column `name` of this rank's customers: an earlier stage's score,
 * else read from /customers into *frame (freed by the caller; the column
 * points into it). CRM_ECONFIG naming [tree] key when there is none.
 * Collective (every rank takes the same branch: the scores are the same
 * everywhere). */
crm_status crm_tree_find_column(crm_run *run, const char *key,
                                const char *name, crm_frame **frame,
                                const crm_column **out, crm_error *err);

/* The text of local customer i's id (for messages). */
void crm_tree_customer_text(const crm_run *run, size_t i, char *buf,
                            size_t cap);

/* ---- tree_bins.c ------------------------------------------------------ */

/* A value to sort: the order-preserving key of a double
 * (crm_quantiles_key), and a label riding along. */
typedef struct crm_tree_keyed {
    uint64_t key;
    uint8_t label;
} crm_tree_keyed;

/* LSD radix sort of rows[0..n) by key, one byte per pass, skipping bytes
 * every key shares; tmp holds n rows. Returns the sorted array (rows or
 * tmp). A million rows sort in ~10 ms, where qsort took 0.1 s. */
crm_tree_keyed *crm_tree_sort_keyed(crm_tree_keyed *rows, crm_tree_keyed *tmp,
                                    size_t n);

/* The model's features from the training rows of d: numeric edges from a
 * sample (CRM_TREE_BIN_SAMPLE rows chosen by key), categorical names
 * copied. Collective. */
crm_status crm_tree_fit_features(crm_run *run, const crm_tree_data *d,
                                 int max_bins, crm_tree_model *m,
                                 crm_error *err);

/* bins (d->n x m->d, column-major) of every local customer under the
 * model's features; *unseen = values of categories the model does not know
 * (binned as missing), this rank. Features must match by name and kind:
 * CRM_ECONFIG naming the feature otherwise. */
crm_status crm_tree_bin(const crm_run *run, const crm_tree_model *m,
                        const crm_tree_data *d, uint8_t *bins,
                        int64_t *unseen, crm_error *err);

/* ---- tree_train.c ----------------------------------------------------- */

/* Grows the job's tree (or forest) on the training rows; m->trees filled.
 * js gets per-tree figures. Collective. */
crm_status crm_tree_train(crm_run *run, const crm_tree_data *d,
                          const uint8_t *bins, crm_tree_model *m, cJSON *js,
                          crm_error *err);

/* prob[i] = the model's churn probability of local row i (the mean over
 * the trees); leaf[i] = row i's leaf in the first tree (may be NULL). */
crm_status crm_tree_predict(const crm_tree_model *m, const uint8_t *bins,
                            size_t n, double *prob, int32_t *leaf);

/* ---- tree_eval.c ------------------------------------------------------ */

/* Metrics of prob on the rows of role `role` (all labelled rows when role
 * is -1) into js (auc, accuracy, ... as in docs/JOBS.md); when eval_csv,
 * the decile lift/gain table becomes tree_eval.csv. Collective. */
crm_status crm_tree_evaluate(crm_run *run, const crm_tree_data *d,
                             const double *prob, int role, double threshold,
                             int eval_csv, cJSON *js, crm_error *err);

/* ---- tree_model.c ----------------------------------------------------- */

crm_status crm_tree_model_save(const crm_tree_model *m, crm_store *st,
                               crm_error *err);
crm_status crm_tree_model_load(const char *path, crm_tree_model **out,
                               crm_error *err);
void crm_tree_model_free(crm_tree_model *m);

#endif
