/* algorithms/kmeans/kmeans_step.c — the training step: Hamerly's algorithm
 * as published, where a row proved by its bounds is not read at all.
 *
 * crm_kmeans_assign computes every row's distance to its centre, because
 * its callers need the distances (scores, inertia). Training needs only the
 * labels and the new centres, so a step carries each row's upper bound u
 * (on the distance to its own centre) forward by that centre's move, and
 * its lower bound l (on the distance to any other) back by the largest
 * move of the others. A row is settled when max(l, sep - u) beats u by the
 * kernel's rounding margin (the test assign uses, kmeans_int.h); only when
 * that fails is the row read, and then searched. The bounds reach
 * every row as per-row arrays (12 bytes) instead of its features
 * (4 d bytes), and the labels are still those of the exhaustive search.
 *
 * The centres then move by the rows that changed cluster only: each block's
 * partial is the change of its sums and counts, in row order, so the
 * caller's running total never needs the rows whose label stands. */
#include "algorithms/kmeans/kmeans.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "algorithms/kmeans/kmeans_int.h"

#define ROWS CRM_KMEANS_ROWS

/* The bounds of rows [c0, c0 + m) moved with the centres; ok[r] = 1 when
 * they prove the label without reading the row. The stored lower bound is
 * max(l, sep - u, 0) rounded down, valid whether or not the row is read. */
CRM_KMEANS_CLONES
static void move_bounds(crm_kmeans_work *w, size_t c0, size_t m,
                        int32_t *ok)
{
    const double rel = crm_kmeans_slack(w->d), up = 1.0 + rel,
                 down = 1.0 - rel;
    const double cmax = w->cmax, err2 = 2.0 * w->err_coef;
    const double shift1 = w->shift1, shift2 = w->shift2;
    const double *cnorm = w->cnorm, *sep = w->sep, *shift = w->shift;
    const int32_t at = (int32_t)w->shift1_at;
    const int32_t *own = w->own + c0;
    float *lower = w->lower + c0, *upper = w->upper + c0;
    for (size_t r = 0; r < m; r++) {
        const int32_t o = own[r];
        const double u = ((double)upper[r] + shift[o]) * up;
        const double l =
            ((double)lower[r] - (o == at ? shift2 : shift1)) * down;
        const double lc = sep[o] - u;
        const double xn = (cnorm[o] + u) * up + cmax;
        const double margin = u * u * up + err2 * xn * xn;
        /* the test holds for max(l, lc) iff it holds for one of them */
        const int32_t by_l = (l > u) & (l * l * down > margin);
        const int32_t by_c = (lc > u) & (lc * lc * down > margin);
        const double l0 = l * (double)(l > 0.0); /* max(l, 0) or -0 */
        ok[r] = by_l | by_c;
        lower[r] = crm_kmeans_round_down(l0 > lc ? l0 : lc);
        upper[r] = crm_kmeans_round_up(u);
    }
}

/* Block [r0, r1): the offsets of the rows whose moved bounds fail go to
 * todo in row order; returns their number. They are searched at once: an
 * exact distance to the own centre first (Hamerly's second test) settled
 * only about one in five of them on 1 M x 16 at k = 64 (7.4 M of 39.5 M
 * over 100 iterations), and reading the scattered row for it cost more
 * than the searches it saved now that the tile kernel is vectorised
 * (crmine run, one thread, interleaved medians: Lloyd at k = 64 2.51 ->
 * 2.33 s, k = 24 1.16 -> 0.97 s without it; below k = 16 it never paid). */
static size_t settle_lazy(crm_kmeans_work *w, const float *x, size_t r0,
                          size_t r1, int32_t *label, uint32_t *todo)
{
    int32_t ok[ROWS];
    size_t nc = 0;
    memcpy(label + r0, w->own + r0, (r1 - r0) * sizeof *label);
    for (size_t c0 = r0; c0 < r1; c0 += ROWS) {
        const size_t m = r1 - c0 < ROWS ? r1 - c0 : ROWS;
        move_bounds(w, c0, m, ok);
        const size_t from = nc;
        for (size_t r = 0; r < m; r++) {
            todo[nc] = (uint32_t)(c0 - r0 + r);
            nc += !ok[r];
        }
        /* the search reads these rows: ask for them now, into L2 (the
         * tile's prefetch of its next rows comes too late at small k) */
        for (size_t q = from; q < nc; q++) {
            const float *row = x + (r0 + todo[q]) * w->d;
            __builtin_prefetch(row, 0, 2);
            __builtin_prefetch(row + w->d - 1, 0, 2);
        }
    }
    return nc;
}

/* Adds the row xi to cluster `to` of part and, when from >= 0, takes it
 * from cluster `from`. */
static inline void move_row(const float *xi, size_t d, size_t k,
                            int32_t from, int32_t to, double *part)
{
    double *count = part + k * d;
    if (from >= 0) {
        double *sum = part + (size_t)from * d;
        for (size_t j = 0; j < d; j++)
            sum[j] -= (double)xi[j];
        count[from] -= 1.0;
    }
    double *sum = part + (size_t)to * d;
    for (size_t j = 0; j < d; j++)
        sum[j] += (double)xi[j];
    count[to] += 1.0;
}

/* The block's change, in row order. Only searched rows (r0 + todo[q]) can
 * have changed label; with no previous labelling every row joins. */
CRM_KMEANS_CLONES256
static void fold_change(crm_kmeans_work *w, const float *x, size_t r0,
                        size_t r1, const uint32_t *todo, size_t nt,
                        const int32_t *label, double *part)
{
    const size_t d = w->d, k = w->k;
    if (!w->have_own) {
        for (size_t i = r0; i < r1; i++)
            move_row(x + i * d, d, k, -1, label[i], part);
        memcpy(w->own + r0, label + r0, (r1 - r0) * sizeof *label);
        return;
    }
    for (size_t q = 0; q < nt; q++) {
        const size_t i = r0 + todo[q];
        if (label[i] != w->own[i]) {
            move_row(x + i * d, d, k, w->own[i], label[i], part);
            w->own[i] = label[i];
        }
    }
}

static void step_block(crm_kmeans_work *w, size_t slot, size_t b,
                       const float *x, size_t n, int32_t *label,
                       double *part)
{
    const size_t r0 = b * w->block_rows;
    const size_t r1 = r0 + w->block_rows < n ? r0 + w->block_rows : n;
    uint32_t *todo = w->todo + slot * w->todo_len;
    size_t nt = r1 - r0;
    if (w->have_bounds)
        nt = settle_lazy(w, x, r0, r1, label, todo);
    else
        for (size_t i = 0; i < nt; i++)
            todo[i] = (uint32_t)i;
    crm_kmeans_search(w, w->xt + slot * w->d * CRM_KMEANS_TILE, x, r0, todo,
                      nt, label);
    w->nfull[b] = nt;
    memset(part, 0, crm_kmeans_partial_len(w->k, w->d) * sizeof *part);
    fold_change(w, x, r0, r1, todo, nt, label, part);
}

crm_status crm_kmeans_step(crm_kmeans_work *w, const float *x, size_t n,
                           const float *centres, int32_t *label,
                           double *parts)
{
    if (w == NULL || centres == NULL || n != w->n ||
        (n > 0 && (x == NULL || label == NULL || parts == NULL)))
        return CRM_EINVAL;
    crm_kmeans_prepare(w, centres);
    const size_t len = crm_kmeans_partial_len(w->k, w->d);
    const size_t nb = w->nblocks;
    const size_t ns = w->nthreads;
#pragma omp parallel for schedule(static) num_threads((int)ns)
    for (size_t s = 0; s < ns; s++) /* slot s: its own run of blocks */
        for (size_t b = nb * s / ns; b < nb * (s + 1) / ns; b++)
            step_block(w, s, b, x, n, label, parts + b * len);
    w->have_bounds = w->accel;
    w->have_own = 1;
    return CRM_OK;
}

void crm_kmeans_distances(const float *x, size_t n, size_t d,
                          const float *centres, const int32_t *label,
                          float *dist2)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        dist2[i] = (float)crm_kmeans_dist2(
            x + i * d, centres + (size_t)label[i] * d, d);
}
