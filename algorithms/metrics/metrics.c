/* algorithms/metrics/metrics.c — binary-classification metrics from score
 * groups.
 *
 * Every entry point first walks the groups once (check_groups): scores in
 * [0, 1] (strictly descending where sorted input is required), counts
 * non-negative, all rows together within int64. After that no count can
 * overflow. AUC is accumulated exactly, as twice the Mann–Whitney U in a
 * 128-bit integer, and divided once at the end; log loss is summed in long
 * double in group order. A lift boundary falls on a row rank x; the expected
 * positives among the first x rows are an exact integer (the groups wholly
 * above x) plus the proportional share of the group x cuts, kept apart so
 * that a bucket's positives are an exact integer difference plus a small
 * fractional one. Serial and allocation-free: the work is O(groups + buckets)
 * once the groups are sorted, and the result depends only on the groups. */
#include "algorithms/metrics/metrics.h"

#include <math.h>
#include <stdlib.h>

#define LOG_LOSS_EPS 1e-15
#define MAX_BUCKETS 1000
#define DECILES 10

/* Sums over all groups, valid once check_groups succeeded. */
typedef struct totals {
    int64_t pos;  /* positive rows */
    int64_t neg;  /* negative rows */
    int64_t rows; /* pos + neg */
} totals;

/* CRM_EINVAL for a NaN score or one outside [0, 1], a negative count, or,
 * when sorted is set, a score not strictly below the one before it;
 * otherwise CRM_ERANGE when the rows of all groups exceed INT64_MAX. The
 * verdict does not depend on the order of the groups beyond sortedness. */
static crm_status check_groups(const crm_score_group *groups, size_t n,
                               int sorted, totals *t)
{
    totals sum = {0, 0, 0};
    int overflow = 0;
    for (size_t i = 0; i < n; i++) {
        const crm_score_group *g = &groups[i];
        if (!(g->score >= 0.0 && g->score <= 1.0) || g->pos < 0 || g->neg < 0)
            return CRM_EINVAL;
        if (sorted && i > 0 && !(g->score < groups[i - 1].score))
            return CRM_EINVAL;
        if (overflow || g->pos > INT64_MAX - sum.rows ||
            g->neg > INT64_MAX - sum.rows - g->pos) {
            overflow = 1; /* keep going: a bad group outranks it */
            continue;
        }
        sum.pos += g->pos;
        sum.neg += g->neg;
        sum.rows += g->pos + g->neg;
    }
    if (overflow)
        return CRM_ERANGE;
    *t = sum;
    return CRM_OK;
}

static int by_score_desc(const void *a, const void *b)
{
    const double x = ((const crm_score_group *)a)->score;
    const double y = ((const crm_score_group *)b)->score;
    return (x < y) - (x > y);
}

crm_status crm_metrics_sort_groups(crm_score_group *groups, size_t *n)
{
    if (n == NULL || (groups == NULL && *n > 0))
        return CRM_EINVAL;
    totals t;
    const crm_status rc = check_groups(groups, *n, 0, &t);
    if (rc != CRM_OK || *n == 0)
        return rc;
    /* the row total fits int64, so every merged count below does too */
    qsort(groups, *n, sizeof *groups, by_score_desc);
    size_t m = 0;
    for (size_t i = 0; i < *n; i++) {
        crm_score_group g = groups[i];
        if (g.pos == 0 && g.neg == 0)
            continue;
        if (g.score == 0.0)
            g.score = 0.0; /* -0.0 and +0.0 are one score, stored as +0.0 */
        if (m > 0 && groups[m - 1].score == g.score) {
            groups[m - 1].pos += g.pos;
            groups[m - 1].neg += g.neg;
        } else {
            groups[m++] = g; /* m <= i: only consumed slots are written */
        }
    }
    *n = m;
    return CRM_OK;
}

/* An unsigned 128-bit integer: AUC's numerator and denominator need up to
 * 2^125 when the row count is near INT64_MAX. Portable C11, no __int128. */
typedef struct u128 {
    uint64_t hi, lo;
} u128;

/* acc + a * b; the caller guarantees that the result fits. */
static u128 mul_add(u128 acc, uint64_t a, uint64_t b)
{
    const uint64_t mask = UINT64_C(0xFFFFFFFF);
    const uint64_t a0 = a & mask, a1 = a >> 32, b0 = b & mask, b1 = b >> 32;
    const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
    const uint64_t mid = (p00 >> 32) + (p01 & mask) + (p10 & mask);
    const uint64_t lo = (mid << 32) | (p00 & mask);
    const uint64_t hi = a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    u128 r;
    r.lo = acc.lo + lo;
    r.hi = acc.hi + hi + (r.lo < lo);
    return r;
}

static long double u128_value(u128 x)
{
    return (long double)x.hi * 18446744073709551616.0L + (long double)x.lo;
}

/* (sum over g of pos_g * (negatives below g) + pos_g * neg_g / 2) / (P * N),
 * computed as 2U / (2 P N) in exact integers and rounded once at the end.
 * NaN unless both classes are present. */
static double auc(const crm_score_group *groups, size_t n, const totals *t)
{
    if (t->pos == 0 || t->neg == 0)
        return NAN;
    u128 num = {0, 0};
    uint64_t below = (uint64_t)t->neg;
    for (size_t i = 0; i < n; i++) {
        const uint64_t neg = (uint64_t)groups[i].neg;
        below -= neg;
        /* 2 * below + neg <= 2 N < 2^64; the sum stays <= 2 P N < 2^125 */
        num = mul_add(num, (uint64_t)groups[i].pos, 2 * below + neg);
    }
    const u128 zero = {0, 0};
    const u128 den = mul_add(zero, (uint64_t)t->pos, 2 * (uint64_t)t->neg);
    return (double)(u128_value(num) / u128_value(den));
}

static double log_loss(const crm_score_group *groups, size_t n,
                       const totals *t)
{
    long double sum = 0.0L;
    for (size_t i = 0; i < n; i++) {
        const double p = fmin(fmax(groups[i].score, LOG_LOSS_EPS),
                              1.0 - LOG_LOSS_EPS);
        /* log1p(-p) keeps the digits of 1 - p when p is small */
        sum -= (long double)groups[i].pos * (long double)log(p) +
               (long double)groups[i].neg * (long double)log1p(-p);
    }
    return (double)(sum / (long double)t->rows);
}

static void confusion(const crm_score_group *groups, size_t n,
                      double threshold, const totals *t, crm_binary_metrics *m)
{
    int64_t tp = 0, fp = 0;
    for (size_t i = 0; i < n && groups[i].score >= threshold; i++) {
        tp += groups[i].pos;
        fp += groups[i].neg;
    }
    m->tp = tp;
    m->fp = fp;
    m->fn = t->pos - tp;
    m->tn = t->neg - fp;
    const long double ltp = (long double)tp;
    m->accuracy = (double)((ltp + (long double)m->tn) / (long double)t->rows);
    /* tp == 0 makes each of the three 0, whatever its denominator */
    m->precision = tp > 0 ? (double)(ltp / (ltp + (long double)fp)) : 0.0;
    m->recall = tp > 0 ? (double)(ltp / (long double)t->pos) : 0.0;
    m->f1 = tp > 0 ? (double)(2 * ltp / (2 * ltp + (long double)fp +
                                        (long double)m->fn))
                   : 0.0;
}

/* Expected positives among the first x rows: whole (exact) + part. */
typedef struct prefix {
    int64_t whole;    /* positives of the groups wholly above rank x */
    long double part; /* share of the group that rank x cuts */
} prefix;

/* A walk over increasing row ranks through the sorted groups. */
typedef struct cursor {
    const crm_score_group *groups;
    size_t n;
    size_t g;           /* the group holding the current rank, or n */
    int64_t rows_above; /* rows of groups[0..g) */
    int64_t pos_above;  /* positives of groups[0..g) */
} cursor;

/* Moves c to the group holding rank x (x in [rows_above, N]; n at N). */
static void seek(cursor *c, int64_t x)
{
    while (c->g < c->n) {
        const crm_score_group *g = &c->groups[c->g];
        if (x - c->rows_above < g->pos + g->neg)
            break;
        c->rows_above += g->pos + g->neg;
        c->pos_above += g->pos;
        c->g++;
    }
}

static prefix prefix_at(cursor *c, int64_t x)
{
    seek(c, x);
    prefix p = {c->pos_above, 0.0L};
    if (c->g < c->n) {
        const crm_score_group *g = &c->groups[c->g];
        p.part = (long double)g->pos * (long double)(x - c->rows_above) /
                 (long double)(g->pos + g->neg);
    }
    return p;
}

/* The bucket's fields from its rows, its positives and the cumulative
 * rows and positives of buckets 1..b. */
static void fill_row(crm_lift_row *row, int64_t rows, long double pos,
                     int64_t cum_rows, long double cum_pos, const totals *t)
{
    const long double all = (long double)t->rows;
    const long double base = (long double)t->pos / all; /* overall rate */
    const long double share = (long double)cum_rows / all;
    const long double capture =
        t->pos > 0 ? cum_pos / (long double)t->pos : (long double)NAN;
    row->rows = rows;
    row->positives = (double)pos;
    row->rate = rows > 0 ? (double)(pos / (long double)rows) : NAN;
    row->lift = rows > 0 && t->pos > 0
                    ? (double)(pos / (long double)rows / base)
                    : NAN;
    row->cum_rows_share = (double)share;
    row->cum_capture = (double)capture; /* NaN without positives */
    row->cum_lift = cum_rows > 0 ? (double)(capture / share) : NAN;
}

/* Buckets end at floor(b N / k) = b q + floor(b r / k) with N = q k + r, so
 * b N is never formed. */
static void fill_lift(const crm_score_group *groups, size_t n,
                      const totals *t, int nbuckets, crm_lift_row *rows)
{
    cursor c = {groups, n, 0, 0, 0};
    const int64_t k = nbuckets, q = t->rows / k, r = t->rows % k;
    int64_t lo = 0;
    prefix plo = {0, 0.0L};
    for (int64_t b = 1; b <= k; b++) {
        const int64_t hi = b * q + b * r / k;
        crm_lift_row *row = &rows[b - 1];
        row->max_score = row->min_score = NAN;
        if (hi > lo) {
            seek(&c, lo);
            row->max_score = groups[c.g].score;
            seek(&c, hi - 1);
            row->min_score = groups[c.g].score;
        }
        const prefix phi = prefix_at(&c, hi);
        const long double pos =
            (long double)(phi.whole - plo.whole) + (phi.part - plo.part);
        fill_row(row, hi - lo, pos, hi, (long double)phi.whole + phi.part,
                 t);
        lo = hi;
        plo = phi;
    }
}

crm_status crm_metrics_binary(const crm_score_group *groups, size_t n,
                              double threshold, crm_binary_metrics *out)
{
    if ((groups == NULL && n > 0) || out == NULL ||
        !(threshold >= 0.0 && threshold <= 1.0))
        return CRM_EINVAL;
    totals t;
    const crm_status rc = check_groups(groups, n, 1, &t);
    if (rc != CRM_OK)
        return rc;
    if (t.rows == 0)
        return CRM_EINVAL;
    crm_binary_metrics m = {0};
    m.n = t.rows;
    m.positives = t.pos;
    confusion(groups, n, threshold, &t, &m);
    m.auc = auc(groups, n, &t);
    m.log_loss = log_loss(groups, n, &t);
    crm_lift_row decile[DECILES];
    fill_lift(groups, n, &t, DECILES, decile);
    m.top_decile_lift = decile[0].lift;
    m.top_decile_capture = decile[0].cum_capture;
    *out = m;
    return CRM_OK;
}

crm_status crm_metrics_lift(const crm_score_group *groups, size_t n,
                            int nbuckets, crm_lift_row *rows)
{
    if ((groups == NULL && n > 0) || rows == NULL || nbuckets < 1 ||
        nbuckets > MAX_BUCKETS)
        return CRM_EINVAL;
    totals t;
    const crm_status rc = check_groups(groups, n, 1, &t);
    if (rc != CRM_OK)
        return rc;
    if (t.rows == 0)
        return CRM_EINVAL;
    fill_lift(groups, n, &t, nbuckets, rows);
    return CRM_OK;
}
