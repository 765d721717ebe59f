/* engine/stage_tree.c — the [tree] stage: churn model, its rules, its
 * honest evaluation and a risk score for every customer. The steps and
 * the files that do them are listed in tree_int.h. */
#define _POSIX_C_SOURCE 200809L
#include "engine/stage_tree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/tree_int.h"

static const char *const role_names[] = {"train", "test", "unlabelled"};

typedef struct tree_state {
    crm_tree_model *model;   /* trained here or loaded */
    int trained;
    crm_tree_data *data;
    uint8_t *bins;
    double *prob;
    int32_t *leaf;
} tree_state;

static crm_status rules_file(const char *path, void *ctx, crm_error *err);

/* ---- the rules ---------------------------------------------------------- */

typedef struct rules_names {
    crm_dtree_names names;
    const char **feature;
    const double **edges;
    const char *const **category;
} rules_names;

static crm_status names_init(const crm_tree_model *m, rules_names *rn)
{
    rn->feature = calloc(m->d + 1, sizeof *rn->feature);
    rn->edges = calloc(m->d + 1, sizeof *rn->edges);
    rn->category = calloc(m->d + 1, sizeof *rn->category);
    if (!rn->feature || !rn->edges || !rn->category)
        return CRM_ENOMEM;
    for (size_t j = 0; j < m->d; j++) {
        rn->feature[j] = m->feat[j].name;
        rn->edges[j] = m->feat[j].edges;
        rn->category[j] = (const char *const *)m->feat[j].cats;
    }
    rn->names = (crm_dtree_names){.target = m->target,
                                  .feature = rn->feature,
                                  .edges = rn->edges,
                                  .category = rn->category};
    return CRM_OK;
}

static void names_free(rules_names *rn)
{
    free(rn->category);
    free(rn->edges);
    free(rn->feature);
}

typedef struct leaf_rank {
    double prob;
    int32_t id;
} leaf_rank;

/* Riskiest rule first, then by id. */
static int cmp_leaf(const void *a, const void *b)
{
    const leaf_rank *x = a, *y = b;
    if (x->prob != y->prob)
        return x->prob < y->prob ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

/* One line "rule ID: IF ..." (the text sized by a query first). */
static crm_status write_rule(FILE *fp, const crm_dtree_model *tr,
                             const rules_names *rn, int32_t id,
                             crm_error *err)
{
    size_t len = 0;
    crm_status rc = crm_dtree_rule_text(tr, &rn->names, id, NULL, 0, &len);
    if (rc != CRM_OK && rc != CRM_ERANGE)
        return rc;
    char *buf = malloc(len + 1);
    if (buf == NULL)
        return CRM_ENOMEM;
    rc = crm_dtree_rule_text(tr, &rn->names, id, buf, len + 1, &len);
    if (rc == CRM_OK && fprintf(fp, "rule %d: %s\n", id, buf) < 0)
        rc = crm_error_set(err, CRM_EIO, "cannot write the rules");
    free(buf);
    return rc;
}

static crm_status write_tree_rules(FILE *fp, const crm_dtree_model *tr,
                                   const rules_names *rn, crm_error *err)
{
    leaf_rank *leaves = malloc((tr->nnodes + 1) * sizeof *leaves);
    if (leaves == NULL)
        return CRM_ENOMEM;
    size_t nl = 0;
    for (size_t k = 0; k < tr->nnodes; k++)
        if (tr->nodes[k].feature < 0)
            leaves[nl++] = (leaf_rank){tr->nodes[k].prob, (int32_t)k};
    qsort(leaves, nl, sizeof *leaves, cmp_leaf);
    crm_status rc = CRM_OK;
    for (size_t i = 0; rc == CRM_OK && i < nl; i++)
        rc = write_rule(fp, tr, rn, leaves[i].id, err);
    free(leaves);
    return rc;
}

/* tree_rules.txt: a header, the importance, then every tree's rules. */
static crm_status rules_file(const char *path, void *ctx, crm_error *err)
{
    const crm_tree_model *m = ctx;
    rules_names rn = {0};
    FILE *fp = fopen(path, "w");
    crm_status rc = fp == NULL ? crm_error_set(err, CRM_EIO, "%s: cannot "
                                               "write", path)
                               : names_init(m, &rn);
    if (rc == CRM_OK)
        fprintf(fp, "# crmine churn rules: target %s, %zu tree%s; each rule "
                "is a leaf, riskiest first; churn_rule in the scores is the "
                "rule's number\n", m->target, m->ntrees,
                m->ntrees > 1 ? "s (a forest: rules of every tree)" : "");
    for (size_t t = 0; rc == CRM_OK && t < m->ntrees; t++) {
        if (m->ntrees > 1)
            fprintf(fp, "# tree %zu\n", t + 1);
        rc = write_tree_rules(fp, m->trees[t], &rn, err);
    }
    names_free(&rn);
    if (fp != NULL && fclose(fp) != 0 && rc == CRM_OK)
        rc = crm_error_set(err, CRM_EIO, "%s: cannot write", path);
    return rc;
}

static void no_free(void *ctx)
{
    (void)ctx;
}

static crm_status write_model(crm_store *st, void *ctx, crm_error *err)
{
    return crm_tree_model_save(ctx, st, err);
}

static void free_model(void *ctx)
{
    crm_tree_model_free(ctx);
}

/* ---- scores --------------------------------------------------------------- */

/* priority = churn_prob x value, value the job's column or monetary. */
static crm_status add_priority(crm_run *run, const double *prob, size_t n,
                               cJSON *js, crm_error *err)
{
    const char *value = run->job->tree.value;
    if (value == NULL && crm_run_score(run, "monetary") == NULL)
        return CRM_OK;
    crm_frame *frame = NULL;
    const crm_column *c = NULL;
    crm_status rc = crm_tree_find_column(run, "value",
                                         value ? value : "monetary", &frame,
                                         &c, err);
    if (rc != CRM_OK)
        return rc;
    double *pri = c->dict == NULL ? malloc((n + 1) * sizeof *pri) : NULL;
    if (pri == NULL)
        rc = c->dict != NULL
                 ? crm_error_set(err, CRM_ECONFIG, "%s: [tree] value: \"%s\" "
                                 "is not numeric", run->job->path, c->name)
                 : CRM_ENOMEM;
    for (size_t i = 0; rc == CRM_OK && i < n; i++)
        pri[i] = prob[i] * crm_column_get_f64(c, i);
    if (rc == CRM_OK)
        cJSON_AddStringToObject(js, "priority_value", c->name);
    crm_frame_free(frame);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK) {
        free(pri);
        return rc;
    }
    return crm_run_add_score(run, (crm_column){.name = "churn_priority",
                                               .type = CRM_TYPE_FLOAT64},
                             pri);
}

static crm_status add_scores(crm_run *run, tree_state *s, cJSON *js,
                             crm_error *err)
{
    const size_t n = s->data->n;
    crm_status rc = crm_run_add_score(
        run, (crm_column){.name = "churn_prob", .type = CRM_TYPE_FLOAT64},
        s->prob);
    s->prob = NULL; /* the run owns it now */
    const crm_column *prob = &run->scores[run->nscores - 1];
    if (rc == CRM_OK && s->model->ntrees == 1) {
        rc = crm_run_add_score(run, (crm_column){.name = "churn_rule",
                                                 .type = CRM_TYPE_INT32},
                               s->leaf);
        s->leaf = NULL;
    }
    if (rc == CRM_OK && s->trained) {
        int32_t *role = malloc((n + 1) * sizeof *role);
        for (size_t i = 0; role != NULL && i < n; i++)
            role[i] = s->data->role[i];
        rc = role == NULL ? CRM_ENOMEM
                          : crm_run_add_score(
                                run,
                                (crm_column){.name = "split",
                                             .type = CRM_TYPE_INT32,
                                             .dict = role_names, .ndict = 3},
                                role);
    }
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    return add_priority(run, prob->data, n, js, err);
}

/* ---- training or loading ---------------------------------------------------- */

static void importance_json(const crm_tree_model *m, cJSON *js)
{
    double total = 0;
    double *imp = calloc(m->d + 1, sizeof *imp);
    if (imp == NULL)
        return;
    for (size_t t = 0; t < m->ntrees; t++)
        for (size_t j = 0; j < m->d; j++)
            imp[j] += m->trees[t]->importance[j];
    for (size_t j = 0; j < m->d; j++)
        total += imp[j];
    cJSON *o = cJSON_AddObjectToObject(js, "importance");
    for (size_t j = 0; j < m->d; j++)
        cJSON_AddNumberToObject(o, m->feat[j].name,
                                total > 0 ? imp[j] / total : 0.0);
    free(imp);
}

/* The data, its labels and (when training) the model's features. */
static crm_status prepare(crm_run *run, tree_state *s, cJSON *js,
                          crm_error *err)
{
    const crm_job_tree *cfg = &run->job->tree;
    crm_status rc = CRM_OK;
    char **names = cfg->features.items;
    size_t nnames = cfg->features.n;
    if (cfg->model != NULL) {
        rc = crm_mpi_agree(run->mpi,
                           crm_tree_model_load(cfg->model, &s->model, err),
                           err);
        if (rc != CRM_OK)
            return rc;
        names = malloc((s->model->d + 1) * sizeof *names);
        for (size_t j = 0; names != NULL && j < s->model->d; j++)
            names[j] = s->model->feat[j].name;
        nnames = s->model->d;
        rc = names == NULL ? CRM_ENOMEM : CRM_OK;
    }
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) == CRM_OK)
        rc = crm_tree_data_gather(run, names, nnames, &s->data, err);
    if (names != cfg->features.items)
        free(names);
    if (rc == CRM_OK && (cfg->label != NULL || cfg->churn_days > 0))
        rc = crm_tree_data_label(run, s->data,
                                 s->model ? 1.0 : cfg->test_fraction, js,
                                 err);
    if (rc != CRM_OK || s->model != NULL)
        return rc;
    s->trained = 1;
    s->model = calloc(1, sizeof *s->model);
    if (s->model == NULL ||
        (s->model->target = strdup(cfg->label ? cfg->label : "churn")) ==
            NULL)
        rc = CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    return crm_tree_fit_features(run, s->data, cfg->max_bins, s->model, err);
}

static crm_status bin_all(crm_run *run, tree_state *s, cJSON *js,
                          crm_error *err)
{
    const size_t n = s->data->n;
    int64_t unseen = 0;
    s->bins = malloc(n * s->model->d + 1);
    s->prob = malloc((n + 1) * sizeof *s->prob);
    s->leaf = malloc((n + 1) * sizeof *s->leaf);
    crm_status rc = (s->bins && s->prob && s->leaf)
                        ? crm_tree_bin(run, s->model, s->data, s->bins,
                                       &unseen, err)
                        : CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    rc = run->comm->allreduce_i64(run->comm, &unseen, 1, CRM_OP_SUM);
    cJSON_AddNumberToObject(js, "unseen_categories", (double)unseen);
    if (unseen > 0)
        crm_log_info(run->log, "tree: %lld values of categories unknown to "
                     "the model, scored as missing", (long long)unseen);
    return rc;
}

static crm_status evaluate(crm_run *run, tree_state *s, cJSON *js,
                           crm_error *err)
{
    const double thr = run->job->tree.threshold;
    if (!s->data->has_label)
        return CRM_OK;
    if (!s->trained)
        return crm_tree_evaluate(run, s->data, s->prob, -1, thr, 1,
                                 cJSON_AddObjectToObject(js, "test"), err);
    crm_status rc = crm_tree_evaluate(run, s->data, s->prob, CRM_TREE_TEST,
                                      thr, 1,
                                      cJSON_AddObjectToObject(js, "test"),
                                      err);
    if (rc == CRM_OK)
        rc = crm_tree_evaluate(run, s->data, s->prob, CRM_TREE_TRAIN, thr, 0,
                               cJSON_AddObjectToObject(js, "train"), err);
    return rc;
}

static crm_status outputs(crm_run *run, tree_state *s)
{
    crm_tree_model *m = s->model;
    s->model = NULL; /* the rules output owns it from here */
    crm_status rc = CRM_OK;
    if (s->trained)
        rc = crm_run_add_model(run, write_model, m, no_free);
    if (rc != CRM_OK) {
        crm_tree_model_free(m);
        return rc;
    }
    return crm_run_add_output(run, "tree_rules.txt", rules_file, m,
                              free_model);
}

static void log_summary(crm_run *run, const tree_state *s, cJSON *js)
{
    const cJSON *test = cJSON_GetObjectItem(js, "test");
    const cJSON *auc = test ? cJSON_GetObjectItem(test, "auc") : NULL;
    const crm_dtree_model *t0 = s->model->trees[0];
    crm_log_info(run->log, "tree: %zu tree%s, %zu nodes in the first; test "
                 "AUC %s%.4f", s->model->ntrees,
                 s->model->ntrees > 1 ? "s" : "", t0->nnodes,
                 auc ? "" : "n/a ", auc ? auc->valuedouble : 0.0);
    if (t0->nnodes == 1)
        crm_log_info(run->log, "tree: no split improves on the root "
                     "(constant features, or min_gain / min_samples_leaf "
                     "too strict): every customer gets the base rate");
}

crm_status crm_stage_tree(crm_run *run, cJSON *js, crm_error *err)
{
    tree_state s = {0};
    crm_status rc = prepare(run, &s, js, err);
    if (rc != CRM_OK)
        goto done;
    const double t0 = crm_log_now();
    if ((rc = bin_all(run, &s, js, err)) != CRM_OK)
        goto done;
    crm_tree_data_drop_values(s.data);
    if (s.trained &&
        (rc = crm_tree_train(run, s.data, s.bins, s.model, js, err)) != CRM_OK)
        goto done;
    rc = crm_tree_predict(s.model, s.bins, s.data->n, s.prob, s.leaf);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    if ((rc = evaluate(run, &s, js, err)) != CRM_OK)
        goto done;
    cJSON_AddBoolToObject(js, "trained", s.trained);
    importance_json(s.model, js);
    log_summary(run, &s, js);
    run->seconds_compute += crm_log_now() - t0;
    if ((rc = add_scores(run, &s, js, err)) == CRM_OK)
        rc = outputs(run, &s);
done:
    free(s.leaf);
    free(s.prob);
    free(s.bins);
    crm_tree_data_free(s.data);
    crm_tree_model_free(s.model);
    return crm_mpi_agree(run->mpi, rc, err);
}
