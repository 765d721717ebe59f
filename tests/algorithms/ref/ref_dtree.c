/* tests/algorithms/ref/ref_dtree.c — see ref_dtree.h. Written for clarity,
 * O(rows x features x bins) per node. */
#include "ref_dtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double ref_dtree_wimp(crm_dtree_criterion crit, double a, double b)
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

typedef struct ctx {
    const uint8_t *bins, *labels, *nbins;
    const uint8_t *weights; /* NULL: all 1 */
    size_t n, d;
    crm_dtree_params p;
    double w[2], wroot;
    ref_dtree *t;
} ctx;

static double gain_of(const ctx *c, const int64_t l[2], const int64_t all[2])
{
    const int64_t r[2] = {all[0] - l[0], all[1] - l[1]};
    if (l[0] + l[1] < c->p.min_samples_leaf ||
        r[0] + r[1] < c->p.min_samples_leaf)
        return -1.0;
    const double wp = ref_dtree_wimp(c->p.criterion, c->w[0] * (double)all[0],
                                     c->w[1] * (double)all[1]);
    const double wl = ref_dtree_wimp(c->p.criterion, c->w[0] * (double)l[0],
                                     c->w[1] * (double)l[1]);
    const double wr = ref_dtree_wimp(c->p.criterion, c->w[0] * (double)r[0],
                                     c->w[1] * (double)r[1]);
    return (wp - wl - wr) / c->wroot;
}

static int64_t wt(const ctx *c, size_t i)
{
    return c->weights ? c->weights[i] : 1;
}

static int goes_left(uint8_t b, int t, int ml)
{
    return b == CRM_DTREE_MISSING ? ml : b <= t;
}

/* Rows of the split (feature f, threshold t): left ones first; *ml
 * becomes the larger side when the node has no missing rows. */
static size_t *split_rows(const ctx *c, const size_t *rows, size_t m, int f,
                          int t, int *ml, size_t *nleft)
{
    const uint8_t *col = c->bins + (size_t)f * c->n;
    size_t *lr = malloc((m + 1) * sizeof *lr), nl = 0;
    int64_t wl = 0, wall = 0, wmiss = 0; /* weighted rows */
    for (size_t i = 0; i < m; i++) {
        const int64_t w = wt(c, rows[i]);
        wall += w;
        wmiss += col[rows[i]] == CRM_DTREE_MISSING ? w : 0;
        wl += goes_left(col[rows[i]], t, *ml) ? w : 0;
    }
    if (wmiss == 0) /* no missing rows: missing follows the larger child */
        *ml = wl >= wall - wl;
    for (size_t i = 0; i < m; i++)
        if (goes_left(col[rows[i]], t, *ml))
            lr[nl++] = rows[i];
    for (size_t i = 0, k = nl; i < m; i++)
        if (!goes_left(col[rows[i]], t, *ml))
            lr[k++] = rows[i];
    *nleft = nl;
    return lr;
}

static int32_t grow(ctx *c, const size_t *rows, size_t m, int depth)
{
    const int32_t id = (int32_t)c->t->nnodes++;
    ref_dtree_node *nd = &c->t->nodes[id];
    memset(nd, 0, sizeof *nd);
    nd->feature = nd->left = nd->right = -1;
    for (size_t i = 0; i < m; i++)
        nd->count[c->labels[rows[i]]] += wt(c, rows[i]);
    const int64_t all[2] = {nd->count[0], nd->count[1]};
    if (depth >= c->p.max_depth || all[0] == 0 || all[1] == 0 ||
        all[0] + all[1] < 2 * c->p.min_samples_leaf)
        return id;
    double best = 0.0;
    int bf = -1, bt = 0, bml = 0;
    for (size_t j = 0; j < c->d; j++) {
        const uint8_t *col = c->bins + j * c->n;
        for (int t = 0; t < c->nbins[j]; t++)
            for (int ml = 0; ml < 2; ml++) {
                int64_t l[2] = {0, 0};
                for (size_t i = 0; i < m; i++)
                    if (goes_left(col[rows[i]], t, ml))
                        l[c->labels[rows[i]]] += wt(c, rows[i]);
                const double g = gain_of(c, l, all);
                if (g > best) {
                    best = g;
                    bf = (int)j, bt = t, bml = ml;
                }
            }
    }
    if (bf < 0 || !(best > 1e-12) || best < c->p.min_gain)
        return id;
    size_t nl;
    size_t *lr = split_rows(c, rows, m, bf, bt, &bml, &nl);
    nd->feature = bf;
    nd->threshold = (uint8_t)bt;
    nd->missing_left = (uint8_t)bml;
    nd->gain = best;
    const int32_t l = grow(c, lr, nl, depth + 1);
    const int32_t r = grow(c, lr + nl, m - nl, depth + 1);
    c->t->nodes[id].left = l;
    c->t->nodes[id].right = r;
    free(lr);
    return id;
}

static void class_weights(const crm_dtree_params *p, const int64_t cnt[2],
                    double w[2])
{
    w[0] = p->class_weight[0];
    w[1] = p->class_weight[1];
    if (w[0] == 0.0 && w[1] == 0.0)
        w[0] = w[1] = 1.0;
    if (p->balanced && cnt[0] > 0 && cnt[1] > 0)
        for (int k = 0; k < 2; k++)
            w[k] = (double)(cnt[0] + cnt[1]) / (2.0 * (double)cnt[k]);
}

ref_dtree ref_dtree_fit(const uint8_t *bins, const uint8_t *labels, size_t n,
                        size_t d, const uint8_t *nbins,
                        const crm_dtree_params *params)
{
    return ref_dtree_fit_weighted(bins, labels, NULL, n, d, nbins, params);
}

ref_dtree ref_dtree_fit_weighted(const uint8_t *bins, const uint8_t *labels,
                                 const uint8_t *weights, size_t n, size_t d,
                                 const uint8_t *nbins,
                                 const crm_dtree_params *params)
{
    ref_dtree t = {0, calloc(2 * n + 1, sizeof(ref_dtree_node))};
    ctx c = {.bins = bins, .labels = labels, .nbins = nbins,
             .weights = weights, .n = n, .d = d, .p = *params, .t = &t};
    if (c.p.max_depth == 0)
        c.p.max_depth = CRM_DTREE_DEFAULT_DEPTH;
    if (c.p.min_samples_leaf == 0)
        c.p.min_samples_leaf = 1;
    int64_t cnt[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        cnt[labels[i]] += wt(&c, i);
    class_weights(&c.p, cnt, c.w);
    c.wroot = c.w[0] * (double)cnt[0] + c.w[1] * (double)cnt[1];
    size_t *rows = malloc((n + 1) * sizeof *rows);
    for (size_t i = 0; i < n; i++)
        rows[i] = i;
    grow(&c, rows, n, 0);
    free(rows);
    return t;
}

void ref_dtree_free(ref_dtree *t)
{
    free(t->nodes);
    t->nodes = NULL;
}

double ref_dtree_best_subset_gain(const uint8_t *col, const uint8_t *labels,
                                  size_t n, size_t nbj,
                                  const crm_dtree_params *params)
{
    ctx c = {.p = *params};
    if (c.p.min_samples_leaf == 0)
        c.p.min_samples_leaf = 1;
    int64_t all[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        all[labels[i]]++;
    class_weights(&c.p, all, c.w);
    c.wroot = c.w[0] * (double)all[0] + c.w[1] * (double)all[1];
    double best = 0.0;
    /* item nbj is the missing bin; subsets as bit masks over nbj + 1 items */
    for (uint64_t s = 1; s < (UINT64_C(1) << (nbj + 1)); s++) {
        int64_t l[2] = {0, 0};
        for (size_t i = 0; i < n; i++) {
            const size_t item = col[i] == CRM_DTREE_MISSING ? nbj : col[i];
            if ((s >> item) & 1u)
                l[labels[i]]++;
        }
        const double g = gain_of(&c, l, all);
        if (g > best)
            best = g;
    }
    return best;
}

void ref_dtree_hist(const uint8_t *bins, const uint8_t *labels, size_t n,
                    size_t d, const uint8_t *nbins, const int32_t *node_of_row,
                    int32_t node, int64_t *h)
{
    size_t off = 0;
    for (size_t j = 0; j < d; j++) {
        memset(h + 2 * off, 0, 2 * ((size_t)nbins[j] + 1) * sizeof *h);
        for (size_t i = 0; i < n; i++) {
            if (node_of_row[i] != node)
                continue;
            const uint8_t b = bins[j * n + i];
            const size_t k = b == CRM_DTREE_MISSING ? nbins[j] : b;
            h[2 * (off + k) + labels[i]]++;
        }
        off += (size_t)nbins[j] + 1;
    }
}
