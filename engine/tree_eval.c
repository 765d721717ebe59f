/* engine/tree_eval.c — honest evaluation of the churn scores.
 *
 * Each rank sorts its evaluated rows by score and folds equal scores into
 * groups (score, positives, negatives); the groups of all ranks are
 * gathered (a tree has one group per leaf, a forest at most one per row)
 * and merged by algorithms/metrics, whose figures are pure functions of
 * integer counts: the same at any rank count. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/metrics/metrics.h"
#include "algorithms/quantiles/quantiles.h"
#include "engine/tree_int.h"
#include "io/export.h"

#define NDECILES 10

static int evaluated(const crm_tree_data *d, size_t i, int role)
{
    return role < 0 ? d->role[i] != CRM_TREE_UNLABELLED : d->role[i] == role;
}

/* Local groups as triples (score, pos, neg) of doubles, for the gather. */
static crm_status local_groups(const crm_tree_data *d, const double *prob,
                               int role, double **out, size_t *ngroups)
{
    crm_tree_keyed *rows = malloc((d->n + 1) * sizeof *rows);
    crm_tree_keyed *tmp = malloc((d->n + 1) * sizeof *tmp);
    double *g = malloc((3 * d->n + 3) * sizeof *g);
    if (rows == NULL || tmp == NULL || g == NULL) {
        free(rows);
        free(tmp);
        free(g);
        return CRM_ENOMEM;
    }
    size_t m = 0, k = 0;
    for (size_t i = 0; i < d->n; i++)
        if (evaluated(d, i, role))
            rows[m++] = (crm_tree_keyed){crm_quantiles_key(prob[i]),
                                         d->label[i]};
    const crm_tree_keyed *sorted = crm_tree_sort_keyed(rows, tmp, m);
    for (size_t r = 0; r < m; r++) {
        if (k == 0 || r == 0 || sorted[r].key != sorted[r - 1].key) {
            g[3 * k] = crm_quantiles_value(sorted[r].key);
            g[3 * k + 1] = g[3 * k + 2] = 0;
            k++;
        }
        g[3 * (k - 1) + (sorted[r].label ? 1 : 2)] += 1;
    }
    free(tmp);
    free(rows);
    *out = g;
    *ngroups = k;
    return CRM_OK;
}

/* Every rank's groups, merged: the same array on every rank. */
static crm_status all_groups(crm_run *run, const crm_tree_data *d,
                             const double *prob, int role,
                             crm_score_group **out, size_t *n)
{
    double *mine = NULL, *all = NULL;
    size_t k = 0;
    int64_t before = 0, total = 0;
    crm_status rc = local_groups(d, prob, role, &mine, &k);
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) == CRM_OK)
        rc = crm_comm_exscan_i64(run->comm, (int64_t)k, &before, &total);
    crm_score_group *g = NULL;
    if (rc == CRM_OK) {
        all = malloc(((size_t)total * 3 + 1) * sizeof *all);
        g = malloc(((size_t)total + 1) * sizeof *g);
        rc = (all == NULL || g == NULL) ? CRM_ENOMEM : CRM_OK;
    }
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) == CRM_OK)
        rc = run->comm->allgather_f64(run->comm, mine, 3 * k, all,
                                      3 * (size_t)total);
    for (size_t i = 0; rc == CRM_OK && i < (size_t)total; i++)
        g[i] = (crm_score_group){.score = all[3 * i],
                                 .pos = (int64_t)all[3 * i + 1],
                                 .neg = (int64_t)all[3 * i + 2]};
    size_t ng = (size_t)total;
    if (rc == CRM_OK)
        rc = crm_metrics_sort_groups(g, &ng);
    free(all);
    free(mine);
    if (rc != CRM_OK) {
        free(g);
        return rc;
    }
    *out = g;
    *n = ng;
    return CRM_OK;
}

static void metrics_json(const crm_binary_metrics *m, double threshold,
                         cJSON *js)
{
    cJSON_AddNumberToObject(js, "rows", (double)m->n);
    cJSON_AddNumberToObject(js, "positives", (double)m->positives);
    if (!isnan(m->auc))
        cJSON_AddNumberToObject(js, "auc", m->auc);
    cJSON_AddNumberToObject(js, "accuracy", m->accuracy);
    cJSON_AddNumberToObject(js, "precision", m->precision);
    cJSON_AddNumberToObject(js, "recall", m->recall);
    cJSON_AddNumberToObject(js, "f1", m->f1);
    cJSON_AddNumberToObject(js, "log_loss", m->log_loss);
    if (!isnan(m->top_decile_lift))
        cJSON_AddNumberToObject(js, "top_decile_lift", m->top_decile_lift);
    if (!isnan(m->top_decile_capture))
        cJSON_AddNumberToObject(js, "top_decile_capture",
                                m->top_decile_capture);
    cJSON_AddNumberToObject(js, "threshold", threshold);
    cJSON *cm = cJSON_AddObjectToObject(js, "confusion");
    cJSON_AddNumberToObject(cm, "tp", (double)m->tp);
    cJSON_AddNumberToObject(cm, "fp", (double)m->fp);
    cJSON_AddNumberToObject(cm, "tn", (double)m->tn);
    cJSON_AddNumberToObject(cm, "fn", (double)m->fn);
}

/* tree_eval.csv: the decile lift/gain table, best-scored decile first. */
static crm_status write_eval(const char *path, void *ctx, crm_error *err)
{
    const crm_lift_row *r = ctx;
    int32_t decile[NDECILES];
    int64_t rows[NDECILES];
    double v[8][NDECILES];
    for (int b = 0; b < NDECILES; b++) {
        decile[b] = b + 1;
        rows[b] = r[b].rows;
        const double x[8] = {r[b].positives,      r[b].min_score,
                             r[b].max_score,      r[b].rate,
                             r[b].lift,           r[b].cum_rows_share,
                             r[b].cum_capture,    r[b].cum_lift};
        for (int k = 0; k < 8; k++)
            v[k][b] = x[k];
    }
    static const char *const names[8] = {
        "positives", "min_score", "max_score",  "rate",
        "lift",      "cum_share", "cum_capture", "cum_lift"};
    crm_column cols[10] = {
        {.name = "decile", .type = CRM_TYPE_INT32, .data = decile},
        {.name = "customers", .type = CRM_TYPE_INT64, .data = rows}};
    for (int k = 0; k < 8; k++)
        cols[2 + k] = (crm_column){.name = names[k], .type = CRM_TYPE_FLOAT64,
                                   .data = v[k]};
    const crm_table t = {.nrows = NDECILES, .ncols = 10, .cols = cols};
    return crm_csv_write_table(&t, path, err);
}

crm_status crm_tree_evaluate(crm_run *run, const crm_tree_data *d,
                             const double *prob, int role, double threshold,
                             int eval_csv, cJSON *js, crm_error *err)
{
    crm_score_group *g = NULL;
    size_t n = 0;
    crm_binary_metrics m;
    crm_lift_row *lift = calloc(NDECILES, sizeof *lift);
    crm_status rc = lift == NULL ? CRM_ENOMEM : CRM_OK;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    rc = all_groups(run, d, prob, role, &g, &n);
    if (rc == CRM_OK && n == 0) {
        cJSON_AddNumberToObject(js, "rows", 0);
        free(g);
        free(lift);
        return CRM_OK;
    }
    if (rc == CRM_OK)
        rc = crm_metrics_binary(g, n, threshold, &m);
    if (rc == CRM_OK)
        rc = crm_metrics_lift(g, n, NDECILES, lift);
    free(g);
    if (rc == CRM_OK)
        metrics_json(&m, threshold, js);
    if (rc != CRM_OK)
        rc = crm_error_set(err, rc, "%s: [tree] evaluation failed: %s",
                           run->job->path, crm_strerror(rc));
    if (rc == CRM_OK && eval_csv)
        return crm_run_add_output(run, "tree_eval.csv", write_eval, lift,
                                  free);
    free(lift);
    return rc;
}
