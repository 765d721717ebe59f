/* engine/kmeans_seed.c — initial centres, identical at any rank count.
 *
 * k-means++ (Arthur & Vassilvitskii 2007) draws k centres one at a time, a
 * pass over the data each, keeping the best of a few candidates per centre
 * (greedy k-means++, as scikit-learn does). k-means|| (Bahmani et al.
 * 2012) instead samples about 2k candidates per round for a few rounds,
 * each customer kept independently with probability 2k d^2 / phi, weights
 * every candidate by the customers nearest to it, and reduces the
 * candidates to k centres by weighted k-means++ and Lloyd on every rank
 * alike: few passes and few collective rounds for a large base. Every draw
 * is crm_rng keyed by the job seed, the restart's stream and a global index
 * (draw number or global row), so neither the rank count nor the thread
 * count changes a centre. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "engine/kmeans_fit_int.h"

int crm_kmeans_ctx_owner(const crm_kmeans_ctx *c, int64_t row)
{
    int r = 0;
    while (r + 1 < c->run->nranks && c->start[r + 1] <= row)
        r++;
    return r;
}

/* centre = the features of global row, sent by the rank that holds it. */
crm_status crm_kmeans_ctx_fetch(crm_kmeans_ctx *c, int64_t row, float *centre)
{
    const int owner = crm_kmeans_ctx_owner(c, row);
    if (owner == c->run->rank)
        memcpy(centre, c->x + (size_t)(row - c->run->row0) * c->d,
               c->d * sizeof *centre);
    return c->run->comm->bcast(c->run->comm, centre, c->d * sizeof *centre,
                               owner);
}

static crm_status gather_sums(crm_kmeans_ctx *c, const double *local,
                              size_t nlocal)
{
    return c->run->comm->allgather_f64(c->run->comm, local, nlocal, c->sums,
                                       c->nblocks);
}

/* The row of global block gb that k-means++ draws for residual weight; the
 * owner first lowers the block's mind2 by prev, the centre chosen last
 * (the pass that follows does it for every row). */
static crm_status pick_in_block(crm_kmeans_ctx *c, size_t gb, double residual,
                                const float *prev, float *centre)
{
    const int64_t B = c->run->block_rows;
    const int64_t row0 = (int64_t)gb * B;
    const int owner = crm_kmeans_ctx_owner(c, row0);
    int64_t row = row0;
    if (owner == c->run->rank) {
        const size_t i0 = (size_t)(row0 - c->run->row0);
        const size_t len = c->n - i0 < (size_t)B ? c->n - i0 : (size_t)B;
        crm_kmeanspp_apply(c->x + i0 * c->d, len, c->d, prev,
                           c->mind2 + i0);
        row += (int64_t)crm_kmeanspp_pick_row(c->mind2 + i0, len, residual);
    }
    crm_status rc = c->run->comm->bcast(c->run->comm, &row, sizeof row,
                                        owner);
    return rc == CRM_OK ? crm_kmeans_ctx_fetch(c, row, centre) : rc;
}

/* Candidates per centre: the job's local_trials, or scikit-learn's rule
 * 2 + floor(ln k), at most CRM_KMEANSPP_MAX_TRIALS. */
static size_t local_trials(const crm_kmeans_ctx *c)
{
    const int set = c->run->job->kmeans.local_trials;
    const size_t t = set > 0 ? (size_t)set : 2 + (size_t)log((double)c->k);
    return t < CRM_KMEANSPP_MAX_TRIALS ? t : CRM_KMEANSPP_MAX_TRIALS;
}

/* One row drawn with probability proportional to mind2 once prev is in
 * (the block sums in c->sums), for u in [0, 1); uniform when every row
 * sits on a centre. */
static crm_status draw_row(crm_kmeans_ctx *c, double u, const float *prev,
                           float *centre)
{
    size_t gb = 0;
    double residual = 0;
    crm_kmeanspp_pick_block(c->sums, c->nblocks, u, &gb, &residual);
    if (gb == c->nblocks)
        return crm_kmeans_ctx_fetch(
            c, (int64_t)(u * (double)c->run->ncustomers), centre);
    return pick_in_block(c, gb, residual, prev, centre);
}

/* The pass for ncand candidates (after applying prev, when not NULL): the
 * index of the one whose potential (the tree sum over all blocks, the same
 * on every rank) is least, ties to the lowest; pots keeps the local
 * blocks' potentials. */
static crm_status best_trial(crm_kmeans_ctx *c, const float *prev,
                             const float *cands, size_t ncand, double *pots,
                             double *total, size_t *best)
{
    crm_status rc = crm_kmeanspp_pass(c->x, c->n, c->d,
                                      (size_t)c->run->block_rows, prev,
                                      cands, ncand, c->mind2, pots);
    rc = crm_mpi_agree(c->run->mpi, rc, NULL);
    if (rc == CRM_OK && ncand > 1)
        rc = crm_run_reduce(c->run, pots, ncand, total);
    *best = 0;
    for (size_t t = 1; rc == CRM_OK && t < ncand; t++)
        *best = total[t] < total[*best] ? t : *best;
    return rc;
}

/* Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's
 * local trials): the first centre uniform; for each next one, ntrials
 * rows drawn with probability proportional to the squared distance to the
 * nearest centre so far, and the one leaving the least potential kept
 * (local_trials = 1 is plain k-means++). One pass over the rows per centre:
 * the pass that weighs the candidates for centre j also brings centre j - 1
 * into mind2, and the winner's potentials are the block sums of the next
 * draws. Trial t of centre j draws crm_rng_unit(seed, stream, j + t 2^32),
 * whatever the partitioning. */
static crm_status seed_plus_plus(crm_kmeans_ctx *c, uint64_t stream,
                                 float *centres)
{
    const uint64_t seed = c->run->job->seed;
    const size_t nlocal = crm_run_nblocks(c->run), d = c->d;
    const size_t nt = local_trials(c);
    float *cands = malloc(nt * d * sizeof *cands);
    double *pots = malloc((nlocal * nt + 1) * sizeof *pots);
    double *total = malloc(nt * sizeof *total);
    crm_status rc = cands && pots && total ? CRM_OK : CRM_ENOMEM;
    if ((rc = crm_mpi_agree(c->run->mpi, rc, NULL)) == CRM_OK) {
        const double u0 = crm_rng_unit(seed, stream, 0);
        rc = crm_kmeans_ctx_fetch(
            c, (int64_t)(u0 * (double)c->run->ncustomers), cands);
    }
    crm_kmeanspp_reset(c->mind2, c->n);
    const float *prev = NULL;
    size_t ncand = 1; /* the first centre is its only candidate */
    for (size_t j = 0; rc == CRM_OK && j < c->k; j++) {
        size_t best = 0;
        if (ncand > 1 || j + 1 < c->k) /* else nothing left to weigh */
            rc = best_trial(c, prev, cands, ncand, pots, total, &best);
        if (rc != CRM_OK)
            break;
        memcpy(centres + j * d, cands + best * d, d * sizeof *centres);
        prev = centres + j * d;
        if (j + 1 == c->k)
            break;
        double *local = c->parts; /* scratch: nlocal block sums */
        for (size_t b = 0; b < nlocal; b++)
            local[b] = pots[b * ncand + best];
        rc = gather_sums(c, local, nlocal);
        ncand = nt;
        for (size_t t = 0; rc == CRM_OK && t < nt; t++)
            rc = draw_row(c,
                          crm_rng_unit(seed, stream,
                                       j + 1 + ((uint64_t)t << 32)),
                          prev, cands + t * d);
    }
    free(total);
    free(pots);
    free(cands);
    return rc;
}


enum { PAR_ROUNDS = 5, RECLUSTER_ITERS = 30 };

#define CRM_KMEANS_AUTO_PP_MAX_K 256

/* Candidates of k-means||: rows of d floats, and a weight each. */
typedef struct cands {
    float *x;
    double *w;
    size_t n, cap, d;
} cands;

static crm_status cands_grow(cands *cs, size_t m)
{
    if (cs->n + m <= cs->cap)
        return CRM_OK;
    const size_t cap = 2 * (cs->n + m);
    float *nx = realloc(cs->x, cap * cs->d * sizeof *nx);
    if (nx == NULL)
        return CRM_ENOMEM;
    cs->x = nx;
    cs->cap = cap;
    return CRM_OK;
}

static crm_status cands_push_f(cands *cs, const float *rows, size_t m)
{
    const crm_status rc = cands_grow(cs, m);
    if (rc != CRM_OK)
        return rc;
    memcpy(cs->x + cs->n * cs->d, rows, m * cs->d * sizeof *rows);
    cs->n += m;
    return CRM_OK;
}

static crm_status cands_push(cands *cs, const double *rows, size_t m)
{
    const crm_status rc = cands_grow(cs, m);
    if (rc != CRM_OK)
        return rc;
    for (size_t i = 0; i < m * cs->d; i++)
        cs->x[cs->n * cs->d + i] = (float)rows[i];
    cs->n += m;
    return CRM_OK;
}

/* mind2 = min(mind2, distance to the nearest of candidates [c0, c1));
 * *phi = the tree sum of mind2 over all customers. */
static crm_status fold_candidates(crm_kmeans_ctx *c, const cands *cs,
                                  size_t c0, int32_t *label, float *dist2,
                                  double *phi)
{
    const size_t kk = cs->n - c0, B = (size_t)c->run->block_rows;
    const size_t len = crm_kmeans_partial_len(kk, c->d);
    crm_kmeans_work *w = NULL;
    double *parts = malloc((crm_run_nblocks(c->run) * len + 1) *
                           sizeof *parts);
    const size_t nthreads = (size_t)c->run->nthreads;
    crm_status rc = parts == NULL ? CRM_ENOMEM
                                  : crm_kmeans_work_create(c->n, c->d, kk, B,
                                                           nthreads, &w);
    if (rc == CRM_OK)
        crm_kmeans_work_accelerate(w, 0);
    if (rc == CRM_OK)
        rc = crm_kmeans_assign(w, c->x, c->n, cs->x + c0 * c->d, label,
                               dist2, parts);
    if ((rc = crm_mpi_agree(c->run->mpi, rc, NULL)) == CRM_OK) {
        const size_t nb = crm_run_nblocks(c->run);
        for (size_t b = 0; b < nb; b++) {
            double s = 0.0;
            const size_t i1 = (b + 1) * B < c->n ? (b + 1) * B : c->n;
            for (size_t i = b * B; i < i1; i++) {
                if (dist2[i] < c->mind2[i])
                    c->mind2[i] = dist2[i];
                s += (double)c->mind2[i];
            }
            parts[b] = s;
        }
        rc = crm_run_reduce(c->run, parts, 1, phi);
    }
    crm_kmeans_work_destroy(w);
    free(parts);
    return rc;
}

/* One k-means|| round: each customer kept with probability ell mind2 / phi,
 * decided by its own draw; the kept rows of all ranks join the candidates
 * in global row order. */
static crm_status sample_round(crm_kmeans_ctx *c, uint64_t stream, int round,
                               double phi, cands *cs)
{
    const double ell = 2.0 * (double)c->k;
    const uint64_t seed = c->run->job->seed;
    const uint64_t rstream = stream * 64 + (uint64_t)round + 1;
    size_t m = 0;
    double *mine = malloc((c->n * c->d + 1) * sizeof *mine);
    crm_status rc = mine == NULL ? CRM_ENOMEM : CRM_OK;
    for (size_t i = 0; rc == CRM_OK && i < c->n && phi > 0; i++) {
        const uint64_t row = (uint64_t)(c->run->row0 + (int64_t)i);
        if (crm_rng_unit(seed, rstream, row) * phi >= ell * c->mind2[i])
            continue;
        for (size_t j = 0; j < c->d; j++)
            mine[m * c->d + j] = (double)c->x[i * c->d + j];
        m++;
    }
    int64_t before = 0, total = 0;
    if ((rc = crm_mpi_agree(c->run->mpi, rc, NULL)) == CRM_OK)
        rc = crm_comm_exscan_i64(c->run->comm, (int64_t)m, &before, &total);
    double *all = NULL;
    if (rc == CRM_OK &&
        (all = malloc(((size_t)total * c->d + 1) * sizeof *all)) == NULL)
        rc = CRM_ENOMEM;
    if ((rc = crm_mpi_agree(c->run->mpi, rc, NULL)) == CRM_OK)
        rc = c->run->comm->allgather_f64(c->run->comm, mine, m * c->d, all,
                                         (size_t)total * c->d);
    if (rc == CRM_OK)
        rc = cands_push(cs, all, (size_t)total);
    free(all);
    free(mine);
    return rc;
}

/* w[j] = customers whose nearest candidate is j, over all ranks. */
static crm_status weigh(crm_kmeans_ctx *c, cands *cs, int32_t *label,
                        float *dist2)
{
    const size_t B = (size_t)c->run->block_rows;
    crm_kmeans_work *w = NULL;
    int64_t *count = calloc(cs->n + 1, sizeof *count);
    double *parts = malloc((crm_run_nblocks(c->run) *
                                crm_kmeans_partial_len(cs->n, c->d) +
                            1) * sizeof *parts);
    cs->w = malloc((cs->n + 1) * sizeof *cs->w);
    const size_t nthreads = (size_t)c->run->nthreads;
    crm_status rc = (count && parts && cs->w)
                        ? crm_kmeans_work_create(c->n, c->d, cs->n, B,
                                                 nthreads, &w)
                        : CRM_ENOMEM;
    if (rc == CRM_OK)
        crm_kmeans_work_accelerate(w, 0);
    if (rc == CRM_OK)
        rc = crm_kmeans_assign(w, c->x, c->n, cs->x, label, dist2, parts);
    for (size_t i = 0; rc == CRM_OK && i < c->n; i++)
        count[label[i]]++;
    if ((rc = crm_mpi_agree(c->run->mpi, rc, NULL)) == CRM_OK)
        rc = c->run->comm->allreduce_i64(c->run->comm, count, cs->n,
                                         CRM_OP_SUM);
    for (size_t j = 0; rc == CRM_OK && j < cs->n; j++)
        cs->w[j] = (double)count[j];
    crm_kmeans_work_destroy(w);
    free(parts);
    free(count);
    return rc;
}

static double dist2_f(const float *a, const float *b, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++) {
        const double v = (double)a[j] - (double)b[j];
        s += v * v;
    }
    return s;
}

/* Index of the candidate whose cumulative weight holds u * total. */
static size_t draw(const double *weight, size_t n, double u)
{
    double total = 0.0, acc = 0.0;
    for (size_t j = 0; j < n; j++)
        total += weight[j];
    for (size_t j = 0; j < n; j++) {
        acc += weight[j];
        if (weight[j] > 0 && u * total < acc)
            return j;
    }
    for (size_t j = n; j-- > 0;) /* rounding past the end */
        if (weight[j] > 0)
            return j;
    return 0;
}

/* Weighted k-means++ over the candidates (dd: n scratch distances). */
static void weighted_plus_plus(const crm_kmeans_ctx *c, const cands *cs,
                               uint64_t stream, double *dd, double *pw,
                               float *centres)
{
    const size_t n = cs->n, d = c->d;
    for (size_t j = 0; j < n; j++)
        dd[j] = INFINITY;
    for (size_t m = 0; m < c->k; m++) {
        for (size_t j = 0; j < n; j++)
            pw[j] = m == 0 ? cs->w[j] : cs->w[j] * dd[j];
        const double u = crm_rng_unit(c->run->job->seed, stream * 64 + 63, m);
        const size_t pick = draw(pw, n, u);
        memcpy(centres + m * d, cs->x + pick * d, d * sizeof *centres);
        for (size_t j = 0; j < n; j++) {
            const double e = dist2_f(cs->x + j * d, centres + m * d, d);
            dd[j] = e < dd[j] ? e : dd[j];
        }
    }
}

static size_t nearest(const float *x, const float *centres, size_t k,
                      size_t d)
{
    size_t best = 0;
    double best_e = INFINITY;
    for (size_t m = 0; m < k; m++) {
        const double e = dist2_f(x, centres + m * d, d);
        if (e < best_e) {
            best_e = e;
            best = m;
        }
    }
    return best;
}

/* Weighted Lloyd over the candidates (sum: k*d + k scratch). */
static void weighted_lloyd(const crm_kmeans_ctx *c, const cands *cs,
                           double *sum, float *centres)
{
    const size_t k = c->k, d = c->d;
    for (int it = 0; it < RECLUSTER_ITERS; it++) {
        memset(sum, 0, (k * d + k) * sizeof *sum);
        for (size_t j = 0; j < cs->n; j++) {
            const size_t m = nearest(cs->x + j * d, centres, k, d);
            for (size_t q = 0; q < d; q++)
                sum[m * d + q] += cs->w[j] * (double)cs->x[j * d + q];
            sum[k * d + m] += cs->w[j];
        }
        for (size_t m = 0; m < k; m++)
            for (size_t q = 0; sum[k * d + m] > 0 && q < d; q++)
                centres[m * d + q] = (float)(sum[m * d + q] / sum[k * d + m]);
    }
}

/* The candidates reduced to k centres, the same serial arithmetic on every
 * rank, so every rank gets the same centres. */
static crm_status recluster(const crm_kmeans_ctx *c, const cands *cs,
                            uint64_t stream, float *centres)
{
    double *dd = malloc((cs->n + 1) * sizeof *dd);
    double *pw = malloc((cs->n + 1) * sizeof *pw);
    double *sum = calloc(c->k * c->d + c->k, sizeof *sum);
    crm_status rc = (dd && pw && sum) ? CRM_OK : CRM_ENOMEM;
    if (rc == CRM_OK) {
        weighted_plus_plus(c, cs, stream, dd, pw, centres);
        weighted_lloyd(c, cs, sum, centres);
    }
    free(sum);
    free(pw);
    free(dd);
    return rc;
}

static crm_status seed_parallel(crm_kmeans_ctx *c, uint64_t stream,
                                float *centres)
{
    cands cs = {.d = c->d};
    int32_t *label = c->scratch;
    float *dist2 = malloc((c->n + 1) * sizeof *dist2);
    double phi = 0.0;
    crm_status rc = dist2 ? CRM_OK : CRM_ENOMEM;
    float *first = malloc(c->d * sizeof *first);
    if ((rc = crm_mpi_agree(c->run->mpi, first ? rc : CRM_ENOMEM, NULL)) ==
        CRM_OK) {
        const double u = crm_rng_unit(c->run->job->seed, stream * 64, 0);
        rc = crm_kmeans_ctx_fetch(
            c, (int64_t)(u * (double)c->run->ncustomers), first);
    }
    if (rc == CRM_OK)
        rc = cands_push_f(&cs, first, 1);
    crm_kmeanspp_reset(c->mind2, c->n);
    size_t folded = 0;
    for (int r = 0; rc == CRM_OK && r < PAR_ROUNDS; r++) {
        const size_t fresh = cs.n;
        if (fresh > folded) /* else no new candidate: phi stays */
            rc = fold_candidates(c, &cs, folded, label, dist2, &phi);
        folded = fresh;
        if (rc == CRM_OK)
            rc = sample_round(c, stream, r, phi, &cs);
    }
    if (rc == CRM_OK)
        rc = weigh(c, &cs, label, dist2);
    if (rc == CRM_OK)
        rc = cs.n >= c->k ? recluster(c, &cs, stream, centres)
                          : seed_plus_plus(c, stream, centres);
    free(cs.w);
    free(cs.x);
    free(first);
    free(dist2);
    return rc;
}

crm_status crm_kmeans_seed(crm_kmeans_ctx *c, uint64_t stream,
                           float *centres)
{
    /* auto: measured on 1 M customers x 16 features (docs/BENCHMARKS.md,
     * two threads, one pass per centre): greedy k-means++ seeds faster
     * than k-means|| and ends at a lower inertia at k = 64, 128 and 256; at
     * k = 512 k-means|| is faster (3.0 s against 4.4 s) and ends lower; at
     * 1024 k-means++ seeds faster but ends 0.02 % higher. One seed, one
     * shape: the bound is a judgement between 256 and 512. */
    const int init = c->run->job->kmeans.init;
    const int parallel =
        init == CRM_KMEANS_INIT_PARALLEL ||
        (init == CRM_KMEANS_INIT_AUTO && c->k > CRM_KMEANS_AUTO_PP_MAX_K);
    return parallel ? seed_parallel(c, stream, centres)
                    : seed_plus_plus(c, stream, centres);
}
