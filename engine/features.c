/* engine/features.c — gathering, scaling and packing stage features. */
#define _POSIX_C_SOURCE 200809L
#include "engine/features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reduce.h"

static int listed(const char *name, char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

/* Names of the /customers columns the features need, in feature order. */
static crm_status customer_names(crm_run *run, const char *stage,
                                 char *const *names, size_t nnames,
                                 const char **need, size_t *nneed,
                                 crm_error *err)
{
    crm_table_info *info = NULL;
    crm_status rc = crm_store_table_info(run->store, "/customers", &info, err);
    if (rc != CRM_OK)
        return rc;
    *nneed = 0;
    for (size_t i = 0; rc == CRM_OK && i < nnames; i++) {
        if (crm_run_score(run, names[i]) != NULL)
            continue;
        size_t c = 0;
        while (c < info->ncols && strcmp(info->cols[c].name, names[i]) != 0)
            c++;
        if (c == info->ncols || strcmp(names[i], "customer_id") == 0)
            rc = crm_error_set(err, CRM_ECONFIG,
                               "%s: [%s] features: unknown feature \"%s\" "
                               "(not a /customers column nor a column of an "
                               "earlier stage)",
                               run->job->path, stage, names[i]);
        else
            need[(*nneed)++] = names[i];
    }
    crm_table_info_free(info);
    return rc;
}

static crm_status add_name(crm_features *f, const char *a, const char *b)
{
    const size_t len = strlen(a) + (b ? strlen(b) + 1 : 0) + 1;
    char *s = malloc(len);
    if (s == NULL)
        return CRM_ENOMEM;
    if (b != NULL)
        snprintf(s, len, "%s=%s", a, b);
    else
        snprintf(s, len, "%s", a);
    f->names[f->d++] = s;
    return CRM_OK;
}

/* Appends column c as one feature, or one 0/1 feature per category. */
static crm_status add_column(crm_features *f, const crm_column *c,
                             int onehot)
{
    crm_status rc = CRM_OK;
    if (!onehot) {
        double *v = f->values + f->d * f->n;
        for (size_t i = 0; i < f->n; i++)
            v[i] = crm_column_get_f64(c, i);
        return add_name(f, c->name, NULL);
    }
    for (size_t k = 0; rc == CRM_OK && k < c->ndict; k++) {
        double *v = f->values + f->d * f->n;
        const int64_t code = c->dict_row0 + (int64_t)k;
        for (size_t i = 0; i < f->n; i++)
            v[i] = crm_column_get_i64(c, i) == code ? 1.0 : 0.0;
        rc = add_name(f, c->name, c->dict[k]);
    }
    return rc;
}

static size_t count_features(const crm_run *run, const crm_table *cust,
                             char *const *names, size_t nnames)
{
    size_t d = 0;
    for (size_t i = 0; i < nnames; i++) {
        const crm_column *c = crm_run_score(run, names[i]);
        if (c == NULL)
            c = crm_table_find(cust, names[i]);
        d += (c->dict != NULL && !c->dict_by_row) ? c->ndict : 1;
    }
    return d;
}

static crm_status check_kind(const crm_run *run, const char *stage,
                             const crm_column *c, int onehot,
                             crm_error *err)
{
    const int text = c->dict != NULL;
    if (text && c->dict_by_row)
        return crm_error_set(err, CRM_ECONFIG,
                             "%s: [%s] features: \"%s\" is an identifier, "
                             "not a feature", run->job->path, stage, c->name);
    if (text && !onehot)
        return crm_error_set(err, CRM_ECONFIG,
                             "%s: [%s] features: \"%s\" is categorical; list "
                             "it in onehot to use it",
                             run->job->path, stage, c->name);
    if (!text && onehot)
        return crm_error_set(err, CRM_ECONFIG,
                             "%s: [%s] onehot: \"%s\" is numeric, not "
                             "categorical", run->job->path, stage, c->name);
    return CRM_OK;
}

crm_status crm_features_gather(crm_run *run, const char *stage,
                               char *const *names, size_t nnames,
                               char *const *onehot, size_t nonehot,
                               crm_features **out, crm_error *err)
{
    crm_frame *frame = NULL;
    crm_features *f = calloc(1, sizeof *f);
    const char **need = calloc(nnames + 1, sizeof *need);
    size_t nneed = 0;
    crm_status rc = (f == NULL || need == NULL) ? CRM_ENOMEM : CRM_OK;
    if (rc == CRM_OK)
        rc = customer_names(run, stage, names, nnames, need, &nneed, err);
    for (size_t i = 0; rc == CRM_OK && i < nonehot; i++)
        if (!listed(onehot[i], names, nnames))
            rc = crm_error_set(err, CRM_ECONFIG, "%s: [%s] onehot: \"%s\" is "
                               "not among the features", run->job->path,
                               stage, onehot[i]);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    rc = crm_store_read(run->store, "/customers", need, nneed, run->row0,
                        run->row1 - run->row0, run->dxpl, &frame, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    const crm_table *cust = crm_frame_table(frame);
    f->n = crm_run_nlocal(run);
    const size_t dmax = count_features(run, cust, names, nnames);
    f->names = calloc(dmax + 1, sizeof *f->names);
    f->values = malloc((dmax * f->n + 1) * sizeof *f->values);
    rc = (f->names == NULL || f->values == NULL) ? CRM_ENOMEM : CRM_OK;
    for (size_t i = 0; rc == CRM_OK && i < nnames; i++) {
        const crm_column *c = crm_run_score(run, names[i]);
        if (c == NULL)
            c = crm_table_find(cust, names[i]);
        const int hot = listed(names[i], onehot, nonehot);
        if ((rc = check_kind(run, stage, c, hot, err)) == CRM_OK)
            rc = add_column(f, c, hot);
    }
    rc = crm_mpi_agree(run->mpi, rc, err);
done:
    crm_frame_free(frame);
    free(need);
    if (rc == CRM_OK)
        *out = f;
    else
        crm_features_free(f);
    return rc;
}

void crm_features_free(crm_features *f)
{
    if (f == NULL)
        return;
    for (size_t j = 0; f->names != NULL && j < f->d; j++)
        free(f->names[j]);
    free(f->names);
    free(f->values);
    free(f);
}

static double transform(double v, int log1p_flag)
{
    if (!log1p_flag || isnan(v))
        return v;
    /* signed, so net spend below zero (returns) stays defined */
    return v < 0 ? -log1p(-v) : log1p(v);
}

/* parts[b * 2d + 2j .. +1] = count, sum (or sum of squared deviations from
 * mean when mean is not NULL) of feature j over local block b. */
static void block_moments(const crm_features *f, const int *flags,
                          const double *mean, size_t block_rows,
                          double *parts)
{
    const size_t nb = (f->n + block_rows - 1) / block_rows;
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nb; b++) {
        const size_t i0 = b * block_rows;
        const size_t i1 = i0 + block_rows < f->n ? i0 + block_rows : f->n;
        for (size_t j = 0; j < f->d; j++) {
            double cnt = 0, acc = 0;
            for (size_t i = i0; i < i1; i++) {
                const double v = transform(f->values[j * f->n + i], flags[j]);
                if (isnan(v))
                    continue;
                cnt += 1;
                acc += mean != NULL ? (v - mean[j]) * (v - mean[j]) : v;
            }
            parts[b * 2 * f->d + 2 * j] = cnt;
            parts[b * 2 * f->d + 2 * j + 1] = acc;
        }
    }
}

static crm_status scaling_alloc(size_t d, crm_scaling **out)
{
    crm_scaling *s = calloc(1, sizeof *s);
    if (s == NULL)
        return CRM_ENOMEM;
    s->d = d;
    s->log1p = calloc(d + 1, sizeof *s->log1p);
    s->mean = calloc(d + 1, sizeof *s->mean);
    s->scale = calloc(d + 1, sizeof *s->scale);
    s->count = calloc(d + 1, sizeof *s->count);
    if (!s->log1p || !s->mean || !s->scale || !s->count) {
        crm_scaling_free(s);
        return CRM_ENOMEM;
    }
    *out = s;
    return CRM_OK;
}

/* Two block-ordered passes: count and sum, then squared deviations. */
static crm_status moments(crm_run *run, const crm_features *f, crm_scaling *s)
{
    const size_t nb = crm_run_nblocks(run), len = 2 * f->d;
    double *parts = calloc(nb * len + 1, sizeof *parts);
    double *total = calloc(len + 1, sizeof *total);
    crm_status rc = (parts && total) ? CRM_OK : CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) != CRM_OK)
        goto done;
    block_moments(f, s->log1p, NULL, (size_t)run->block_rows, parts);
    if ((rc = crm_run_reduce(run, parts, len, total)) != CRM_OK)
        goto done;
    for (size_t j = 0; j < f->d; j++) {
        s->count[j] = (int64_t)total[2 * j];
        s->mean[j] = s->count[j] ? total[2 * j + 1] / total[2 * j] : NAN;
    }
    block_moments(f, s->log1p, s->mean, (size_t)run->block_rows, parts);
    if ((rc = crm_run_reduce(run, parts, len, total)) != CRM_OK)
        goto done;
    for (size_t j = 0; j < f->d; j++) {
        const double sd = s->count[j] ? sqrt(total[2 * j + 1] / total[2 * j])
                                      : 0.0;
        s->scale[j] = sd > 0 ? sd : 1.0;
    }
done:
    free(total);
    free(parts);
    return rc;
}

crm_status crm_features_fit_scaling(crm_run *run, const char *stage,
                                    const crm_features *f,
                                    char *const *log1p, size_t nlog1p,
                                    int zscore, crm_scaling **out,
                                    crm_error *err)
{
    crm_scaling *s = NULL;
    crm_status rc = scaling_alloc(f->d, &s);
    for (size_t i = 0; rc == CRM_OK && i < nlog1p; i++) {
        size_t j = 0;
        while (j < f->d && strcmp(f->names[j], log1p[i]) != 0)
            j++;
        if (j == f->d)
            rc = crm_error_set(err, CRM_ECONFIG, "%s: [%s] log1p: \"%s\" is "
                               "not a numeric feature", run->job->path,
                               stage, log1p[i]);
        else
            s->log1p[j] = 1;
    }
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) == CRM_OK)
        rc = moments(run, f, s);
    for (size_t j = 0; rc == CRM_OK && j < f->d; j++) {
        if (s->count[j] == 0)
            rc = crm_error_set(err, CRM_ECONFIG, "%s: [%s] features: \"%s\" "
                               "has no value for any customer",
                               run->job->path, stage, f->names[j]);
        else if (!zscore) {
            s->mean[j] = 0.0;
            s->scale[j] = 1.0;
        }
    }
    if (rc == CRM_OK)
        *out = s;
    else
        crm_scaling_free(s);
    return rc;
}

void crm_scaling_free(crm_scaling *s)
{
    if (s == NULL)
        return;
    free(s->count);
    free(s->scale);
    free(s->mean);
    free(s->log1p);
    free(s);
}

size_t crm_features_apply(const crm_features *f, const crm_scaling *s,
                          float *x)
{
    size_t missing = 0;
    for (size_t j = 0; j < f->d; j++) {
        const double *v = f->values + j * f->n;
        for (size_t i = 0; i < f->n; i++) {
            const double t = transform(v[i], s->log1p[j]);
            missing += isnan(t);
            x[i * f->d + j] =
                isnan(t) ? 0.0f : (float)((t - s->mean[j]) / s->scale[j]);
        }
    }
    return missing;
}
