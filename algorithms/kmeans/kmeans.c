/* algorithms/kmeans/kmeans.c — Lloyd assignment with exact Hamerly bounds,
 * block partials, and the centre update.
 *
 * Layout: the work (kmeans_int.h) owns padded centres, their norms, the
 * per-block transposed tiles, and per row an upper bound on the distance to
 * its own centre and a lower bound on the distance to every other one
 * (Hamerly 2010). Each assign walks a block in tiles of CRM_KMEANS_TILE
 * rows: rows whose bounds prove their label skip the search, the rest go
 * through the tile kernel, then the tile is folded into the block partial
 * in row order.
 *
 * Exactness: the bounds are kept on true Euclidean distances with every
 * rounding directed outwards, and a row is skipped only when its own centre
 * beats all others by more than twice the worst rounding error of the
 * kernel's values, so the kernel would have returned the same label. The
 * labels are therefore those of the exhaustive search, bit for bit. */
#include "algorithms/kmeans/kmeans.h"

#include <float.h>
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
    free(w->upper);
    free(w->lower);
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
                                  size_t block_rows, crm_kmeans_work **out)
{
    if (out == NULL || d == 0 || k == 0 || block_rows == 0 ||
        k > SIZE_MAX - CRM_KMEANS_CGROUP || k > INT32_MAX ||
        d > SIZE_MAX / TR || block_rows > UINT32_MAX)
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
    w->accel = k >= CRM_KMEANS_ACCEL_MIN_K;
    w->cpad = alloc3(w->kp, d, sizeof *w->cpad);
    w->cc = alloc3(w->kp, 1, sizeof *w->cc);
    w->prev = alloc3(k, d, sizeof *w->prev);
    w->cnorm = alloc3(k, 1, sizeof *w->cnorm);
    w->sep = alloc3(k, 1, sizeof *w->sep);
    w->shift = alloc3(k, 1, sizeof *w->shift);
    w->xt = alloc3(w->nblocks, d * TR, sizeof *w->xt);
    w->upper = alloc3(n, 1, sizeof *w->upper);
    w->lower = alloc3(n, 1, sizeof *w->lower);
    w->own = alloc3(n, 1, sizeof *w->own);
    w->todo = alloc3(n, 1, sizeof *w->todo);
    w->nfull = alloc3(w->nblocks, 1, sizeof *w->nfull);
    if (!w->cpad || !w->cc || !w->prev || !w->cnorm || !w->sep ||
        !w->shift || !w->xt || !w->upper || !w->lower || !w->own ||
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
        w->have_bounds = 0;
}

void crm_kmeans_work_accelerate(crm_kmeans_work *w, int on)
{
    if (w != NULL) {
        w->accel = on != 0;
        w->have_bounds = 0;
    }
}

size_t crm_kmeans_work_full_rows(const crm_kmeans_work *w)
{
    size_t total = 0;
    for (size_t b = 0; w != NULL && b < w->nblocks; b++)
        total += w->nfull[b];
    return total;
}

/* Relative slack that covers double rounding in a d-term sum. */
static double slack(size_t d)
{
    return (double)(d + 8) * DBL_EPSILON;
}

static double max2(double a, double b)
{
    return a > b ? a : b;
}

/* Shifts since the previous centres (only when the bounds are live). */
static void centre_shifts(crm_kmeans_work *w, const float *centres)
{
    const double up = 1.0 + slack(w->d);
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

/* Padded centres, norms, separations; remembers the centres. */
static void prepare_centres(crm_kmeans_work *w, const float *centres)
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
            w->cmax = max2(w->cmax, w->cnorm[c] * (1.0 + slack(d)));
        }
    }
    const double down = 1.0 - slack(d);
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

/* 1 when bounds u >= d(x, own) and l <= d(x, any other) prove that the
 * kernel picks own: the gap exceeds twice its rounding error. */
static int proves_label(const crm_kmeans_work *w, size_t own, double u,
                        double *l)
{
    const double rel = slack(w->d);
    *l = max2(*l, w->sep[own] - u);
    if (!(*l > u))
        return 0;
    const double xn = (w->cnorm[own] + u) * (1.0 + rel) + w->cmax;
    const double err = w->err_coef * xn * xn;
    return *l * *l * (1.0 - rel) - u * u * (1.0 + rel) > 2.0 * err;
}

/* Updates row i's bounds for the moved centres; 1 when its label stands. */
static int settle_row(crm_kmeans_work *w, const float *xi, size_t i,
                      const float *centres)
{
    const double rel = slack(w->d);
    const size_t own = (size_t)w->own[i];
    const double drop = own == w->shift1_at ? w->shift2 : w->shift1;
    double u = ((double)w->upper[i] + w->shift[own]) * (1.0 + rel);
    double l = ((double)w->lower[i] - drop) * (1.0 - rel);
    int ok = proves_label(w, own, u, &l);
    if (!ok) {
        u = sqrt(crm_kmeans_dist2(xi, centres + own * w->d, w->d)) *
            (1.0 + rel);
        ok = proves_label(w, own, u, &l);
    }
    w->lower[i] = crm_kmeans_round_down(max2(l, 0.0));
    return ok;
}

/* Lower bound from the kernel's second-best value for row xi. */
static float lower_bound(const crm_kmeans_work *w, const float *xi,
                         float second)
{
    const double rel = slack(w->d);
    double xx = 0.0;
    for (size_t j = 0; j < w->d; j++)
        xx += (double)xi[j] * (double)xi[j];
    const double xn = sqrt(xx) * (1.0 + rel) + w->cmax;
    const double lo2 = xx * (1.0 - rel) + (double)second -
                       w->err_coef * xn * xn;
    return crm_kmeans_round_down(sqrt(max2(lo2, 0.0)) * (1.0 - rel));
}

/* Exhaustive search for rows r0 + todo[0..m) in tiles: labels, and lower
 * bounds when accelerating. */
static void search_rows(crm_kmeans_work *w, size_t b, const float *x,
                        size_t r0, const uint32_t *todo, size_t m,
                        int32_t *label)
{
    const size_t d = w->d;
    const float *rows[TR];
    float best[TR], second[TR];
    int32_t idx[TR];
    for (size_t t0 = 0; t0 < m; t0 += TR) {
        const size_t nt = m - t0 < TR ? m - t0 : TR;
        for (size_t r = 0; r < TR; r++)
            rows[r] = x + (r0 + todo[t0 + (r < nt ? r : nt - 1)]) * d;
        crm_kmeans_tile(rows, d, w->cpad, w->cc, w->kp, w->xt + b * d * TR,
                        best, second, idx);
        for (size_t r = 0; r < nt; r++) {
            const size_t i = r0 + todo[t0 + r];
            label[i] = idx[r];
            if (w->accel)
                w->lower[i] = lower_bound(w, rows[r], second[r]);
        }
    }
}

static void assign_block(crm_kmeans_work *w, size_t b, const float *x,
                         size_t n, const float *centres, int32_t *label,
                         float *dist2, double *part)
{
    const size_t r0 = b * w->block_rows;
    const size_t r1 = r0 + w->block_rows < n ? r0 + w->block_rows : n;
    uint32_t *todo = w->todo + r0;
    size_t nt = 0;
    for (size_t i = r0; i < r1; i++) {
        if (w->have_bounds && settle_row(w, x + i * w->d, i, centres))
            label[i] = w->own[i];
        else
            todo[nt++] = (uint32_t)(i - r0);
    }
    search_rows(w, b, x, r0, todo, nt, label);
    w->nfull[b] = nt;
    memset(part, 0, crm_kmeans_partial_len(w->k, w->d) * sizeof *part);
    crm_kmeans_fold(x, r0, r1, w->d, w->k, centres, label, dist2,
                    w->accel ? w->upper : NULL, part);
    if (w->accel)
        memcpy(w->own + r0, label + r0, (r1 - r0) * sizeof *label);
}

crm_status crm_kmeans_assign(crm_kmeans_work *w, const float *x, size_t n,
                             const float *centres, int32_t *label,
                             float *dist2, double *parts)
{
    if (w == NULL || centres == NULL || n != w->n ||
        (n > 0 && (x == NULL || label == NULL || dist2 == NULL ||
                   parts == NULL)))
        return CRM_EINVAL;
    prepare_centres(w, centres);
    const size_t len = crm_kmeans_partial_len(w->k, w->d);
    const size_t nb = w->nblocks;
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nb; b++)
        assign_block(w, b, x, n, centres, label, dist2, parts + b * len);
    w->have_bounds = w->accel;
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
