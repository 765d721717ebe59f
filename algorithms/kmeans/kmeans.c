/* algorithms/kmeans/kmeans.c — Lloyd assignment with exact Hamerly bounds,
 * block partials, and the centre update.
 *
 * Layout: the work (kmeans_int.h) owns padded centres, their norms, one
 * scratch slot per thread (a transposed tile and a search list), and per
 * row a lower bound on the distance to every centre but its own and an
 * upper bound on the distance to its own (Hamerly 2010). The blocks are
 * cut into one contiguous run per slot, so no call asks OpenMP which
 * thread it is on (STYLE rule 34). Each assign walks a block in
 * three passes: settle (every row's distance to its previous centre in
 * double, which is its dist2 if the label stands and the tightest upper
 * bound; rows whose bounds prove their label skip the search), search (the
 * tile kernel on the rest, packed into full tiles), fold (the block
 * partial, in row order; distances are recomputed only for rows whose
 * label changed). The per-row passes run CRM_KMEANS_ROWS rows at a time in
 * short branch-free loops, so that gcc vectorises them.
 *
 * Exactness: the bounds are kept on true Euclidean distances with every
 * rounding directed outwards, and a row is skipped only when its own centre
 * beats all others by more than twice the worst rounding error of the
 * kernel's values, so the kernel would have returned the same label. The
 * labels are therefore those of the exhaustive search, bit for bit. */
#include "algorithms/kmeans/kmeans.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/kmeans/kmeans_int.h"

#define TR CRM_KMEANS_TILE

size_t crm_kmeans_partial_len(size_t k, size_t d)
{
    return k * d + k + 1;
}

size_t crm_kmeans_nblocks(size_t n, size_t block_rows)
{
    return block_rows ? n / block_rows + (n % block_rows != 0) : 0;
}

void crm_kmeans_work_destroy(crm_kmeans_work *w)
{
    if (w == NULL)
        return;
    free(w->cpad);
    free(w->cc);
    free(w->prev);
    free(w->cnorm);
    free(w->sep);
    free(w->shift);
    free(w->xt);
    free(w->lower);
    free(w->upper);
    free(w->own);
    free(w->todo);
    free(w->nfull);
    free(w);
}

/* calloc of a*b*size bytes, NULL on overflow; at least one element. */
static void *alloc3(size_t a, size_t b, size_t size)
{
    if (b != 0 && a > SIZE_MAX / b)
        return NULL;
    const size_t count = a * b;
    if (count > SIZE_MAX / size)
        return NULL;
    return calloc(count ? count : 1, size);
}

crm_status crm_kmeans_work_create(size_t n, size_t d, size_t k,
                                  size_t block_rows, size_t nthreads,
                                  crm_kmeans_work **out)
{
    if (out == NULL || d == 0 || k == 0 || block_rows == 0 ||
        k > SIZE_MAX - CRM_KMEANS_CGROUP || k > INT32_MAX ||
        d > SIZE_MAX / TR || block_rows > UINT32_MAX || nthreads > INT_MAX)
        return CRM_EINVAL;
    crm_kmeans_work *w = calloc(1, sizeof *w);
    if (w == NULL)
        return CRM_ENOMEM;
    w->n = n;
    w->d = d;
    w->k = k;
    w->block_rows = block_rows;
    w->nblocks = crm_kmeans_nblocks(n, block_rows);
    w->kp = (k + CRM_KMEANS_CGROUP - 1) / CRM_KMEANS_CGROUP *
            CRM_KMEANS_CGROUP;
    w->err_coef = (double)(d + 4) * FLT_EPSILON;
    w->tile = crm_kmeans_tile_pick();
    w->accel = k >= CRM_KMEANS_ACCEL_MIN_K || d >= CRM_KMEANS_ACCEL_MIN_D;
    w->cpad = alloc3(w->kp, d, sizeof *w->cpad);
    w->cc = alloc3(w->kp, 1, sizeof *w->cc);
    w->prev = alloc3(k, d, sizeof *w->prev);
    w->cnorm = alloc3(k, 1, sizeof *w->cnorm);
    w->sep = alloc3(k, 1, sizeof *w->sep);
    w->shift = alloc3(k, 1, sizeof *w->shift);
    w->nthreads = nthreads == 0 ? 1 : nthreads;
    w->xt = alloc3(w->nthreads, d * TR, sizeof *w->xt);
    w->lower = alloc3(n, 1, sizeof *w->lower);
    w->upper = alloc3(n, 1, sizeof *w->upper);
    w->own = alloc3(n, 1, sizeof *w->own);
    w->todo_len = n < block_rows ? n : block_rows;
    w->todo = alloc3(w->nthreads, w->todo_len, sizeof *w->todo);
    w->nfull = alloc3(w->nblocks, 1, sizeof *w->nfull);
    if (!w->cpad || !w->cc || !w->prev || !w->cnorm || !w->sep ||
        !w->shift || !w->xt || !w->lower || !w->upper || !w->own ||
        !w->todo || !w->nfull) {
        crm_kmeans_work_destroy(w);
        return CRM_ENOMEM;
    }
    *out = w;
    return CRM_OK;
}

void crm_kmeans_work_reset(crm_kmeans_work *w)
{
    if (w != NULL)
        w->have_bounds = w->have_own = 0;
}

void crm_kmeans_work_accelerate(crm_kmeans_work *w, int on)
{
    if (w != NULL) {
        w->accel = on != 0;
        w->have_bounds = w->have_own = 0;
    }
}

size_t crm_kmeans_work_full_rows(const crm_kmeans_work *w)
{
    size_t total = 0;
    for (size_t b = 0; w != NULL && b < w->nblocks; b++)
        total += w->nfull[b];
    return total;
}

static double max2(double a, double b)
{
    return a > b ? a : b;
}

/* Shifts since the previous centres (only when the bounds are live). */
static void centre_shifts(crm_kmeans_work *w, const float *centres)
{
    const double up = 1.0 + crm_kmeans_slack(w->d);
    w->shift1 = w->shift2 = 0.0;
    w->shift1_at = 0;
    for (size_t c = 0; c < w->k; c++) {
        const double s = sqrt(crm_kmeans_dist2(centres + c * w->d,
                                               w->prev + c * w->d, w->d)) *
                         up;
        w->shift[c] = s;
        if (s > w->shift1) {
            w->shift2 = w->shift1;
            w->shift1 = s;
            w->shift1_at = c;
        } else if (s > w->shift2) {
            w->shift2 = s;
        }
    }
}

void crm_kmeans_prepare(crm_kmeans_work *w, const float *centres)
{
    const size_t k = w->k, d = w->d;
    if (w->have_bounds)
        centre_shifts(w, centres);
    memcpy(w->prev, centres, k * d * sizeof *centres);
    memcpy(w->cpad, centres, k * d * sizeof *centres);
    w->cmax = 0.0;
    for (size_t c = 0; c < w->kp; c++) {
        double s = 0.0;
        for (size_t j = 0; c < k && j < d; j++)
            s += (double)centres[c * d + j] * (double)centres[c * d + j];
        w->cc[c] = c < k ? (float)s : INFINITY;
        if (c < k) {
            w->cnorm[c] = sqrt(s);
            w->cmax = max2(w->cmax, w->cnorm[c] * (1.0 + crm_kmeans_slack(d)));
        }
    }
    const double down = 1.0 - crm_kmeans_slack(d);
    for (size_t c = 0; c < k; c++) {
        double m = INFINITY;
        for (size_t o = 0; o < k; o++) {
            const double s = crm_kmeans_dist2(centres + c * d,
                                              centres + o * d, d);
            m = o != c && s < m ? s : m;
        }
        w->sep[c] = sqrt(m) * down;
    }
}

/* Row r's bounds after the centres moved, given u >= its distance to its
 * own centre o and lo, the lower bound moved by the other centres' largest
 * shift: stores the new lower bound max(lo, sep[o] - u, 0) and returns 1
 * when the gap between them exceeds twice the worst rounding error of the
 * kernel's values (so the kernel would pick o too). */
static int32_t settle_test(const crm_kmeans_work *w, size_t o, double u,
                           double lo, float *lower)
{
    const double rel = crm_kmeans_slack(w->d), up = 1.0 + rel,
                 down = 1.0 - rel;
    const double lc = w->sep[o] - u;
    const double l = lo > lc ? lo : lc;
    const double xn = (w->cnorm[o] + u) * up + w->cmax;
    const double gap =
        l * l * down - u * u * up - 2.0 * w->err_coef * xn * xn;
    const double l0 = lo > 0.0 ? lo : 0.0;
    *lower = crm_kmeans_round_down(l0 > lc ? l0 : lc);
    return (l > u) & (gap > 0.0);
}

/* Asks for row i of x (d floats) ahead of its use: the rows a search
 * reads are scattered, so each would otherwise be a cache miss; a row may
 * straddle two cache lines. */
static void prefetch_row(const float *x, size_t i, size_t d)
{
    __builtin_prefetch(x + i * d);
    __builtin_prefetch(x + i * d + d - 1);
}

/* Rows of block [r0, r1) whose label the bounds prove keep it; the offsets
 * of the others go to todo, in row order. Every row's distance to its own
 * centre is needed for dist2 anyway, so it is computed first (into dist2,
 * which the fold keeps for rows whose label stands) and serves as the
 * tightest upper bound; the lower bound moves by the largest shift of the
 * other centres. The first test avoids the square root (it keeps the loop
 * from vectorising): it bounds u by (u² + 1) / 2 in the rounding term and
 * keeps only the moved lower bound. Returns the number of rows to search. */
CRM_KMEANS_CLONES
static size_t settle_block(crm_kmeans_work *w, const float *x, size_t r0,
                           size_t r1, const float *centres, int32_t *label,
                           float *dist2, uint32_t *todo)
{
    const double rel = crm_kmeans_slack(w->d), up = 1.0 + rel,
                 down = 1.0 - rel;
    const double cmax = w->cmax, err2 = 2.0 * w->err_coef;
    const double shift1 = w->shift1, shift2 = w->shift2;
    const double *cnorm = w->cnorm;
    const int32_t at = (int32_t)w->shift1_at;
    double s[CRM_KMEANS_ROWS], lo[CRM_KMEANS_ROWS];
    int32_t ok[CRM_KMEANS_ROWS];
    uint32_t cand[CRM_KMEANS_ROWS];
    size_t nt = 0;
    memcpy(label + r0, w->own + r0, (r1 - r0) * sizeof *label);
    for (size_t c0 = r0; c0 < r1; c0 += CRM_KMEANS_ROWS) {
        const size_t m = r1 - c0 < CRM_KMEANS_ROWS ? r1 - c0
                                                   : CRM_KMEANS_ROWS;
        const int32_t *own = w->own + c0;
        float *lower = w->lower + c0;
        crm_kmeans_dist_rows(x, c0, m, w->d, centres, own, dist2, s);
        for (size_t r = 0; r < m; r++) {
            const double u2 = s[r] * up * up; /* >= u², u >= distance */
            const double l = ((double)lower[r] -
                              (own[r] == at ? shift2 : shift1)) * down;
            const double xn =
                (cnorm[own[r]] + (u2 + 1.0) * 0.5) * up + cmax;
            /* max(l, 0) (or -0) without a select gcc will not vectorise;
             * ok implies l0 > u */
            const double l0 = l * (double)(l > 0.0);
            lo[r] = l;
            ok[r] = l0 * l0 * down - u2 * up - err2 * xn * xn > 0.0;
            lower[r] = crm_kmeans_round_down(l0);
        }
        size_t nc = 0;
        for (size_t r = 0; r < m; r++) {
            cand[nc] = (uint32_t)r;
            nc += !ok[r];
        }
        for (size_t q = 0; q < nc; q++) {
            const size_t r = cand[q];
            ok[r] = settle_test(w, (size_t)own[r], sqrt(s[r]) * up, lo[r],
                                lower + r);
        }
        for (size_t r = 0; r < m; r++) {
            todo[nt] = (uint32_t)(c0 - r0 + r);
            nt += !ok[r];
        }
    }
    return nt;
}

/* Bounds of a tile's rows from the kernel's best and second-best values:
 * a row's true squared distance to a centre is |x|² plus the exact value,
 * which lies within err_coef (|x| + cmax)² of the kernel's. */
CRM_KMEANS_CLONES
static void tile_bounds(const crm_kmeans_work *w, const float *best,
                        const float *second, const double *xx, float *lo,
                        float *up)
{
    const double rel = crm_kmeans_slack(w->d), cmax = w->cmax;
    const double coef = w->err_coef;
    for (size_t r = 0; r < TR; r++) {
        const double xn = sqrt(xx[r]) * (1.0 + rel) + cmax;
        const double err = coef * xn * xn;
        const double lo2 = xx[r] * (1.0 - rel) + (double)second[r] - err;
        const double up2 = xx[r] * (1.0 + rel) + (double)best[r] + err;
        lo[r] = crm_kmeans_round_down(sqrt(lo2 > 0.0 ? lo2 : 0.0) *
                                      (1.0 - rel));
        up[r] = crm_kmeans_round_up(sqrt(up2 > 0.0 ? up2 : 0.0) *
                                    (1.0 + rel));
    }
}

void crm_kmeans_search(crm_kmeans_work *w, float *xt, const float *x,
                       size_t r0, const uint32_t *todo, size_t m,
                       int32_t *label)
{
    const size_t d = w->d;
    const float *rows[TR];
    float best[TR], second[TR], lo[TR], up[TR];
    double xx[TR];
    int32_t idx[TR];
    for (size_t t0 = 0; t0 < m; t0 += TR) {
        const size_t nt = m - t0 < TR ? m - t0 : TR;
        for (size_t r = 0; r < TR; r++)
            rows[r] = x + (r0 + todo[t0 + (r < nt ? r : nt - 1)]) * d;
        /* the next tile's rows now: their misses overlap this tile */
        for (size_t q = t0 + TR; q < t0 + 2 * TR && q < m; q++)
            prefetch_row(x, r0 + todo[q], d);
        w->tile(rows, d, w->cpad, w->cc, w->kp, xt, best, second, idx,
                w->accel ? xx : NULL);
        if (w->accel)
            tile_bounds(w, best, second, xx, lo, up);
        for (size_t r = 0; r < nt; r++) {
            const size_t i = r0 + todo[t0 + r];
            label[i] = idx[r];
            if (w->accel) {
                w->lower[i] = lo[r];
                w->upper[i] = up[r];
            }
        }
    }
}

/* upper[i] from the reported distance: dist2 is the double distance
 * rounded to nearest float, so dist2 (1 + 2 eps) bounds it. */
static void exact_upper(crm_kmeans_work *w, const float *dist2, size_t r0,
                        size_t r1)
{
    const double up = 1.0 + crm_kmeans_slack(w->d);
    for (size_t i = r0; i < r1; i++)
        w->upper[i] = crm_kmeans_round_up(
            sqrt((double)dist2[i] * (1.0 + 2.0 * FLT_EPSILON)) * up);
}

static void assign_block(crm_kmeans_work *w, size_t slot, size_t b,
                         const float *x, size_t n, const float *centres,
                         int32_t *label, float *dist2, double *part)
{
    const size_t r0 = b * w->block_rows;
    const size_t r1 = r0 + w->block_rows < n ? r0 + w->block_rows : n;
    uint32_t *todo = w->todo + slot * w->todo_len;
    size_t nt = r1 - r0;
    if (w->have_bounds)
        nt = settle_block(w, x, r0, r1, centres, label, dist2, todo);
    else
        for (size_t i = 0; i < nt; i++)
            todo[i] = (uint32_t)i;
    crm_kmeans_search(w, w->xt + slot * w->d * TR, x, r0, todo, nt, label);
    w->nfull[b] = nt;
    memset(part, 0, crm_kmeans_partial_len(w->k, w->d) * sizeof *part);
    crm_kmeans_fold(x, r0, r1, w->d, w->k, centres, label,
                    w->have_bounds ? w->own : NULL, dist2, part);
    memcpy(w->own + r0, label + r0, (r1 - r0) * sizeof *label);
    if (w->accel)
        exact_upper(w, dist2, r0, r1);
}

crm_status crm_kmeans_assign(crm_kmeans_work *w, const float *x, size_t n,
                             const float *centres, int32_t *label,
                             float *dist2, double *parts)
{
    if (w == NULL || centres == NULL || n != w->n ||
        (n > 0 && (x == NULL || label == NULL || dist2 == NULL ||
                   parts == NULL)))
        return CRM_EINVAL;
    crm_kmeans_prepare(w, centres);
    const size_t len = crm_kmeans_partial_len(w->k, w->d);
    const size_t nb = w->nblocks;
    const size_t ns = w->nthreads;
#pragma omp parallel for schedule(static) num_threads((int)ns)
    for (size_t s = 0; s < ns; s++) /* slot s: its own run of blocks */
        for (size_t b = nb * s / ns; b < nb * (s + 1) / ns; b++)
            assign_block(w, s, b, x, n, centres, label, dist2,
                         parts + b * len);
    w->have_bounds = w->accel;
    w->have_own = 1;
    return CRM_OK;
}

void crm_kmeans_finish(const double *total, size_t k, size_t d,
                       float *centres, size_t *empty, size_t *nempty,
                       double *inertia, double *max_shift2)
{
    size_t ne = 0;
    double worst = 0.0;
    for (size_t c = 0; c < k; c++) {
        const double count = total[k * d + c];
        if (count <= 0.0) {
            empty[ne++] = c;
            continue;
        }
        double s = 0.0;
        for (size_t j = 0; j < d; j++) {
            const float v = (float)(total[c * d + j] / count);
            const double t = (double)v - (double)centres[c * d + j];
            s += t * t;
            centres[c * d + j] = v;
        }
        worst = max2(worst, s);
    }
    *nempty = ne;
    *inertia = total[k * d + k];
    *max_shift2 = worst;
}
