/* algorithms/apriori/apriori_rules.c — association rules from the frequent
 * itemsets (the offers made from them are in apriori_offer.c).
 *
 * Rules: each frequent itemset Z of length L >= 2 gives one rule per
 * non-empty proper subset X (bit mask over Z's items), Y = Z \ X. Both X and
 * Y are frequent (anti-monotony), so their counts are found in the results
 * by binary search. Two passes over the itemsets, both OpenMP loops over
 * itemsets writing disjoint slots: the first counts each itemset's passing
 * rules, a prefix sum gives every itemset its slots, the second fills them.
 * The rules and their items share one allocation (the array, then the
 * items), which is then sorted by a total order, so the output does not
 * depend on the thread count. Metrics are computed in double from the
 * integer counts by the formulas in apriori.h, in that order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/apriori/apriori_int.h"

#define MAX_RULE_ITEMSET 62

static void metrics(int64_t nz, int64_t nx, int64_t ny, int64_t nb,
                    crm_rule *r)
{
    const double z = (double)nz, x = (double)nx, y = (double)ny;
    const double n = (double)nb;
    r->count = nz;
    r->support = z / n;
    r->confidence = z / x;
    r->lift = z * n / (x * y);
    r->leverage = z / n - x * y / (n * n);
    r->conviction = nx == nz ? INFINITY : (n - y) * x / (n * (x - z));
}

typedef struct rule_filter {
    double min_confidence, min_lift;
} rule_filter;

/* Splits itemset i by mask into x (bits set) and y; builds the rule's
 * metrics into r; returns whether it passes the filter. */
static int split_rule(const crm_apriori *a, size_t i, uint64_t mask,
                      const rule_filter *flt, int32_t *x, int32_t *y,
                      size_t *nx, size_t *ny, crm_rule *r)
{
    const int32_t *z = a->pool + a->res_off[i];
    const size_t len = a->res_off[i + 1] - a->res_off[i];
    *nx = *ny = 0;
    for (size_t j = 0; j < len; j++) {
        if (mask >> j & 1)
            x[(*nx)++] = z[j];
        else
            y[(*ny)++] = z[j];
    }
    const int64_t cx = apriori_lookup(a, x, *nx);
    const int64_t cy = apriori_lookup(a, y, *ny);
    metrics(a->res_count[i], cx, cy, a->nbaskets, r);
    return r->confidence >= flt->min_confidence && r->lift >= flt->min_lift;
}

/* Pass 1 (out NULL): counts itemset i's passing rules and their items.
 * Pass 2: writes them to out and their items to pool. */
static void itemset_rules(const crm_apriori *a, size_t i,
                          const rule_filter *flt, size_t *nrules,
                          size_t *nitems, crm_rule *out, int32_t *pool)
{
    const size_t len = a->res_off[i + 1] - a->res_off[i];
    int32_t x[MAX_RULE_ITEMSET], y[MAX_RULE_ITEMSET];
    size_t nr = 0, ni = 0, nx, ny;
    for (uint64_t mask = 1; mask + 1 < (UINT64_C(1) << len); mask++) {
        crm_rule r;
        if (!split_rule(a, i, mask, flt, x, y, &nx, &ny, &r))
            continue;
        if (out != NULL) {
            memcpy(pool + ni, x, nx * sizeof *x);
            memcpy(pool + ni + nx, y, ny * sizeof *y);
            r.lhs = pool + ni;
            r.nlhs = nx;
            r.rhs = pool + ni + nx;
            r.nrhs = ny;
            out[nr] = r;
        }
        nr++;
        ni += len;
    }
    *nrules = nr;
    *nitems = ni;
}

static int cmp_lex(const int32_t *x, size_t nx, const int32_t *y, size_t ny)
{
    for (size_t j = 0; j < nx && j < ny; j++)
        if (x[j] != y[j])
            return x[j] < y[j] ? -1 : 1;
    return (nx > ny) - (nx < ny);
}

static int cmp_rule(const void *p, const void *q)
{
    const crm_rule *r = p, *s = q;
    if (r->confidence != s->confidence)
        return r->confidence > s->confidence ? -1 : 1;
    if (r->lift != s->lift)
        return r->lift > s->lift ? -1 : 1;
    if (r->count != s->count)
        return r->count > s->count ? -1 : 1;
    const int c = cmp_lex(r->lhs, r->nlhs, s->lhs, s->nlhs);
    return c ? c : cmp_lex(r->rhs, r->nrhs, s->rhs, s->nrhs);
}

/* Prefix sums of the per-itemset counts; returns the totals. */
static void prefix(size_t *nr, size_t *ni, size_t n, size_t *tr, size_t *ti)
{
    size_t r = 0, t = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t a = nr[i], b = ni[i];
        nr[i] = r;
        ni[i] = t;
        r += a;
        t += b;
    }
    *tr = r;
    *ti = t;
}

crm_status crm_apriori_rules(const crm_apriori *a, double min_confidence,
                             double min_lift, crm_rule **rules,
                             size_t *nrules)
{
    if (a == NULL || rules == NULL || nrules == NULL ||
        isnan(min_confidence) || isnan(min_lift))
        return CRM_EINVAL;
    if (a->nlen > MAX_RULE_ITEMSET)
        return CRM_ERANGE;
    const rule_filter flt = {min_confidence, min_lift};
    const size_t lo = a->nlen >= 2 ? a->len_first[2] : a->nres;
    const size_t n = a->nres - lo;
    size_t *nr = malloc((n + 1) * sizeof *nr);
    size_t *ni = malloc((n + 1) * sizeof *ni);
    crm_rule *out = NULL;
    size_t tr = 0, ti = 0;
    crm_status rc = CRM_ENOMEM;
    if (nr == NULL || ni == NULL)
        goto done;
#pragma omp parallel for schedule(dynamic, 16)
    for (size_t i = 0; i < n; i++)
        itemset_rules(a, lo + i, &flt, nr + i, ni + i, NULL, NULL);
    prefix(nr, ni, n, &tr, &ti);
    if (tr > 0) {
        if (tr > (SIZE_MAX - ti * 4) / sizeof *out ||
            (out = malloc(tr * sizeof *out + ti * 4)) == NULL)
            goto done;
        int32_t *pool = (int32_t *)(out + tr);
#pragma omp parallel for schedule(dynamic, 16)
        for (size_t i = 0; i < n; i++) {
            size_t r_i, i_i;
            itemset_rules(a, lo + i, &flt, &r_i, &i_i, out + nr[i],
                          pool + ni[i]);
        }
        qsort(out, tr, sizeof *out, cmp_rule);
    }
    *rules = out;
    *nrules = tr;
    rc = CRM_OK;
done:
    free(nr);
    free(ni);
    return rc;
}

void crm_apriori_rules_free(crm_rule *rules, size_t nrules)
{
    (void)nrules; /* the rules and their items are one allocation */
    free(rules);
}
