/* tests/algorithms/test_apriori_api.c — Apriori's contract beyond the
 * counts: recommendations against a brute-force scorer, the memory budget,
 * max_len, and every CRM_EINVAL the calls can return. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/apriori/apriori.h"
#include "ref/ref_comm.h"
#include "test_apriori_util.h"

static bdata gen_dense(uint64_t seed, size_t n, size_t nitems)
{
    bdata d = {.nitems = nitems};
    int32_t b[16];
    for (size_t i = 0; i < n; i++) {
        const size_t len = (size_t)ref_rand_range(&seed, 0, 9);
        for (size_t j = 0; j < len; j++) {
            const uint64_t u = ref_rand(&seed) % nitems;
            const uint64_t v = ref_rand(&seed) % nitems;
            b[j] = (int32_t)(u < v ? u : v);
        }
        bd_push(&d, b, len);
    }
    return d;
}

static int owns(const int32_t *o, size_t n, int32_t x)
{
    for (size_t i = 0; i < n; i++)
        if (o[i] == x)
            return 1;
    return 0;
}

/* Each item's best score over the applying rules, then sorted. */
static size_t brute_recommend(const crm_rule *r, size_t nr,
                              const int32_t *own, size_t nown, size_t nitems,
                              size_t top, int32_t *it, double *sc)
{
    double *best = malloc(nitems * sizeof *best);
    for (size_t i = 0; i < nitems; i++)
        best[i] = -1.0;
    for (size_t k = 0; k < nr; k++) {
        int ok = 1;
        for (size_t j = 0; j < r[k].nlhs; j++)
            ok &= owns(own, nown, r[k].lhs[j]);
        for (size_t j = 0; ok && j < r[k].nrhs; j++) {
            const int32_t y = r[k].rhs[j];
            const double s = r[k].confidence * r[k].lift;
            if (!owns(own, nown, y) && s > best[y])
                best[y] = s;
        }
    }
    size_t n = 0;
    for (; n < top; n++) { /* selection: best score, then lowest id */
        int32_t arg = -1;
        for (size_t i = 0; i < nitems; i++)
            if (best[i] >= 0 && (arg < 0 || best[i] > best[arg]))
                arg = (int32_t)i;
        if (arg < 0)
            break;
        it[n] = arg;
        sc[n] = best[arg];
        best[arg] = -1.0;
    }
    free(best);
    return n;
}

Test(apriori, recommend_matches_brute_force)
{
    bdata d = gen_dense(3, 3000, 15);
    crm_apriori *a = mine_ranks(&d, 1, 30, 0, 0, 1, NULL, NULL);
    crm_rule *r;
    size_t nr;
    cr_assert_eq(crm_apriori_rules(a, 0.05, 0.0, &r, &nr), CRM_OK);
    cr_assert(nr > 50);
    uint64_t seed = 17;
    size_t nonempty = 0;
    for (int t = 0; t < 300; t++) {
        int32_t own[15], it[6], eit[6];
        double sc[6], esc[6];
        size_t nown = 0, nout;
        for (int32_t i = 0; i < 15; i++)
            if (ref_rand(&seed) % 4 == 0)
                own[nown++] = i;
        const size_t top = (size_t)ref_rand_range(&seed, 0, 6);
        cr_assert_eq(crm_apriori_recommend(r, nr, own, nown, top, it, sc,
                                           &nout), CRM_OK);
        const size_t en = brute_recommend(r, nr, own, nown, 15, top, eit, esc);
        cr_assert_eq(nout, en);
        cr_assert_arr_eq(it, eit, en * sizeof *it);
        cr_assert_arr_eq(sc, esc, en * sizeof *sc);
        nonempty += nout > 0;
    }
    cr_assert(nonempty > 100);
    crm_apriori_rules_free(r, nr);
    crm_apriori_destroy(a);
    bd_free(&d);
}

Test(apriori, recommend_offers_the_missing_items_of_an_itemset)
{
    static const int32_t b[] = {0, 1, 2}, c[] = {3};
    bdata d = {.nitems = 4};
    for (int i = 0; i < 5; i++)
        bd_push(&d, b, 3);
    bd_push(&d, c, 1);
    crm_apriori *a = mine_ranks(&d, 1, 5, 0, 0, 0, NULL, NULL);
    crm_rule *r;
    size_t nr;
    cr_assert_eq(crm_apriori_rules(a, 0.0, 0.0, &r, &nr), CRM_OK);
    const int32_t own[] = {0, 2};
    int32_t it[3];
    double sc[3];
    size_t n;
    cr_assert_eq(crm_apriori_recommend(r, nr, own, 2, 3, it, sc, &n), CRM_OK);
    cr_assert(n == 1 && it[0] == 1);
    cr_assert_eq(sc[0], 1.0 * 6.0 / 5.0);
    const int32_t all[] = {0, 1, 2};
    cr_assert_eq(crm_apriori_recommend(r, nr, all, 3, 3, it, sc, &n), CRM_OK);
    cr_assert_eq(n, 0);
    const int32_t bad[] = {2, 0};
    cr_assert_eq(crm_apriori_recommend(r, nr, bad, 2, 3, it, sc, &n),
                 CRM_EINVAL);
    cr_assert_eq(crm_apriori_recommend(r, nr, own, 2, 3, NULL, sc, &n),
                 CRM_EINVAL);
    crm_apriori_rules_free(r, nr);
    crm_apriori_destroy(a);
    bd_free(&d);
}

Test(apriori, budget_stops_cleanly_at_the_named_level)
{
    bdata d = gen_dense(8, 2000, 12);
    crm_status st;
    size_t level;
    crm_apriori *full = mine_ranks(&d, 1, 10, 0, 0, 0, &st, &level);
    cr_assert(st == CRM_OK && crm_apriori_max_itemset_len(full) >= 3);
    crm_apriori *a = mine_ranks(&d, 1, 10, 0, 100, 0, &st, &level);
    cr_assert(st == CRM_ERANGE && level == 2);
    cr_assert_eq(crm_apriori_nitemsets(a), crm_apriori_count_by_length(full, 1));
    crm_apriori_destroy(a);
    /* Room for the 66 pair counters at 1 thread, not at 64 threads. */
    a = mine_ranks(&d, 1, 10, 0, 66 * 12, 0, &st, &level);
    cr_assert(st == CRM_ERANGE && level == 3, "%d at level %zu", st, level);
    cr_assert_eq(crm_apriori_count_by_length(a, 2),
                 crm_apriori_count_by_length(full, 2));
    crm_apriori_destroy(a);
    int64_t ic[12] = {0};
    const crm_baskets all = bd_view(&d, 0, d.n);
    cr_assert_eq(crm_apriori_count_items(&all, 12, ic), CRM_OK);
    cr_assert_eq(crm_apriori_create(ic, 12, 2000, 10, 0, 66 * 12, &a), CRM_OK);
    crm_apriori_set_threads(a, 64);
    size_t nc;
    cr_assert_eq(crm_apriori_next_level(a, &level, &nc), CRM_ERANGE);
    cr_assert(level == 2 && nc == 66);
    crm_apriori_destroy(a);
    crm_apriori_destroy(full);
    bd_free(&d);
}

Test(apriori, max_len_bounds_the_levels)
{
    bdata d = gen_dense(9, 2000, 10);
    for (size_t m = 1; m <= 3; m++) {
        crm_apriori *a = mine_ranks(&d, 2, 5, m, 0, 1, NULL, NULL);
        cr_assert_eq(crm_apriori_max_itemset_len(a), m);
        size_t len, nc;
        cr_assert_eq(crm_apriori_next_level(a, &len, &nc), CRM_OK);
        cr_assert(nc == 0 && len == m + 1);
        crm_apriori_destroy(a);
    }
    bd_free(&d);
}

Test(apriori, rejects_bad_arguments)
{
    const int64_t off[] = {0, 2, 1}, off_ok[] = {0, 2, 3};
    const int32_t items[] = {0, 5, 1}, neg[] = {0, -1, 1};
    int64_t ic[4] = {0};
    crm_baskets b = {2, off, items};
    cr_assert_eq(crm_apriori_count_items(&b, 6, ic), CRM_EINVAL);
    b.offset = off_ok;
    cr_assert_eq(crm_apriori_count_items(&b, 4, ic), CRM_EINVAL);
    b.items = neg;
    cr_assert_eq(crm_apriori_count_items(&b, 4, ic), CRM_EINVAL);
    cr_assert_eq(crm_apriori_count_items(NULL, 4, ic), CRM_EINVAL);
    cr_assert(ic[0] == 0 && ic[1] == 0, "counts touched on failure");
    b.items = items;
    crm_apriori *a = NULL;
    const int64_t cnt[6] = {3, 3, 0, 0, 0, 3};
    cr_assert_eq(crm_apriori_create(cnt, 6, 3, 0, 0, 0, &a), CRM_EINVAL);
    cr_assert_eq(crm_apriori_create(cnt, 6, -1, 1, 0, 0, &a), CRM_EINVAL);
    cr_assert_eq(crm_apriori_create(NULL, 6, 3, 1, 0, 0, &a), CRM_EINVAL);
    cr_assert_null(a);
    cr_assert_eq(crm_apriori_create(cnt, 6, 3, 1, 0, 0, &a), CRM_OK);
    cr_assert_eq(crm_apriori_count(a, NULL), CRM_EINVAL); /* no level */
    cr_assert_eq(crm_apriori_select(a), CRM_EINVAL);
    cr_assert_null(crm_apriori_counts(a));
    size_t len, nc;
    cr_assert_eq(crm_apriori_next_level(a, &len, &nc), CRM_OK);
    cr_assert(len == 2 && nc == 3);
    cr_assert_eq(crm_apriori_next_level(a, &len, &nc), CRM_EINVAL);
    cr_assert_eq(crm_apriori_count(a, NULL), CRM_EINVAL); /* no prepare */
    cr_assert_eq(crm_apriori_prepare(a, &b), CRM_EINVAL); /* too late */
    crm_baskets bad = {2, off, items};
    cr_assert_eq(crm_apriori_count(a, &bad), CRM_EINVAL);
    cr_assert_eq(crm_apriori_count(a, &b), CRM_OK);
    cr_assert_eq(crm_apriori_counts(a)[1], 1); /* {0, 5} */
    cr_assert_eq(crm_apriori_select(a), CRM_OK);
    crm_rule *r;
    size_t nr;
    cr_assert_eq(crm_apriori_rules(a, NAN, 0.0, &r, &nr), CRM_EINVAL);
    cr_assert_eq(crm_apriori_recommend(NULL, 1, NULL, 0, 0, NULL, NULL, &nr),
                 CRM_EINVAL);
    crm_apriori_destroy(a);
    cr_assert_eq(crm_apriori_create(cnt, 6, 3, 1, 0, 0, &a), CRM_OK);
    cr_assert_eq(crm_apriori_prepare(a, &b), CRM_OK);
    cr_assert_eq(crm_apriori_prepare(a, &b), CRM_EINVAL); /* twice */
    crm_apriori_destroy(a);
    crm_apriori_destroy(NULL);
    crm_apriori_rules_free(NULL, 0);
}
