/* tests/algorithms/test_apriori.c — Apriori: frequent itemsets against the
 * brute-force counter in ref/, invariants (anti-monotone support, rule
 * metrics from counts, repeated items, empty baskets, min_count 1), the
 * memory budget, bad arguments, recommendations against a brute-force
 * scorer, and split invariance (fake ranks, prepared or not, 1 vs 4
 * threads). The public data sets are in test_apriori_data.c. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "algorithms/apriori/apriori.h"
#include "ref/ref_apriori.h"
#include "ref/ref_comm.h"
#include "test_apriori_util.h"

/* Baskets of 0..maxlen slots (items unsorted, some repeated, skewed to low
 * ids), with two planted patterns so that long itemsets are frequent. */
static bdata gen(uint64_t seed, size_t n, size_t nitems, size_t maxlen)
{
    static const int32_t p1[] = {1, 3, 4, 8}, p2[] = {0, 2, 9};
    bdata d = {.nitems = nitems};
    int32_t b[64];
    for (size_t i = 0; i < n; i++) {
        size_t m = 0;
        const size_t len = (size_t)ref_rand_range(&seed, 0, (int64_t)maxlen);
        if (ref_rand(&seed) % 3 == 0)
            for (size_t j = 0; j < 4 && m < len; j++)
                if (ref_rand(&seed) % 5 != 0)
                    b[m++] = p1[j] % (int32_t)nitems;
        if (ref_rand(&seed) % 4 == 0)
            for (size_t j = 0; j < 3 && m < len; j++)
                b[m++] = p2[j] % (int32_t)nitems;
        while (m < len) {
            const uint64_t u = ref_rand(&seed) % nitems;
            const uint64_t v = ref_rand(&seed) % nitems;
            b[m++] = (int32_t)(u < v ? u : v);
        }
        for (size_t j = m; j > 1; j--) { /* shuffle */
            const size_t k = (size_t)(ref_rand(&seed) % j);
            const int32_t t = b[j - 1];
            b[j - 1] = b[k];
            b[k] = t;
        }
        bd_push(&d, b, m);
    }
    return d;
}

static void assert_equals_ref(const crm_apriori *a, const ref_itemsets *r)
{
    cr_assert_eq(crm_apriori_nitemsets(a), r->n, "%zu itemsets, ref %zu",
                 crm_apriori_nitemsets(a), r->n);
    for (size_t i = 0; i < r->n; i++) {
        const int32_t *it;
        size_t len;
        int64_t count;
        crm_apriori_itemset(a, i, &it, &len, &count);
        cr_assert_eq(len, r->off[i + 1] - r->off[i], "itemset %zu", i);
        cr_assert_arr_eq(it, r->items + r->off[i], len * sizeof *it);
        cr_assert_eq(count, r->count[i], "itemset %zu (length %zu: %d %d %d): %lld, ref %lld",
                     i, len, it[0], it[1], it[len-1], (long long)count, (long long)r->count[i]);
    }
}

static void assert_same(const crm_apriori *a, const crm_apriori *b)
{
    cr_assert_eq(crm_apriori_nitemsets(a), crm_apriori_nitemsets(b));
    for (size_t i = 0; i < crm_apriori_nitemsets(a); i++) {
        const int32_t *x, *y;
        size_t lx, ly;
        int64_t cx, cy;
        crm_apriori_itemset(a, i, &x, &lx, &cx);
        crm_apriori_itemset(b, i, &y, &ly, &cy);
        cr_assert(lx == ly && cx == cy && !memcmp(x, y, lx * sizeof *x));
    }
}

Test(apriori, equals_brute_force_on_random_data)
{
    static const size_t nitems[] = {6, 12, 40};
    static const int64_t minc[] = {1, 4, 15};
    for (uint64_t seed = 1; seed <= 4; seed++)
        for (size_t s = 0; s < 3; s++)
            for (size_t m = 0; m < 3; m++)
                for (size_t maxl = 0; maxl <= 3; maxl += 3) {
                    bdata d = gen(seed * 7 + s, 250, nitems[s],
                                  minc[m] == 1 ? 7 : 12);
                    const crm_baskets all = bd_view(&d, 0, d.n);
                    ref_itemsets r;
                    cr_assert_eq(ref_apriori_mine(&all, minc[m], maxl, &r), 0);
                    for (int prep = 0; prep < 2; prep++) {
                        crm_apriori *a = mine_ranks(&d, 1, minc[m], maxl, 0,
                                                    prep, NULL, NULL);
                        assert_equals_ref(a, &r);
                        crm_apriori_destroy(a);
                    }
                    ref_itemsets_free(&r);
                    bd_free(&d);
                }
}

static void set_threads(int n)
{
#ifdef _OPENMP
    omp_set_num_threads(n);
#else
    (void)n;
#endif
}

static void assert_same_rules(const crm_apriori *a, const crm_apriori *b)
{
    crm_rule *ra, *rb;
    size_t na, nb;
    cr_assert_eq(crm_apriori_rules(a, 0.1, 0.0, &ra, &na), CRM_OK);
    cr_assert_eq(crm_apriori_rules(b, 0.1, 0.0, &rb, &nb), CRM_OK);
    cr_assert_eq(na, nb);
    cr_assert(na > 100, "only %zu rules", na);
    for (size_t i = 0; i < na; i++) {
        cr_assert(ra[i].nlhs == rb[i].nlhs && ra[i].nrhs == rb[i].nrhs);
        cr_assert_arr_eq(ra[i].lhs, rb[i].lhs, ra[i].nlhs * 4);
        cr_assert_arr_eq(ra[i].rhs, rb[i].rhs, ra[i].nrhs * 4);
        cr_assert_arr_eq(&ra[i].count, &rb[i].count,
                         sizeof ra[i] - offsetof(crm_rule, count));
    }
    crm_apriori_rules_free(ra, na);
    crm_apriori_rules_free(rb, nb);
}

Test(apriori, identical_for_any_rank_split_and_thread_count)
{
    bdata d = gen(99, 3000, 30, 14);
    set_threads(1);
    crm_apriori *base = mine_ranks(&d, 1, 20, 0, 0, 0, NULL, NULL);
    cr_assert(crm_apriori_max_itemset_len(base) >= 4);
    for (int threads = 1; threads <= 4; threads += 3) {
        set_threads(threads);
        for (int ranks = 1; ranks <= 4; ranks++)
            for (int prep = 0; prep < 2; prep++) {
                crm_apriori *a = mine_ranks(&d, ranks, 20, 0, 0, prep, NULL,
                                            NULL);
                assert_same(base, a);
                assert_same_rules(base, a);
                crm_apriori_destroy(a);
            }
    }
    set_threads(1);
    crm_apriori_destroy(base);
    bd_free(&d);
}

Test(apriori, repeated_items_count_once)
{
    static const int32_t b0[] = {1, 1, 1, 2}, b1[] = {2, 2}, b2[] = {1, 2, 1};
    bdata d = {.nitems = 3};
    bd_push(&d, b0, 4);
    bd_push(&d, b1, 2);
    bd_push(&d, b2, 3);
    const crm_baskets all = bd_view(&d, 0, d.n);
    int64_t ic[3] = {0};
    cr_assert_eq(crm_apriori_count_items(&all, 3, ic), CRM_OK);
    cr_assert(ic[0] == 0 && ic[1] == 2 && ic[2] == 3);
    for (int prep = 0; prep < 2; prep++) {
        crm_apriori *a = mine_ranks(&d, 1, 1, 0, 0, prep, NULL, NULL);
        cr_assert_eq(crm_apriori_nitemsets(a), 3);
        const int32_t *it;
        size_t len;
        int64_t count;
        crm_apriori_itemset(a, 2, &it, &len, &count);
        cr_assert(len == 2 && it[0] == 1 && it[1] == 2 && count == 2);
        cr_assert_eq(crm_apriori_count_by_length(a, 1), 2);
        cr_assert_eq(crm_apriori_count_by_length(a, 2), 1);
        cr_assert_eq(crm_apriori_count_by_length(a, 3), 0);
        crm_apriori_destroy(a);
    }
    bd_free(&d);
}

Test(apriori, empty_baskets_and_no_baskets)
{
    bdata d = {.nitems = 5};
    for (int i = 0; i < 10; i++)
        bd_push(&d, NULL, 0);
    static const int32_t one[] = {3, 4};
    bd_push(&d, one, 2);
    for (int prep = 0; prep < 2; prep++) {
        crm_apriori *a = mine_ranks(&d, 3, 1, 0, 0, prep, NULL, NULL);
        cr_assert_eq(crm_apriori_nitemsets(a), 3);
        cr_assert_eq(crm_apriori_nbaskets(a), 11);
        crm_apriori_destroy(a);
        a = mine_ranks(&d, 2, 2, 0, 0, prep, NULL, NULL);
        cr_assert_eq(crm_apriori_nitemsets(a), 0);
        cr_assert_eq(crm_apriori_max_itemset_len(a), 0);
        crm_apriori_destroy(a);
    }
    bdata none = {.nitems = 4};
    crm_apriori *a = mine_ranks(&none, 1, 1, 0, 0, 1, NULL, NULL);
    cr_assert_eq(crm_apriori_nitemsets(a), 0);
    crm_apriori_destroy(a);
    bd_free(&d);
}

Test(apriori, support_is_anti_monotone)
{
    bdata d = gen(5, 2000, 25, 12);
    crm_apriori *a = mine_ranks(&d, 1, 10, 0, 0, 1, NULL, NULL);
    cr_assert(crm_apriori_max_itemset_len(a) >= 4);
    size_t total = 0;
    for (size_t l = 1; l <= crm_apriori_max_itemset_len(a); l++)
        total += crm_apriori_count_by_length(a, l);
    cr_assert_eq(total, crm_apriori_nitemsets(a));
    for (size_t i = 0; i < crm_apriori_nitemsets(a); i++) {
        const int32_t *it;
        size_t len;
        int64_t count;
        crm_apriori_itemset(a, i, &it, &len, &count);
        cr_assert(count >= 10);
        for (size_t skip = 0; len > 1 && skip < len; skip++) {
            int32_t sub[64];
            size_t m = 0;
            for (size_t j = 0; j < len; j++)
                if (j != skip)
                    sub[m++] = it[j];
            int found = 0;
            for (size_t k = 0; k < crm_apriori_nitemsets(a) && !found; k++) {
                const int32_t *x;
                size_t lx;
                int64_t cx;
                crm_apriori_itemset(a, k, &x, &lx, &cx);
                found = lx == m && !memcmp(x, sub, m * 4) && cx >= count;
            }
            cr_assert(found, "subset of itemset %zu missing or smaller", i);
        }
    }
    crm_apriori_destroy(a);
    bd_free(&d);
}

/* The rule's metrics by the header's formulas from the reference counts. */
static void assert_rule_metrics(const crm_rule *r, const ref_itemsets *ref,
                                int64_t nb)
{
    int32_t z[64];
    size_t nz = 0, i = 0, j = 0;
    while (i < r->nlhs || j < r->nrhs) {
        const int takel = j == r->nrhs || (i < r->nlhs && r->lhs[i] < r->rhs[j]);
        cr_assert(i == r->nlhs || j == r->nrhs || r->lhs[i] != r->rhs[j]);
        z[nz++] = takel ? r->lhs[i++] : r->rhs[j++];
    }
    const double cz = (double)ref_itemsets_find(ref, z, nz);
    const double cx = (double)ref_itemsets_find(ref, r->lhs, r->nlhs);
    const double cy = (double)ref_itemsets_find(ref, r->rhs, r->nrhs);
    const double n = (double)nb;
    cr_assert(cz > 0 && cx > 0 && cy > 0);
    cr_assert_eq((double)r->count, cz);
    cr_assert_eq(r->support, cz / n);
    cr_assert_eq(r->confidence, cz / cx);
    cr_assert_eq(r->lift, cz * n / (cx * cy));
    cr_assert_eq(r->leverage, cz / n - cx * cy / (n * n));
    if (cx == cz)
        cr_assert(isinf(r->conviction) && r->conviction > 0);
    else
        cr_assert_eq(r->conviction, (n - cy) * cx / (n * (cx - cz)));
    cr_assert(fabs(r->lift - r->confidence / (cy / n)) < 1e-12 * r->lift);
}

Test(apriori, rules_follow_from_the_counts)
{
    bdata d = gen(11, 1500, 20, 10);
    const crm_baskets all = bd_view(&d, 0, d.n);
    ref_itemsets ref;
    cr_assert_eq(ref_apriori_mine(&all, 12, 0, &ref), 0);
    crm_apriori *a = mine_ranks(&d, 2, 12, 0, 0, 0, NULL, NULL);
    size_t expect = 0;
    for (size_t i = 0; i < ref.n; i++)
        expect += (UINT64_C(1) << (ref.off[i + 1] - ref.off[i])) - 2;
    crm_rule *r;
    size_t nr;
    cr_assert_eq(crm_apriori_rules(a, 0.0, 0.0, &r, &nr), CRM_OK);
    cr_assert_eq(nr, expect);
    size_t pass = 0, ninf = 0;
    for (size_t i = 0; i < nr; i++) {
        assert_rule_metrics(r + i, &ref, (int64_t)d.n);
        pass += r[i].confidence >= 0.5 && r[i].lift >= 1.2;
        ninf += isinf(r[i].conviction);
        cr_assert(i == 0 || r[i - 1].confidence > r[i].confidence ||
                  (r[i - 1].confidence == r[i].confidence &&
                   r[i - 1].lift >= r[i].lift));
    }
    cr_assert(pass > 0 && pass < nr);
    crm_apriori_rules_free(r, nr);
    cr_assert_eq(crm_apriori_rules(a, 0.5, 1.2, &r, &nr), CRM_OK);
    cr_assert_eq(nr, pass);
    crm_apriori_rules_free(r, nr);
    (void)ninf;
    crm_apriori_destroy(a);
    ref_itemsets_free(&ref);
    bd_free(&d);
}

Test(apriori, conviction_is_infinite_at_confidence_one)
{
    static const int32_t b[] = {0, 1}, c[] = {1};
    bdata d = {.nitems = 2};
    bd_push(&d, b, 2);
    bd_push(&d, b, 2);
    bd_push(&d, c, 1);
    crm_apriori *a = mine_ranks(&d, 1, 1, 0, 0, 0, NULL, NULL);
    crm_rule *r;
    size_t nr;
    cr_assert_eq(crm_apriori_rules(a, 0.0, 0.0, &r, &nr), CRM_OK);
    cr_assert_eq(nr, 2);
    cr_assert(r[0].lhs[0] == 0 && r[0].confidence == 1.0);
    cr_assert(isinf(r[0].conviction));
    cr_assert_eq(r[1].confidence, 2.0 / 3.0);
    crm_apriori_rules_free(r, nr);
    crm_apriori_destroy(a);
    bd_free(&d);
}
