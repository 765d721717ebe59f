/* engine/stage_kmeans.c — features in, segments out. */
#define _POSIX_C_SOURCE 200809L
#include "engine/stage_kmeans.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/features.h"
#include "engine/kmeans_fit.h"
#include "engine/kmeans_model.h"
#include "engine/kmeans_profile.h"

static crm_status copy_list(const crm_strlist *from, crm_strlist *to)
{
    *to = (crm_strlist){0};
    to->items = calloc(from->n + 1, sizeof *to->items);
    if (to->items == NULL)
        return CRM_ENOMEM;
    for (; to->n < from->n; to->n++)
        if ((to->items[to->n] = strdup(from->items[to->n])) == NULL)
            return CRM_ENOMEM;
    return CRM_OK;
}

/* The model of this training, owned by the model.h5 output. */
static crm_status build_model(const crm_features *f, const crm_scaling *s,
                              const crm_kmeans_fit *fit,
                              const crm_job_kmeans *cfg,
                              crm_kmeans_model **out)
{
    crm_kmeans_model *m = calloc(1, sizeof *m);
    if (m == NULL)
        return CRM_ENOMEM;
    m->k = fit->k;
    m->d = f->d;
    m->inertia = fit->inertia;
    m->centres = malloc(fit->k * f->d * sizeof *m->centres);
    m->names = calloc(f->d + 1, sizeof *m->names);
    m->scaling = calloc(1, sizeof *m->scaling);
    crm_status rc = (m->centres && m->names && m->scaling) ? CRM_OK
                                                           : CRM_ENOMEM;
    if (rc == CRM_OK) {
        memcpy(m->centres, fit->centres, fit->k * f->d * sizeof *m->centres);
        m->scaling->d = f->d;
        m->scaling->log1p = malloc((f->d + 1) * sizeof(int));
        m->scaling->mean = malloc((f->d + 1) * sizeof(double));
        m->scaling->scale = malloc((f->d + 1) * sizeof(double));
        m->scaling->count = malloc((f->d + 1) * sizeof(int64_t));
        if (!m->scaling->log1p || !m->scaling->mean || !m->scaling->scale ||
            !m->scaling->count)
            rc = CRM_ENOMEM;
    }
    for (size_t j = 0; rc == CRM_OK && j < f->d; j++) {
        m->scaling->log1p[j] = s->log1p[j];
        m->scaling->mean[j] = s->mean[j];
        m->scaling->scale[j] = s->scale[j];
        m->scaling->count[j] = s->count[j];
        if ((m->names[j] = strdup(f->names[j])) == NULL)
            rc = CRM_ENOMEM;
    }
    if (rc == CRM_OK)
        rc = copy_list(&cfg->features, &m->features);
    if (rc == CRM_OK)
        rc = copy_list(&cfg->onehot, &m->onehot);
    if (rc == CRM_OK)
        rc = copy_list(&cfg->log1p, &m->log1p);
    if (rc != CRM_OK) {
        crm_kmeans_model_free(m);
        return rc;
    }
    *out = m;
    return CRM_OK;
}

static crm_status write_model(crm_store *st, void *ctx, crm_error *err)
{
    return crm_kmeans_model_save(ctx, st, err);
}

static void free_model(void *ctx)
{
    crm_kmeans_model_free(ctx);
}

/* A saved model scores only features built exactly as in training. */
static crm_status check_model_features(const crm_run *run,
                                       const crm_features *f,
                                       const crm_kmeans_model *m,
                                       crm_error *err)
{
    if (f->d != m->d)
        return crm_error_set(err, CRM_ECONFIG, "%s: [kmeans] model %s has %zu "
                             "features, this store gives %zu",
                             run->job->path, run->job->kmeans.model, m->d,
                             f->d);
    for (size_t j = 0; j < f->d; j++)
        if (strcmp(f->names[j], m->names[j]) != 0)
            return crm_error_set(err, CRM_ECONFIG, "%s: [kmeans] model %s "
                                 "expects feature \"%s\" where this store "
                                 "gives \"%s\"", run->job->path,
                                 run->job->kmeans.model, m->names[j],
                                 f->names[j]);
    return CRM_OK;
}

/* k = auto: every k in k_min..k_max (at most customers - 1), the one with
 * the highest Calinski–Harabasz index kept (ties: the smaller k). */
static crm_status train_auto(crm_run *run, const float *x, size_t n,
                             size_t d, cJSON *js, crm_kmeans_fit **out,
                             crm_error *err)
{
    const crm_job_kmeans *cfg = &run->job->kmeans;
    cJSON *tried = cJSON_AddArrayToObject(js, "k_auto");
    crm_kmeans_fit *best = NULL;
    double best_ch = -1.0;
    crm_status rc = CRM_OK;
    for (int k = cfg->k_min; rc == CRM_OK && k <= cfg->k_max &&
                             k < run->ncustomers;
         k++) {
        crm_kmeans_fit *fit = NULL;
        if ((rc = crm_kmeans_train(run, x, n, d, (size_t)k, &fit, err)) !=
            CRM_OK)
            break;
        const double ch = crm_kmeans_calinski_harabasz(
            fit->total_ss, fit->inertia, run->ncustomers, (size_t)k);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "k", k);
        cJSON_AddNumberToObject(o, "inertia", fit->inertia);
        cJSON_AddNumberToObject(o, "calinski_harabasz", ch);
        cJSON_AddItemToArray(tried, o);
        crm_log_info(run->log, "kmeans: k = %d, inertia %.6g, "
                     "Calinski-Harabasz %.6g", k, fit->inertia, ch);
        if (ch > best_ch) {
            crm_kmeans_fit_free(best);
            best = fit;
            best_ch = ch;
        } else {
            crm_kmeans_fit_free(fit);
        }
    }
    if (rc == CRM_OK && best == NULL)
        rc = crm_error_set(err, CRM_EINVAL, "%s: [kmeans] k = auto: no k in "
                           "%d..%d below the number of customers (%lld)",
                           run->job->path, cfg->k_min, cfg->k_max,
                           (long long)run->ncustomers);
    if (rc != CRM_OK) {
        crm_kmeans_fit_free(best);
        return rc;
    }
    cJSON_AddStringToObject(js, "k_criterion", "calinski_harabasz");
    *out = best;
    return CRM_OK;
}

static crm_status add_scores(crm_run *run, const crm_kmeans_fit *fit,
                             size_t n)
{
    int32_t *label = malloc((n + 1) * sizeof *label);
    double *dist = malloc((n + 1) * sizeof *dist);
    if (label == NULL || dist == NULL) {
        free(label);
        free(dist);
        return CRM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        label[i] = fit->label[i];
        dist[i] = sqrt((double)fit->dist2[i]);
    }
    crm_status rc = crm_run_add_score(
        run, (crm_column){.name = "cluster", .type = CRM_TYPE_INT32}, label);
    const crm_status rc2 = crm_run_add_score(
        run,
        (crm_column){.name = "cluster_distance", .type = CRM_TYPE_FLOAT64},
        dist);
    return rc != CRM_OK ? rc : rc2;
}

static void report(crm_run *run, cJSON *js, const crm_features *f,
                   const crm_kmeans_fit *fit, int64_t missing)
{
    cJSON_AddNumberToObject(js, "k", (double)fit->k);
    cJSON_AddNumberToObject(js, "inertia", fit->inertia);
    cJSON_AddNumberToObject(js, "iterations", fit->iterations);
    cJSON_AddBoolToObject(js, "converged", fit->converged);
    cJSON_AddNumberToObject(js, "restart_kept", fit->restart);
    cJSON_AddNumberToObject(js, "empty_clusters_reseeded",
                            (double)fit->reseeded);
    cJSON_AddNumberToObject(js, "missing_values_imputed", (double)missing);
    cJSON_AddBoolToObject(js, "trained", run->job->kmeans.model == NULL);
    cJSON *names = cJSON_AddArrayToObject(js, "features");
    for (size_t j = 0; j < f->d; j++)
        cJSON_AddItemToArray(names, cJSON_CreateString(f->names[j]));
}

/* The job lists that build the features: the model's when scoring. */
static void recipe(const crm_run *run, const crm_kmeans_model *model,
                   const crm_strlist **feat, const crm_strlist **hot,
                   const crm_strlist **logs)
{
    const crm_job_kmeans *cfg = &run->job->kmeans;
    *feat = model ? &model->features : &cfg->features;
    *hot = model ? &model->onehot : &cfg->onehot;
    *logs = model ? &model->log1p : &cfg->log1p;
}

static crm_status gather(crm_run *run, const crm_kmeans_model *model,
                         crm_features **f, crm_error *err)
{
    const crm_strlist *feat, *hot, *logs;
    recipe(run, model, &feat, &hot, &logs);
    return crm_features_gather(run, "kmeans", feat->items, feat->n,
                               hot->items, hot->n, f, err);
}

/* Features and their scaling: fitted now, or the saved model's. */
static crm_status prepare(crm_run *run, const crm_kmeans_model *model,
                          crm_features **f, crm_scaling **s, crm_error *err)
{
    const crm_strlist *feat, *hot, *logs;
    recipe(run, model, &feat, &hot, &logs);
    crm_status rc = gather(run, model, f, err);
    if (rc != CRM_OK)
        return rc;
    if (model != NULL)
        return crm_mpi_agree(run->mpi,
                             check_model_features(run, *f, model, err), err);
    return crm_features_fit_scaling(run, "kmeans", *f, logs->items, logs->n,
                                    run->job->kmeans.zscore, s, err);
}

static crm_status fit_or_score(crm_run *run, const crm_kmeans_model *model,
                               const float *x, size_t n, size_t d,
                               cJSON *js, crm_kmeans_fit **fit,
                               crm_error *err)
{
    if (model != NULL)
        return crm_kmeans_score(run, x, n, d, model->centres, model->k, fit,
                                err);
    if (run->job->kmeans.k == 0)
        return train_auto(run, x, n, d, js, fit, err);
    return crm_kmeans_train(run, x, n, d, (size_t)run->job->kmeans.k, fit,
                            err);
}

static crm_status outputs(crm_run *run, cJSON *js, const crm_features *f,
                          const crm_scaling *s, const float *x,
                          const crm_kmeans_fit *fit, int trained)
{
    crm_kmeans_profile *prof = NULL;
    crm_kmeans_model *model = NULL;
    crm_status rc = crm_kmeans_profile_build(run, f, x, fit->label, fit->k,
                                             &prof);
    if (rc != CRM_OK)
        return rc;
    cJSON *sizes = cJSON_AddArrayToObject(js, "sizes");
    for (size_t c = 0; c < fit->k; c++)
        cJSON_AddItemToArray(sizes, cJSON_CreateNumber((double)prof->size[c]));
    crm_kmeans_profile_json(prof, js);
    rc = crm_kmeans_profile_output(run, prof);
    if (rc == CRM_OK)
        rc = add_scores(run, fit, f->n);
    if (rc == CRM_OK && trained &&
        (rc = build_model(f, s, fit, &run->job->kmeans, &model)) == CRM_OK)
        rc = crm_run_add_model(run, write_model, model, free_model);
    return rc;
}

crm_status crm_stage_kmeans(crm_run *run, cJSON *js, crm_error *err)
{
    const crm_job_kmeans *cfg = &run->job->kmeans;
    crm_kmeans_model *model = NULL;
    crm_features *f = NULL;
    crm_scaling *fitted = NULL;
    crm_kmeans_fit *fit = NULL;
    float *x = NULL;
    crm_status rc = CRM_OK;
    if (cfg->model != NULL)
        rc = crm_kmeans_model_load(cfg->model, &model, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    const double t0 = crm_log_now();
    if ((rc = prepare(run, model, &f, &fitted, err)) != CRM_OK)
        goto done;
    const crm_scaling *s = model != NULL ? model->scaling : fitted;
    /* rows from a cache-line boundary: the training step reads scattered
     * rows, and a 16-feature row is then one line, not two */
    if (f->d == 0 || f->n <= (SIZE_MAX - 64) / sizeof *x / f->d)
        x = aligned_alloc(64, (f->n * f->d * sizeof *x + 64) / 64 * 64);
    rc = x == NULL ? CRM_ENOMEM : CRM_OK;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    int64_t missing = (int64_t)crm_features_apply(f, s, x);
    /* training holds only the float matrix (peak memory); the original
     * values come back for the profile afterwards */
    crm_features_free(f);
    f = NULL;
    rc = run->comm->allreduce_i64(run->comm, &missing, 1, CRM_OP_SUM);
    const double t1 = crm_log_now();
    if (rc == CRM_OK)
        rc = fit_or_score(run, model, x, crm_run_nlocal(run), s->d, js, &fit,
                          err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    const double t2 = crm_log_now();
    if ((rc = gather(run, model, &f, err)) != CRM_OK)
        goto done;
    report(run, js, f, fit, missing);
    rc = outputs(run, js, f, s, x, fit, model == NULL);
    const double t3 = crm_log_now();
    run->seconds_compute += t3 - t0;
    cJSON *steps = cJSON_AddObjectToObject(js, "seconds_by_step");
    cJSON_AddNumberToObject(steps, "features", t1 - t0);
    cJSON_AddNumberToObject(steps, "train", t2 - t1);
    cJSON_AddNumberToObject(steps, "seed", fit->seconds_seed);
    cJSON_AddNumberToObject(steps, "lloyd", fit->seconds_lloyd);
    cJSON_AddNumberToObject(steps, "outputs", t3 - t2);
done:
    crm_kmeans_fit_free(fit);
    free(x);
    crm_scaling_free(fitted);
    crm_features_free(f);
    crm_kmeans_model_free(model);
    return rc;
}
