/* algorithms/dtree/dtree_split.c — the best split of one node from its
 * histogram: every threshold of every numeric feature with missing values
 * sent either way, and for categorical features the prefixes of the
 * categories (the missing bin among them) sorted by weighted target rate,
 * which for two classes and a concave impurity contain the optimal binary
 * partition (Breiman et al., CART, 1984, Theorem 4.5); categories rarer
 * than min_category_rows stay on the right.
 *
 * A numeric feature with missing values also offers "all values left,
 * missing right" (threshold nbins - 1).
 * A candidate beats the best so far only with a strictly larger gain, and
 * candidates are visited feature by feature, threshold (prefix) ascending,
 * missing-right before missing-left, which fixes the tie-breaking (with a
 * feature subset, only its features, still in ascending order). Gains are
 * doubles computed from integer counts in a fixed order, so every rank gets
 * the same bits. No allocation; thread-safe. */
#include "algorithms/dtree/dtree_int.h"

#include <math.h>
#include <string.h>

#define GAIN_EPS 1e-12

double dtree_wimpurity(crm_dtree_criterion crit, double a, double b)
{
    const double w = a + b;
    if (w <= 0.0)
        return 0.0;
    if (crit == CRM_DTREE_GINI)
        return w - (a * a + b * b) / w;
    double s = 0.0;
    if (a > 0.0)
        s -= a * log2(a / w);
    if (b > 0.0)
        s -= b * log2(b / w);
    return s;
}

/* Search state of one node. */
typedef struct search {
    const crm_dtree_grower *g;
    const int64_t *cnt;
    double wparent;       /* W * I of the node */
    dtree_split *best;
} search;

/* Considers the left child with class counts left; returns 1 if it became
 * the best. */
static int consider(search *s, const int64_t left[2])
{
    const crm_dtree_grower *g = s->g;
    const int64_t right[2] = {s->cnt[0] - left[0], s->cnt[1] - left[1]};
    const int64_t msl = g->p.min_samples_leaf;
    if (left[0] + left[1] < msl || right[0] + right[1] < msl)
        return 0;
    const double wl = dtree_wimpurity(g->p.criterion,
                                      g->weight[0] * (double)left[0],
                                      g->weight[1] * (double)left[1]);
    const double wr = dtree_wimpurity(g->p.criterion,
                                      g->weight[0] * (double)right[0],
                                      g->weight[1] * (double)right[1]);
    const double gain = (s->wparent - wl - wr) / g->wroot;
    if (!(gain > s->best->gain))
        return 0;
    s->best->gain = gain;
    s->best->left[0] = left[0];
    s->best->left[1] = left[1];
    return 1;
}

static void search_numeric(search *s, size_t j, const int64_t *h)
{
    const size_t nbj = s->g->nbins[j];
    const int64_t *miss = h + 2 * nbj;
    const int has_missing = miss[0] + miss[1] > 0;
    int64_t l[2] = {0, 0};
    for (size_t t = 0; t + 1 < nbj; t++) {
        l[0] += h[2 * t];
        l[1] += h[2 * t + 1];
        for (int ml = 0; ml <= has_missing; ml++) {
            const int64_t left[2] = {l[0] + (ml ? miss[0] : 0),
                                     l[1] + (ml ? miss[1] : 0)};
            if (consider(s, left)) {
                s->best->feature = (int32_t)j;
                s->best->threshold = (uint8_t)t;
                s->best->missing_left = (uint8_t)ml;
            }
        }
    }
    if (!has_missing)
        return;
    /* every value left, missing right: the "is missing" split */
    l[0] = s->cnt[0] - miss[0];
    l[1] = s->cnt[1] - miss[1];
    if (consider(s, l)) {
        s->best->feature = (int32_t)j;
        s->best->threshold = (uint8_t)(nbj - 1);
        s->best->missing_left = 0;
    }
}

/* The items of a categorical histogram (codes, missing as nbj) with at
 * least min_category_rows rows (present ones when that is 0 or 1), sorted
 * by weighted rate of class 1 ascending, ties by code. Returns m. The
 * others go right: the prefixes searched run up to all m items. */
static size_t sort_items(const crm_dtree_grower *g, size_t nbj,
                         const int64_t *h, uint16_t *item)
{
    const int64_t least = g->p.min_category_rows > 1 ? g->p.min_category_rows
                                                      : 1;
    size_t m = 0;
    for (size_t c = 0; c <= nbj; c++)
        if (h[2 * c] + h[2 * c + 1] >= least)
            item[m++] = (uint16_t)c;
    /* insertion sort: stable, so equal rates keep code order */
    for (size_t i = 1; i < m; i++) {
        const uint16_t v = item[i];
        const double av = g->weight[0] * (double)h[2 * v];
        const double bv = g->weight[1] * (double)h[2 * v + 1];
        size_t k = i;
        while (k > 0) {
            const uint16_t u = item[k - 1];
            const double au = g->weight[0] * (double)h[2 * u];
            const double bu = g->weight[1] * (double)h[2 * u + 1];
            if (!(bu * (av + bv) > bv * (au + bu)))
                break; /* rate(u) <= rate(v) */
            item[k] = u;
            k--;
        }
        item[k] = v;
    }
    return m;
}

static void search_categorical(search *s, size_t j, const int64_t *h)
{
    uint16_t item[CRM_DTREE_MAX_BINS + 1];
    const size_t m = sort_items(s->g, s->g->nbins[j], h, item);
    int64_t left[2] = {0, 0};
    for (size_t k = 1; k <= m; k++) {
        left[0] += h[2 * item[k - 1]];
        left[1] += h[2 * item[k - 1] + 1];
        if (consider(s, left)) {
            s->best->feature = (int32_t)j;
            s->best->prefix = (int32_t)k;
        }
    }
}

static void set_bit(uint64_t cats[4], size_t c)
{
    cats[c >> 6] |= UINT64_C(1) << (c & 63);
}

/* Left set of the winning categorical split, and its missing direction. */
static void finish_categorical(const crm_dtree_grower *g, const int64_t *h,
                               dtree_split *best)
{
    const size_t nbj = g->nbins[best->feature];
    uint16_t item[CRM_DTREE_MAX_BINS + 1];
    const size_t m = sort_items(g, nbj, h, item);
    uint8_t left[CRM_DTREE_MAX_BINS + 1] = {0};
    int missing_present = 0;
    for (size_t k = 0; k < m; k++) {
        left[item[k]] = k < (size_t)best->prefix;
        missing_present |= item[k] == nbj;
    }
    if (missing_present)
        best->missing_left = left[nbj];
    memset(best->cats, 0, sizeof best->cats);
    for (size_t c = 0; c < CRM_DTREE_MISSING; c++) {
        const int present = c < nbj && h[2 * c] + h[2 * c + 1] > 0;
        if (present ? left[c] : best->missing_left)
            set_bit(best->cats, c);
    }
}

void dtree_best_split(const crm_dtree_grower *g, const int64_t *h,
                      const int64_t cnt[2], const uint8_t *mask,
                      dtree_split *best)
{
    memset(best, 0, sizeof *best);
    best->feature = -1;
    search s = {.g = g, .cnt = cnt, .best = best};
    s.wparent = dtree_wimpurity(g->p.criterion,
                                g->weight[0] * (double)cnt[0],
                                g->weight[1] * (double)cnt[1]);
    for (size_t j = 0; j < g->d; j++) {
        if (mask && !mask[j])
            continue;
        const int64_t *hj = h + 2 * g->offset[j];
        if (g->categorical[j])
            search_categorical(&s, j, hj);
        else
            search_numeric(&s, j, hj);
    }
    if (best->feature < 0 || !(best->gain > GAIN_EPS) ||
        best->gain < g->p.min_gain) {
        memset(best, 0, sizeof *best);
        best->feature = -1;
        return;
    }
    const int64_t *hj = h + 2 * g->offset[best->feature];
    const int64_t *miss = hj + 2 * (size_t)g->nbins[best->feature];
    best->missing_seen = miss[0] + miss[1] > 0;
    if (!best->missing_seen) {
        const int64_t nl = best->left[0] + best->left[1];
        best->missing_left = nl >= cnt[0] + cnt[1] - nl;
    }
    if (g->categorical[best->feature])
        finish_categorical(g, hj, best);
}
