/* engine/kmeans_fit.c — distributed k-means++ and Lloyd over the kernel. */
#include "engine/kmeans_fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/kmeans/kmeans.h"
#include "core/rng.h"
#include "engine/kmeans_fit_int.h"
#include "engine/log.h"

static crm_status row_starts(crm_kmeans_ctx *c)
{
    const crm_comm *comm = c->run->comm;
    const size_t p = (size_t)comm->size;
    const double mine = (double)c->run->row0;
    double *all = malloc(p * sizeof *all);
    c->start = malloc((p + 1) * sizeof *c->start);
    crm_status rc = (all && c->start) ? CRM_OK : CRM_ENOMEM;
    if (rc == CRM_OK)
        rc = comm->allgather_f64(comm, &mine, 1, all, p);
    for (size_t r = 0; rc == CRM_OK && r < p; r++)
        c->start[r] = (int64_t)all[r];
    if (rc == CRM_OK)
        c->start[p] = c->run->ncustomers;
    free(all);
    return rc;
}

/* The customer farthest from its centre (ties: lowest global row), taken
 * out of later picks by zeroing its distance. */
static crm_status farthest(crm_kmeans_ctx *c, float *dist2, float *centre)
{
    const crm_comm *comm = c->run->comm;
    double best = -1.0;
    for (size_t i = 0; i < c->n; i++)
        best = (double)dist2[i] > best ? (double)dist2[i] : best;
    crm_status rc = comm->allreduce_f64(comm, &best, 1, CRM_OP_MAX);
    int64_t row = INT64_MAX;
    for (size_t i = 0; rc == CRM_OK && i < c->n && row == INT64_MAX; i++)
        if ((double)dist2[i] == best)
            row = c->run->row0 + (int64_t)i;
    if (rc == CRM_OK)
        rc = comm->allreduce_i64(comm, &row, 1, CRM_OP_MIN);
    if (rc != CRM_OK || row == INT64_MAX)
        return rc == CRM_OK ? CRM_EEMPTY : rc;
    if (crm_kmeans_ctx_owner(c, row) == c->run->rank)
        dist2[row - c->run->row0] = 0.0f;
    return crm_kmeans_ctx_fetch(c, row, centre);
}

static double shift_ss(const float *a, const float *b, size_t len)
{
    double ss = 0.0;
    for (size_t i = 0; i < len; i++) {
        const double dv = (double)a[i] - (double)b[i];
        ss += dv * dv;
    }
    return ss;
}

/* One assignment over all ranks: labels, distances, reduced partials. */
static crm_status assign(crm_kmeans_ctx *c, const float *centres,
                         int32_t *label, float *dist2)
{
    crm_status rc = crm_kmeans_assign(c->work, c->x, c->n, centres, label,
                                      dist2, c->parts);
    if ((rc = crm_mpi_agree(c->run->mpi, rc, NULL)) != CRM_OK)
        return rc;
    return crm_run_reduce(c->run, c->parts,
                          crm_kmeans_partial_len(c->k, c->d), c->total);
}

/* One training step over all ranks: labels, and c->total = the running
 * sums and counts after adding the step's reduced change (the same
 * additions on every rank). A cluster left empty gets exact zero sums, so
 * no rounding residue outlives its rows. The inertia slot is 0. */
static crm_status step(crm_kmeans_ctx *c, const float *centres,
                       int32_t *label)
{
    const size_t k = c->k, d = c->d, len = crm_kmeans_partial_len(k, d);
    crm_status rc = crm_kmeans_step(c->work, c->x, c->n, centres, label,
                                    c->parts);
    if ((rc = crm_mpi_agree(c->run->mpi, rc, NULL)) != CRM_OK)
        return rc;
    if ((rc = crm_run_reduce(c->run, c->parts, len, c->total)) != CRM_OK)
        return rc;
    for (size_t i = 0; i < k * d + k; i++)
        c->running[i] += c->total[i];
    for (size_t q = 0; q < k; q++)
        if (c->running[k * d + q] == 0.0)
            memset(c->running + q * d, 0, d * sizeof *c->running);
    c->running[k * d + k] = 0.0;
    memcpy(c->total, c->running, len * sizeof *c->total);
    return CRM_OK;
}

/* Lloyd from the given centres until the centres move less than tol or
 * max_iter passes; then one more assignment so labels, distances and
 * inertia belong to the final centres. Each call starts from scratch (no
 * bounds, a zero running total), so a restart does not depend on the
 * restarts before it. */
static crm_status lloyd(crm_kmeans_ctx *c, crm_kmeans_fit *fit)
{
    const int max_iter = c->run->job->kmeans.max_iter;
    crm_status rc = CRM_OK;
    crm_kmeans_work_reset(c->work);
    memset(c->running, 0,
           crm_kmeans_partial_len(c->k, c->d) * sizeof *c->running);
    fit->converged = 0;
    for (fit->iterations = 0; rc == CRM_OK && fit->iterations < max_iter;) {
        if ((rc = step(c, fit->centres, fit->label)) != CRM_OK)
            break;
        memcpy(c->prev, fit->centres, c->k * c->d * sizeof *c->prev);
        size_t nempty = 0;
        double inertia = 0, max_shift2 = 0;
        crm_kmeans_finish(c->total, c->k, c->d, fit->centres, c->empty,
                          &nempty, &inertia, &max_shift2);
        fit->iterations++;
        if (nempty > 0) /* the step left the distances out */
            crm_kmeans_distances(c->x, c->n, c->d, c->prev, fit->label,
                                 fit->dist2);
        for (size_t e = 0; rc == CRM_OK && e < nempty; e++)
            rc = farthest(c, fit->dist2, fit->centres + c->empty[e] * c->d);
        fit->reseeded += (int64_t)nempty;
        if (nempty == 0 &&
            shift_ss(c->prev, fit->centres, c->k * c->d) <= c->tol_ss) {
            fit->converged = 1;
            break;
        }
        crm_log_progress(c->run->log, "kmeans", fit->iterations, max_iter);
    }
    if (rc == CRM_OK)
        rc = assign(c, fit->centres, fit->label, fit->dist2);
    if (rc == CRM_OK)
        fit->inertia = c->total[c->k * c->d + c->k];
    return rc;
}

static crm_kmeans_fit *fit_alloc(size_t n, size_t d, size_t k)
{
    crm_kmeans_fit *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->k = k;
    f->d = d;
    f->centres = calloc(k * d, sizeof *f->centres);
    f->label = calloc(n + 1, sizeof *f->label);
    f->dist2 = calloc(n + 1, sizeof *f->dist2);
    if (!f->centres || !f->label || !f->dist2) {
        crm_kmeans_fit_free(f);
        return NULL;
    }
    return f;
}

void crm_kmeans_fit_free(crm_kmeans_fit *fit)
{
    if (fit == NULL)
        return;
    free(fit->dist2);
    free(fit->label);
    free(fit->centres);
    free(fit);
}

static void ctx_free(crm_kmeans_ctx *c)
{
    free(c->empty);
    free(c->prev);
    free(c->sums);
    free(c->running);
    free(c->total);
    free(c->parts);
    free(c->start);
    crm_kmeans_work_destroy(c->work);
}

static crm_status ctx_init(crm_kmeans_ctx *c, crm_run *run, const float *x,
                           size_t n, size_t d, size_t k)
{
    *c = (crm_kmeans_ctx){.run = run, .x = x, .n = n, .d = d, .k = k};
    const int64_t B = run->block_rows;
    c->nblocks = (size_t)((run->ncustomers + B - 1) / B);
    const size_t len = crm_kmeans_partial_len(k, d);
    const size_t nlocal = crm_run_nblocks(run);
    crm_status rc = crm_kmeans_work_create(n, d, k, (size_t)B,
                                           (size_t)run->nthreads, &c->work);
    c->parts = malloc((nlocal * len + 1) * sizeof *c->parts);
    c->total = malloc((len + 1) * sizeof *c->total);
    c->running = calloc(len + 1, sizeof *c->running);
    c->sums = malloc((c->nblocks + 1) * sizeof *c->sums);
    c->prev = malloc((k * d + 1) * sizeof *c->prev);
    c->empty = malloc((k + 1) * sizeof *c->empty);
    if (rc == CRM_OK && (!c->parts || !c->total || !c->running || !c->sums ||
                         !c->prev || !c->empty))
        rc = CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) == CRM_OK)
        rc = row_starts(c);
    return rc;
}

/* part[j] = the sum over rows [i0, i1) of x - mean (pass 0) or of its
 * square (pass 1), feature j, added in row order. Eight features at a time
 * in locals, rows read in order. */
static void block_deviations(const float *x, size_t i0, size_t i1, size_t d,
                             const double *mean, int pass, double *part)
{
    enum { W = 8 };
    for (size_t j0 = 0; j0 < d; j0 += W) {
        const size_t w = d - j0 < W ? d - j0 : W;
        double acc[W] = {0}, m[W] = {0};
        memcpy(m, mean + j0, w * sizeof *m);
        for (size_t i = i0; i < i1; i++) {
            const float *xi = x + i * d + j0;
            for (size_t l = 0; l < w; l++) {
                const double v = (double)xi[l] - m[l];
                acc[l] += pass == 0 ? v : v * v;
            }
        }
        memcpy(part + j0, acc, w * sizeof *acc);
    }
}

/* Mean squared deviation per feature over all customers: sklearn's scale
 * for tol (the centres stop when their squared moves sum below tol times
 * it). Two block-ordered passes, blocks over threads. */
static crm_status mean_variance(crm_kmeans_ctx *c, double *out)
{
    const size_t d = c->d, nb = crm_run_nblocks(c->run);
    const size_t B = (size_t)c->run->block_rows;
    double *mean = calloc(d + 1, sizeof *mean), *part = c->parts;
    if (mean == NULL)
        return CRM_ENOMEM;
    crm_status rc = CRM_OK;
    for (int pass = 0; rc == CRM_OK && pass < 2; pass++) {
#pragma omp parallel for schedule(static)
        for (size_t b = 0; b < nb; b++)
            block_deviations(c->x, b * B, (b + 1) * B < c->n ? (b + 1) * B
                                                             : c->n,
                             d, mean, pass, part + b * d);
        rc = crm_run_reduce(c->run, part, d, c->total);
        for (size_t j = 0; rc == CRM_OK && j < d; j++)
            mean[j] = c->total[j] / (double)c->run->ncustomers;
    }
    double ss = 0.0;
    for (size_t j = 0; j < d; j++)
        ss += mean[j];
    *out = ss / (double)d;
    free(mean);
    return rc;
}

/* Restart r's stream: distinct for every (k, restart) pair. */
static uint64_t restart_stream(size_t k, int r)
{
    return UINT64_C(0x6b6d65616e73) ^ ((uint64_t)k << 20) ^ (uint64_t)r;
}

/* Keeps the lower inertia in *best (ties: the earlier restart). */
static void keep_better(crm_kmeans_fit **best, crm_kmeans_fit **cand)
{
    if (*best == NULL || (*cand)->inertia < (*best)->inertia) {
        crm_kmeans_fit *t = *best;
        *best = *cand;
        *cand = t;
    }
}

crm_status crm_kmeans_train(crm_run *run, const float *x, size_t n, size_t d,
                            size_t k, crm_kmeans_fit **out, crm_error *err)
{
    if ((int64_t)k > run->ncustomers)
        return crm_error_set(err, CRM_EINVAL, "%s: [kmeans] k = %zu is "
                             "larger than the number of customers (%lld)",
                             run->job->path, k, (long long)run->ncustomers);
    crm_kmeans_ctx c;
    crm_kmeans_fit *best = NULL, *cand = NULL;
    crm_status rc = ctx_init(&c, run, x, n, d, k);
    double mean_var = 0.0;
    if (rc == CRM_OK)
        rc = mean_variance(&c, &mean_var);
    c.tol_ss = run->job->kmeans.tol * mean_var;
    int64_t reseeded = 0;
    double t_seed = 0.0, t_lloyd = 0.0;
    for (int r = 0; rc == CRM_OK && r < run->job->kmeans.n_init; r++) {
        if (cand == NULL && (cand = fit_alloc(n, d, k)) == NULL)
            rc = CRM_ENOMEM;
        if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) != CRM_OK)
            break;
        cand->reseeded = 0;
        cand->restart = r;
        c.mind2 = cand->dist2; /* free until Lloyd's last assign */
        c.scratch = cand->label;
        const double t0 = crm_log_now();
        rc = crm_kmeans_seed(&c, restart_stream(k, r), cand->centres);
        const double t1 = crm_log_now();
        if (rc == CRM_OK)
            rc = lloyd(&c, cand);
        t_seed += t1 - t0;
        t_lloyd += crm_log_now() - t1;
        reseeded += rc == CRM_OK ? cand->reseeded : 0;
        if (rc == CRM_OK)
            keep_better(&best, &cand);
    }
    crm_kmeans_fit_free(cand);
    ctx_free(&c);
    if (rc != CRM_OK) {
        crm_kmeans_fit_free(best);
        return rc;
    }
    best->reseeded = reseeded;
    best->seconds_seed = t_seed;
    best->seconds_lloyd = t_lloyd;
    best->total_ss = mean_var * (double)d * (double)run->ncustomers;
    *out = best;
    return CRM_OK;
}

crm_status crm_kmeans_score(crm_run *run, const float *x, size_t n, size_t d,
                            const float *centres, size_t k,
                            crm_kmeans_fit **out, crm_error *err)
{
    (void)err;
    crm_kmeans_ctx c;
    crm_kmeans_fit *fit = NULL;
    crm_status rc = ctx_init(&c, run, x, n, d, k);
    if (rc == CRM_OK && (fit = fit_alloc(n, d, k)) == NULL)
        rc = CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) == CRM_OK) {
        memcpy(fit->centres, centres, k * d * sizeof *centres);
        crm_kmeans_work_accelerate(c.work, 0); /* one pass: bounds cannot pay */
        rc = assign(&c, fit->centres, fit->label, fit->dist2);
    }
    if (rc == CRM_OK)
        fit->inertia = c.total[k * d + k];
    ctx_free(&c);
    if (rc != CRM_OK) {
        crm_kmeans_fit_free(fit);
        return rc;
    }
    *out = fit;
    return CRM_OK;
}

double crm_kmeans_calinski_harabasz(double total_ss, double inertia,
                                    int64_t n_total, size_t k)
{
    if (k < 2 || n_total <= (int64_t)k || inertia <= 0.0)
        return 0.0;
    return ((total_ss - inertia) / (double)(k - 1)) /
           (inertia / (double)(n_total - (int64_t)k));
}
