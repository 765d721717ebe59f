/* engine/kmeans_profile.c — segment sizes, means and descriptions. */
#define _POSIX_C_SOURCE 200809L
#include "engine/kmeans_profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/export.h"

/* Partial layout per cluster c, at c * stride:
 *   [0] customers, [1] revenue, then per feature j at 2 + 3j:
 *   sum of original values, count of them, sum of scaled values. */
static size_t stride_of(size_t d)
{
    return 2 + 3 * d;
}

static void block_sums(const crm_features *f, const float *x,
                       const int32_t *label, const double *revenue,
                       size_t k, size_t block_rows, double *parts)
{
    const size_t nb = (f->n + block_rows - 1) / block_rows;
    const size_t st = stride_of(f->d), len = k * st;
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nb; b++) {
        double *p = parts + b * len;
        memset(p, 0, len * sizeof *p);
        const size_t i1 = (b + 1) * block_rows < f->n ? (b + 1) * block_rows
                                                      : f->n;
        for (size_t i = b * block_rows; i < i1; i++) {
            double *q = p + (size_t)label[i] * st;
            q[0] += 1;
            if (revenue != NULL && !isnan(revenue[i]))
                q[1] += revenue[i];
            for (size_t j = 0; j < f->d; j++) {
                const double v = f->values[j * f->n + i];
                if (!isnan(v)) {
                    q[2 + 3 * j] += v;
                    q[3 + 3 * j] += 1;
                }
                q[4 + 3 * j] += (double)x[i * f->d + j];
            }
        }
    }
}

/* Words for a feature far from the base mean; RFM names read naturally. */
static void word(const char *name, int high, char *out, size_t len)
{
    static const char *const known[][3] = {
        {"recency", "lapsed", "recent"},
        {"frequency", "frequent", "infrequent"},
        {"monetary", "high spend", "low spend"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(name, known[i][0]) == 0) {
            snprintf(out, len, "%s", known[i][high ? 1 : 2]);
            return;
        }
    if (strchr(name, '=') != NULL) /* a one-hot category */
        snprintf(out, len, "%s %s", high ? "mostly" : "rarely", name);
    else
        snprintf(out, len, "%s %s", high ? "high" : "low", name);
}

/* Up to three features with |z| >= 0.5, largest first (ties: lower j). */
static char *describe(const double *z, char *const *names, size_t d)
{
    char text[512] = "";
    int used[3] = {-1, -1, -1};
    for (int slot = 0; slot < 3; slot++) {
        int best = -1;
        for (size_t j = 0; j < d; j++) {
            if ((int)j == used[0] || (int)j == used[1] || fabs(z[j]) < 0.5)
                continue;
            if (best < 0 || fabs(z[j]) > fabs(z[best]))
                best = (int)j;
        }
        if (best < 0)
            break;
        used[slot] = best;
        char w[160];
        word(names[best], z[best] > 0, w, sizeof w);
        if (slot > 0)
            strncat(text, ", ", sizeof text - strlen(text) - 1);
        strncat(text, w, sizeof text - strlen(text) - 1);
    }
    return strdup(text[0] ? text : "close to the base average");
}

static crm_status profile_alloc(size_t k, size_t d, crm_kmeans_profile **out)
{
    crm_kmeans_profile *p = calloc(1, sizeof *p);
    if (p == NULL)
        return CRM_ENOMEM;
    p->k = k;
    p->d = d;
    p->size = calloc(k, sizeof *p->size);
    p->revenue = calloc(k, sizeof *p->revenue);
    p->mean = calloc(k * d + 1, sizeof *p->mean);
    p->describe = calloc(k, sizeof *p->describe);
    p->names = calloc(d + 1, sizeof *p->names);
    if (!p->size || !p->revenue || !p->mean || !p->describe || !p->names) {
        crm_kmeans_profile_free(p);
        return CRM_ENOMEM;
    }
    *out = p;
    return CRM_OK;
}

static const double *revenue_column(const crm_run *run)
{
    const crm_column *c = crm_run_score(run, "monetary");
    return c != NULL && c->type == CRM_TYPE_FLOAT64 ? c->data : NULL;
}

/* Sizes, revenue, means and descriptions from the reduced sums. */
static crm_status finish(crm_kmeans_profile *p, const crm_features *f,
                         const double *total, int has_revenue)
{
    const size_t st = stride_of(f->d);
    double *z = calloc(f->d + 1, sizeof *z);
    if (z == NULL)
        return CRM_ENOMEM;
    crm_status rc = CRM_OK;
    for (size_t j = 0; rc == CRM_OK && j < f->d; j++)
        if ((p->names[j] = strdup(f->names[j])) == NULL)
            rc = CRM_ENOMEM;
    for (size_t c = 0; rc == CRM_OK && c < p->k; c++) {
        const double *q = total + c * st;
        p->size[c] = (int64_t)q[0];
        p->revenue[c] = has_revenue ? q[1] : NAN;
        for (size_t j = 0; j < f->d; j++) {
            p->mean[c * f->d + j] =
                q[3 + 3 * j] > 0 ? q[2 + 3 * j] / q[3 + 3 * j] : NAN;
            z[j] = q[0] > 0 ? q[4 + 3 * j] / q[0] : 0.0;
        }
        if ((p->describe[c] = describe(z, f->names, f->d)) == NULL)
            rc = CRM_ENOMEM;
    }
    free(z);
    return rc;
}

crm_status crm_kmeans_profile_build(crm_run *run, const crm_features *f,
                                    const float *x, const int32_t *label,
                                    size_t k, crm_kmeans_profile **out)
{
    crm_kmeans_profile *p = NULL;
    const size_t len = k * stride_of(f->d);
    const size_t nb = crm_run_nblocks(run);
    double *parts = malloc((nb * len + 1) * sizeof *parts);
    double *total = malloc((len + 1) * sizeof *total);
    crm_status rc = (parts && total) ? profile_alloc(k, f->d, &p)
                                     : CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) != CRM_OK)
        goto done;
    const double *revenue = revenue_column(run);
    block_sums(f, x, label, revenue, k, (size_t)run->block_rows, parts);
    if ((rc = crm_run_reduce(run, parts, len, total)) == CRM_OK)
        rc = finish(p, f, total, revenue != NULL);
    rc = crm_mpi_agree(run->mpi, rc, NULL);
done:
    free(total);
    free(parts);
    if (rc == CRM_OK)
        *out = p;
    else
        crm_kmeans_profile_free(p);
    return rc;
}

void crm_kmeans_profile_free(crm_kmeans_profile *p)
{
    if (p == NULL)
        return;
    for (size_t c = 0; p->describe != NULL && c < p->k; c++)
        free(p->describe[c]);
    free(p->describe);
    for (size_t j = 0; p->names != NULL && j < p->d; j++)
        free(p->names[j]);
    free(p->names);
    free(p->mean);
    free(p->revenue);
    free(p->size);
    free(p);
}

static double total_revenue(const crm_kmeans_profile *p)
{
    double sum = 0.0; /* in cluster order: the same on every rank */
    for (size_t c = 0; c < p->k; c++)
        sum += p->revenue[c];
    return sum;
}

static int64_t total_size(const crm_kmeans_profile *p)
{
    int64_t n = 0;
    for (size_t c = 0; c < p->k; c++)
        n += p->size[c];
    return n;
}

/* segments.csv at path: cluster, size, share, revenue_share, description,
 * mean_<feature>... */
static crm_status segments_csv(const crm_kmeans_profile *p, const char *path,
                               crm_error *err)
{
    const size_t k = p->k, ncols = 5 + p->d;
    crm_column *cols = calloc(ncols, sizeof *cols);
    char **names = calloc(p->d + 1, sizeof *names);
    int32_t *code = calloc(k, sizeof *code);
    double *num = calloc((2 + p->d) * k + 1, sizeof *num);
    crm_status rc = (cols && names && code && num) ? CRM_OK : CRM_ENOMEM;
    const double rev = total_revenue(p), n = (double)total_size(p);
    for (size_t c = 0; rc == CRM_OK && c < k; c++) {
        code[c] = (int32_t)c;
        num[c] = (double)p->size[c] / n;
        num[k + c] = p->revenue[c] / rev;
        for (size_t j = 0; j < p->d; j++)
            num[(2 + j) * k + c] = p->mean[c * p->d + j];
    }
    for (size_t j = 0; rc == CRM_OK && j < p->d; j++) {
        names[j] = malloc(strlen(p->names[j]) + 6);
        if (names[j] == NULL)
            rc = CRM_ENOMEM;
        else
            sprintf(names[j], "mean_%s", p->names[j]);
    }
    if (rc == CRM_OK) {
        cols[0] = (crm_column){.name = "cluster", .type = CRM_TYPE_INT32,
                               .data = code};
        cols[1] = (crm_column){.name = "size", .type = CRM_TYPE_INT64,
                               .data = p->size};
        cols[2] = (crm_column){.name = "share", .type = CRM_TYPE_FLOAT64,
                               .data = num};
        cols[3] = (crm_column){.name = "revenue_share",
                               .type = CRM_TYPE_FLOAT64, .data = num + k};
        cols[4] = (crm_column){.name = "description", .type = CRM_TYPE_INT32,
                               .data = code,
                               .dict = (const char *const *)p->describe,
                               .ndict = k};
        for (size_t j = 0; j < p->d; j++)
            cols[5 + j] = (crm_column){.name = names[j],
                                       .type = CRM_TYPE_FLOAT64,
                                       .data = num + (2 + j) * k};
        const crm_table t = {.nrows = k, .ncols = ncols, .cols = cols};
        rc = crm_csv_write_table(&t, path, err);
    }
    for (size_t j = 0; names != NULL && j < p->d; j++)
        free(names[j]);
    free(names);
    free(num);
    free(code);
    free(cols);
    return rc;
}

static crm_status write_segments(const char *path, void *ctx, crm_error *err)
{
    return segments_csv(ctx, path, err);
}

static void free_profile(void *p)
{
    crm_kmeans_profile_free(p);
}

crm_status crm_kmeans_profile_output(crm_run *run, crm_kmeans_profile *p)
{
    return crm_run_add_output(run, "segments.csv", write_segments, p,
                              free_profile);
}

void crm_kmeans_profile_json(const crm_kmeans_profile *p, cJSON *stage)
{
    cJSON *arr = cJSON_AddArrayToObject(stage, "segments");
    const double rev = total_revenue(p), n = (double)total_size(p);
    for (size_t c = 0; arr != NULL && c < p->k; c++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "cluster", (double)c);
        cJSON_AddNumberToObject(o, "size", (double)p->size[c]);
        cJSON_AddNumberToObject(o, "share", (double)p->size[c] / n);
        if (!isnan(rev))
            cJSON_AddNumberToObject(o, "revenue_share", p->revenue[c] / rev);
        cJSON_AddStringToObject(o, "description", p->describe[c]);
        cJSON *means = cJSON_AddObjectToObject(o, "means");
        for (size_t j = 0; j < p->d; j++)
            if (!isnan(p->mean[c * p->d + j]))
                cJSON_AddNumberToObject(means, p->names[j],
                                        p->mean[c * p->d + j]);
        cJSON_AddItemToArray(arr, o);
    }
}
