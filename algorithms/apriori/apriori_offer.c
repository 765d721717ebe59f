/* algorithms/apriori/apriori_offer.c — per-customer next-best offers from
 * association rules: the plain scan over every rule, and an index that
 * visits only the rules a customer can satisfy.
 *
 * Index layout: the rules are copied into buckets, one per item i
 * (0..nitems-1) holding the rules whose smallest antecedent item is i, and
 * a last bucket for rules with an empty antecedent. first[b]..first[b+1]
 * are bucket b's entries; an entry keeps its score (confidence x lift) and
 * its antecedent (sorted ascending) and consequent in pool. A customer's
 * walk visits the last bucket and then the bucket of each owned item, so
 * each rule is visited at most once, and only if its smallest antecedent
 * item is owned. The index is read-only after create: any number of
 * threads may recommend from it at once. */
#include <stdlib.h>

#include "algorithms/apriori/apriori.h"

typedef struct offer_rule {
    double score; /* confidence x lift, as crm_apriori_recommend computes */
    size_t at;    /* pool offset: nlhs antecedent items, then nrhs */
    size_t nlhs, nrhs;
} offer_rule;

struct crm_apriori_offers {
    size_t nitems;     /* buckets 0..nitems-1, bucket nitems: empty lhs */
    size_t *first;     /* nitems + 2 entry offsets */
    offer_rule *entry; /* nrules, grouped by bucket, input order within */
    int32_t *pool;     /* the entries' items */
};

static int owns(const int32_t *owned, size_t n, int32_t item)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (owned[mid] == item)
            return 1;
        if (owned[mid] < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* (s, i) ranks before (t, j): higher score, then lower item id. */
static int before(double s, int32_t i, double t, int32_t j)
{
    return s > t || (s == t && i < j);
}

/* Offers item at score to the list (best first, at most cap entries).
 * Invariant: after any sequence of offers, the list is the first cap of
 * the pairs (best score offered so far for item, item), each item once,
 * in the order of before(). An offer to a listed item raises its score
 * or does nothing; an unlisted item's best so far ranks after the last
 * entry of a full list, so it enters exactly when the new score beats that
 * entry (and is then its new best). The list is therefore a function of
 * the set of offers, not of their order: the per-item maximum is
 * order-free and before() is a total order on (score, item). */
static void offer(int32_t item, double score, int32_t *it, double *sc,
                  size_t *n, size_t cap)
{
    size_t p = 0;
    while (p < *n && it[p] != item)
        p++;
    if (p < *n && score <= sc[p])
        return;
    if (p == *n) {
        if (*n < cap)
            (*n)++;
        else if (!before(score, item, sc[cap - 1], it[cap - 1]))
            return;
        p = *n - 1;
    }
    it[p] = item;
    sc[p] = score;
    for (; p > 0 && before(sc[p], it[p], sc[p - 1], it[p - 1]); p--) {
        const int32_t ti = it[p];
        const double ts = sc[p];
        it[p] = it[p - 1];
        sc[p] = sc[p - 1];
        it[p - 1] = ti;
        sc[p - 1] = ts;
    }
}

static int bad_owned(const int32_t *owned, size_t nowned)
{
    for (size_t j = 1; j < nowned; j++)
        if (owned[j] <= owned[j - 1])
            return 1;
    return 0;
}

crm_status crm_apriori_recommend(const crm_rule *rules, size_t nrules,
                                 const int32_t *owned, size_t nowned,
                                 size_t top_n, int32_t *items_out,
                                 double *scores_out, size_t *nout)
{
    if ((rules == NULL && nrules > 0) || (owned == NULL && nowned > 0) ||
        nout == NULL ||
        (top_n > 0 && (items_out == NULL || scores_out == NULL)) ||
        bad_owned(owned, nowned))
        return CRM_EINVAL;
    size_t n = 0;
    for (size_t r = 0; top_n > 0 && r < nrules; r++) {
        const crm_rule *ru = rules + r;
        size_t j = 0;
        while (j < ru->nlhs && owns(owned, nowned, ru->lhs[j]))
            j++;
        if (j < ru->nlhs)
            continue;
        const double score = ru->confidence * ru->lift;
        for (j = 0; j < ru->nrhs; j++)
            if (!owns(owned, nowned, ru->rhs[j]))
                offer(ru->rhs[j], score, items_out, scores_out, &n, top_n);
    }
    *nout = n;
    return CRM_OK;
}

/* ---- the index ---- */

static int bad_items(const int32_t *x, size_t n, size_t nitems)
{
    if (x == NULL && n > 0)
        return 1;
    for (size_t j = 0; j < n; j++)
        if (x[j] < 0 || (uint64_t)x[j] >= (uint64_t)nitems)
            return 1;
    return 0;
}

/* The rule's bucket: its smallest antecedent item, or nitems. */
static size_t bucket_of(const crm_rule *r, size_t nitems)
{
    if (r->nlhs == 0)
        return nitems;
    int32_t m = r->lhs[0];
    for (size_t j = 1; j < r->nlhs; j++)
        m = r->lhs[j] < m ? r->lhs[j] : m;
    return (size_t)m;
}

/* Copies rule r into entry e at pool offset at, its antecedent sorted
 * ascending (insertion sort: antecedents are short). */
static void copy_rule(const crm_rule *r, size_t at, offer_rule *e,
                      int32_t *pool)
{
    int32_t *lhs = pool + at;
    for (size_t j = 0; j < r->nlhs; j++) {
        size_t k = j;
        for (; k > 0 && lhs[k - 1] > r->lhs[j]; k--)
            lhs[k] = lhs[k - 1];
        lhs[k] = r->lhs[j];
    }
    for (size_t j = 0; j < r->nrhs; j++)
        pool[at + r->nlhs + j] = r->rhs[j];
    *e = (offer_rule){.score = r->confidence * r->lift, .at = at,
                      .nlhs = r->nlhs, .nrhs = r->nrhs};
}

/* Fills the buckets (first[] holds their starts); next is scratch. */
static void fill(crm_apriori_offers *ix, const crm_rule *rules,
                 size_t nrules, size_t *next)
{
    size_t at = 0;
    for (size_t b = 0; b <= ix->nitems; b++)
        next[b] = ix->first[b];
    for (size_t r = 0; r < nrules; r++) {
        const size_t b = bucket_of(rules + r, ix->nitems);
        copy_rule(rules + r, at, ix->entry + next[b]++, ix->pool);
        at += rules[r].nlhs + rules[r].nrhs;
    }
}

/* Counts every bucket's rules into first[b + 1], makes first[] the
 * buckets' starts and the item count *total; CRM_EINVAL on a bad rule,
 * CRM_ENOMEM when the items would not fit in memory. */
static crm_status count_buckets(const crm_rule *rules, size_t nrules,
                                size_t nitems, size_t *first, size_t *total)
{
    const size_t limit = SIZE_MAX / sizeof(int32_t) - 1;
    size_t t = 0;
    for (size_t r = 0; r < nrules; r++) {
        const crm_rule *ru = rules + r;
        if (bad_items(ru->lhs, ru->nlhs, nitems) ||
            bad_items(ru->rhs, ru->nrhs, nitems))
            return CRM_EINVAL;
        if (ru->nlhs > limit - t || ru->nrhs > limit - t - ru->nlhs)
            return CRM_ENOMEM;
        t += ru->nlhs + ru->nrhs;
        first[bucket_of(ru, nitems) + 1]++;
    }
    for (size_t b = 0; b <= nitems; b++)
        first[b + 1] += first[b];
    *total = t;
    return CRM_OK;
}

crm_status crm_apriori_offers_create(const crm_rule *rules, size_t nrules,
                                     size_t nitems, crm_apriori_offers **out)
{
    if ((rules == NULL && nrules > 0) || out == NULL)
        return CRM_EINVAL;
    crm_apriori_offers *ix = calloc(1, sizeof *ix);
    size_t *next = NULL, total = 0;
    crm_status rc = CRM_ENOMEM;
    if (ix == NULL || nitems > SIZE_MAX / sizeof(size_t) - 2)
        goto done;
    ix->nitems = nitems;
    if ((ix->first = calloc(nitems + 2, sizeof *ix->first)) == NULL)
        goto done;
    if ((rc = count_buckets(rules, nrules, nitems, ix->first, &total)) !=
        CRM_OK)
        goto done;
    rc = CRM_ENOMEM;
    ix->entry = calloc(nrules + 1, sizeof *ix->entry);
    ix->pool = calloc(total + 1, sizeof *ix->pool);
    next = calloc(nitems + 1, sizeof *next);
    if (ix->entry == NULL || ix->pool == NULL || next == NULL)
        goto done;
    fill(ix, rules, nrules, next);
    *out = ix;
    ix = NULL;
    rc = CRM_OK;
done:
    free(next);
    crm_apriori_offers_destroy(ix);
    return rc;
}

void crm_apriori_offers_destroy(crm_apriori_offers *ix)
{
    if (ix == NULL)
        return;
    free(ix->pool);
    free(ix->entry);
    free(ix->first);
    free(ix);
}

/* Offers the consequents of bucket b's rules whose antecedent beyond its
 * smallest item lies in sub (the owned items from that item on). */
static void visit(const crm_apriori_offers *ix, size_t b,
                  const int32_t *sub, size_t nsub, const int32_t *owned,
                  size_t nowned, size_t cap, int32_t *it, double *sc,
                  size_t *n)
{
    for (size_t e = ix->first[b]; e < ix->first[b + 1]; e++) {
        const offer_rule *r = ix->entry + e;
        const int32_t *lhs = ix->pool + r->at, *rhs = lhs + r->nlhs;
        size_t j = 1;
        while (j < r->nlhs && owns(sub, nsub, lhs[j]))
            j++;
        if (j < r->nlhs)
            continue;
        for (j = 0; j < r->nrhs; j++)
            if (!owns(owned, nowned, rhs[j]))
                offer(rhs[j], r->score, it, sc, n, cap);
    }
}

/* The same rules apply as in crm_apriori_recommend (a rule applies iff
 * its smallest antecedent item o is owned and the rest, all >= o, lie in
 * owned from o on) and they make the same offers with the same scores, so
 * by the invariant at offer() the result is the same list, bit for bit.
 * Owned ids outside 0..nitems-1 head no bucket and are skipped. */
crm_status crm_apriori_offers_recommend(const crm_apriori_offers *ix,
                                        const int32_t *owned, size_t nowned,
                                        size_t top_n, int32_t *items_out,
                                        double *scores_out, size_t *nout)
{
    if (ix == NULL || (owned == NULL && nowned > 0) || nout == NULL ||
        (top_n > 0 && (items_out == NULL || scores_out == NULL)) ||
        bad_owned(owned, nowned))
        return CRM_EINVAL;
    size_t n = 0;
    if (top_n > 0)
        visit(ix, ix->nitems, owned, nowned, owned, nowned, top_n,
              items_out, scores_out, &n);
    for (size_t k = 0; top_n > 0 && k < nowned; k++) {
        if (owned[k] < 0 || (uint64_t)owned[k] >= (uint64_t)ix->nitems)
            continue;
        visit(ix, (size_t)owned[k], owned + k, nowned - k, owned, nowned,
              top_n, items_out, scores_out, &n);
    }
    *nout = n;
    return CRM_OK;
}
