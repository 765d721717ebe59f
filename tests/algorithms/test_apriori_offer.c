/* tests/algorithms/test_apriori_offer.c — the rule index
 * (crm_apriori_offers) against the plain scan crm_apriori_recommend, which
 * test_apriori_api.c checks against a brute-force scorer: random rule sets
 * with tied scores, odd antecedents (unsorted, repeated, empty), customers
 * owning none, some or all items, mined rules, many threads at once, and
 * every status the index calls return. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/apriori/apriori.h"
#include "ref/ref_comm.h"
#include "test_apriori_util.h"

#define MAX_TOP 10

typedef struct rule_set {
    size_t n;
    crm_rule *r;
    int32_t *pool; /* every rule's lhs then rhs */
} rule_set;

/* k distinct items of 0..nitems-1 into x, ascending. */
static void pick(uint64_t *seed, size_t nitems, size_t k, int32_t *x)
{
    size_t m = 0;
    for (size_t i = 0; i < nitems && m < k; i++)
        if (ref_rand(seed) % (nitems - i) < k - m)
            x[m++] = (int32_t)i;
}

/* n rules over nitems >= 6 items: lhs of 0..3 items (empty now and then),
 * rhs of 1..3 items, disjoint; scores from a few round confidences and
 * lifts, so that many tie (0.5 x 2 == 1 x 1). Antecedents come in any
 * order and some repeat an item: the index must take them in its stride. */
static rule_set random_rules(uint64_t *seed, size_t n, size_t nitems)
{
    static const double conf[] = {0.25, 0.5, 0.75, 1.0}, lift[] = {1, 2, 4};
    rule_set s = {.n = n, .r = calloc(n + 1, sizeof(crm_rule)),
                  .pool = calloc(6 * n + 1, sizeof(int32_t))};
    cr_assert(s.r != NULL && s.pool != NULL);
    for (size_t k = 0; k < n; k++) {
        int32_t z[6], *x = s.pool + 6 * k;
        const size_t nl = ref_rand(seed) % 16 == 0 ? 0 : 1 + ref_rand(seed) % 3;
        const size_t nr = 1 + ref_rand(seed) % 3;
        pick(seed, nitems, nl + nr, z);
        for (size_t j = nl + nr; j > 1; j--) { /* which items go left */
            const size_t i = (size_t)(ref_rand(seed) % j);
            const int32_t t = z[j - 1];
            z[j - 1] = z[i];
            z[i] = t;
        }
        memcpy(x, z, (nl + nr) * sizeof *z);
        if (nl == 2 && ref_rand(seed) % 8 == 0)
            x[1] = x[0]; /* a repeated antecedent item */
        s.r[k] = (crm_rule){.lhs = x, .nlhs = nl, .rhs = x + nl, .nrhs = nr,
                            .confidence = conf[ref_rand(seed) % 4],
                            .lift = lift[ref_rand(seed) % 3]};
    }
    return s;
}

/* A customer: none, all, or a random share of the items, ascending. */
static size_t random_owned(uint64_t *seed, size_t nitems, int32_t *own)
{
    const uint64_t kind = ref_rand(seed) % 8;
    const uint64_t share = 1 + ref_rand(seed) % 6;
    size_t n = 0;
    for (size_t i = 0; kind != 0 && i < nitems; i++)
        if (kind == 1 || ref_rand(seed) % share == 0)
            own[n++] = (int32_t)i;
    return n;
}

/* The index's answer equals the plain scan's, bit for bit; returns nout. */
static size_t assert_same_offers(const crm_apriori_offers *ix,
                                 const crm_rule *r, size_t nr,
                                 const int32_t *own, size_t nown, size_t top)
{
    int32_t it[MAX_TOP], eit[MAX_TOP];
    double sc[MAX_TOP], esc[MAX_TOP];
    size_t n = 99, en = 99;
    cr_assert_eq(crm_apriori_recommend(r, nr, own, nown, top, eit, esc, &en),
                 CRM_OK);
    cr_assert_eq(crm_apriori_offers_recommend(ix, own, nown, top, it, sc, &n),
                 CRM_OK);
    cr_assert_eq(n, en, "nout %zu, plain scan %zu (top %zu, owned %zu)", n,
                 en, top, nown);
    cr_assert_arr_eq(it, eit, n * sizeof *it);
    cr_assert_arr_eq(sc, esc, n * sizeof *sc);
    return n;
}

Test(apriori_offer, equals_plain_scan_on_random_rules)
{
    uint64_t seed = 11;
    size_t full = 0, ties = 0;
    for (int set = 0; set < 60; set++) {
        const size_t nitems = (size_t)ref_rand_range(&seed, 6, 40);
        const size_t nr = (size_t)ref_rand_range(&seed, 0, 300);
        rule_set s = random_rules(&seed, nr, nitems);
        crm_apriori_offers *ix = NULL;
        cr_assert_eq(crm_apriori_offers_create(s.r, nr, nitems, &ix), CRM_OK);
        for (int c = 0; c < 100; c++) {
            int32_t own[40];
            const size_t nown = random_owned(&seed, nitems, own);
            const size_t top = (size_t)ref_rand_range(&seed, 0, MAX_TOP);
            const size_t n = assert_same_offers(ix, s.r, nr, own, nown, top);
            full += n == top && top > 0;
            int32_t it[MAX_TOP];
            double sc[MAX_TOP];
            size_t m;
            crm_apriori_recommend(s.r, nr, own, nown, MAX_TOP, it, sc, &m);
            for (size_t j = 1; j < m; j++)
                ties += sc[j] == sc[j - 1];
        }
        crm_apriori_offers_destroy(ix);
        free(s.r);
        free(s.pool);
    }
    cr_assert(full > 1000 && ties > 1000, "full %zu, ties %zu", full, ties);
}

Test(apriori_offer, plain_scan_ignores_the_rule_order)
{
    uint64_t seed = 5;
    const size_t nitems = 20, nr = 200;
    rule_set s = random_rules(&seed, nr, nitems);
    crm_rule *rev = malloc(nr * sizeof *rev);
    for (size_t k = 0; k < nr; k++)
        rev[k] = s.r[nr - 1 - k];
    crm_apriori_offers *ix = NULL;
    cr_assert_eq(crm_apriori_offers_create(rev, nr, nitems, &ix), CRM_OK);
    for (int c = 0; c < 300; c++) {
        int32_t own[20];
        const size_t nown = random_owned(&seed, nitems, own);
        const size_t top = (size_t)ref_rand_range(&seed, 1, MAX_TOP);
        assert_same_offers(ix, s.r, nr, own, nown, top);
    }
    crm_apriori_offers_destroy(ix);
    free(rev);
    free(s.r);
    free(s.pool);
}

Test(apriori_offer, equals_plain_scan_on_mined_rules)
{
    uint64_t seed = 23;
    bdata d = {.nitems = 30};
    for (int b = 0; b < 4000; b++) {
        int32_t x[12];
        const size_t len = (size_t)ref_rand_range(&seed, 0, 12);
        for (size_t j = 0; j < len; j++) { /* skewed to low ids */
            const uint64_t u = ref_rand(&seed) % 30, v = ref_rand(&seed) % 30;
            x[j] = (int32_t)(u < v ? u : v);
        }
        bd_push(&d, x, len);
    }
    crm_apriori *a = mine_ranks(&d, 1, 40, 4, 0, 1, NULL, NULL);
    crm_rule *r;
    size_t nr, nonempty = 0;
    cr_assert_eq(crm_apriori_rules(a, 0.05, 0.0, &r, &nr), CRM_OK);
    cr_assert(nr > 200, "%zu rules", nr);
    crm_apriori_offers *ix = NULL;
    cr_assert_eq(crm_apriori_offers_create(r, nr, 30, &ix), CRM_OK);
    crm_apriori_rules_free(r, nr); /* the index keeps its own copy */
    cr_assert_eq(crm_apriori_rules(a, 0.05, 0.0, &r, &nr), CRM_OK);
    for (int c = 0; c < 500; c++) {
        int32_t own[30];
        const size_t nown = random_owned(&seed, 30, own);
        const size_t top = (size_t)ref_rand_range(&seed, 1, MAX_TOP);
        nonempty += assert_same_offers(ix, r, nr, own, nown, top) > 0;
    }
    cr_assert(nonempty > 250, "%zu", nonempty);
    crm_apriori_offers_destroy(ix);
    crm_apriori_rules_free(r, nr);
    crm_apriori_destroy(a);
    bd_free(&d);
}

Test(apriori_offer, owned_ids_beyond_the_items_are_allowed)
{
    uint64_t seed = 8;
    rule_set s = random_rules(&seed, 100, 10);
    crm_apriori_offers *ix = NULL;
    cr_assert_eq(crm_apriori_offers_create(s.r, s.n, 10, &ix), CRM_OK);
    const int32_t own[] = {-7, 0, 2, 3, 5, 10, 12, INT32_MAX};
    for (size_t lo = 0; lo < 3; lo++)
        for (size_t top = 1; top <= MAX_TOP; top++)
            assert_same_offers(ix, s.r, s.n, own + lo, 8 - 2 * lo, top);
    crm_apriori_offers_destroy(ix);
    free(s.r);
    free(s.pool);
}

Test(apriori_offer, identical_on_many_threads_at_once)
{
    uint64_t seed = 31;
    const size_t nitems = 25, ncust = 2000;
    rule_set s = random_rules(&seed, 400, nitems);
    crm_apriori_offers *ix = NULL;
    cr_assert_eq(crm_apriori_offers_create(s.r, s.n, nitems, &ix), CRM_OK);
    int32_t(*own)[25] = malloc(ncust * sizeof *own);
    size_t *nown = malloc(ncust * sizeof *nown), *n = calloc(ncust, sizeof *n);
    int32_t(*it)[MAX_TOP] = calloc(ncust, sizeof *it);
    double(*sc)[MAX_TOP] = calloc(ncust, sizeof *sc);
    for (size_t c = 0; c < ncust; c++)
        nown[c] = random_owned(&seed, nitems, own[c]);
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 7) num_threads(4) \
    reduction(| : failed)
    for (size_t c = 0; c < ncust; c++)
        failed |= crm_apriori_offers_recommend(ix, own[c], nown[c], MAX_TOP,
                                               it[c], sc[c], n + c) != CRM_OK;
    cr_assert_eq(failed, 0);
    for (size_t c = 0; c < ncust; c++) {
        int32_t eit[MAX_TOP];
        double esc[MAX_TOP];
        size_t en;
        crm_apriori_recommend(s.r, s.n, own[c], nown[c], MAX_TOP, eit, esc,
                              &en);
        cr_assert(n[c] == en && !memcmp(it[c], eit, en * sizeof *eit) &&
                  !memcmp(sc[c], esc, en * sizeof *esc), "customer %zu", c);
    }
    crm_apriori_offers_destroy(ix);
    free(own);
    free(nown);
    free(n);
    free(it);
    free(sc);
    free(s.r);
    free(s.pool);
}

Test(apriori_offer, empty_rule_set_offers_nothing)
{
    crm_apriori_offers *ix = NULL;
    const int32_t own[] = {0, 1, 3};
    int32_t it[3];
    double sc[3];
    size_t n = 9;
    for (size_t nitems = 0; nitems < 6; nitems += 5) {
        cr_assert_eq(crm_apriori_offers_create(NULL, 0, nitems, &ix), CRM_OK);
        cr_assert_eq(crm_apriori_offers_recommend(ix, own, 3, 3, it, sc, &n),
                     CRM_OK);
        cr_assert_eq(n, 0);
        n = 9;
        cr_assert_eq(crm_apriori_offers_recommend(ix, NULL, 0, 3, it, sc, &n),
                     CRM_OK);
        cr_assert_eq(n, 0);
        crm_apriori_offers_destroy(ix);
    }
    crm_apriori_offers_destroy(NULL);
}

Test(apriori_offer, rejects_bad_arguments)
{
    const int32_t lhs[] = {1}, rhs[] = {4}, big[] = {5}, neg[] = {-1};
    crm_rule r[2] = {{.lhs = lhs, .nlhs = 1, .rhs = rhs, .nrhs = 1,
                      .confidence = 0.5, .lift = 2.0}};
    crm_apriori_offers *ix = (crm_apriori_offers *)r; /* must stay */
    cr_assert_eq(crm_apriori_offers_create(NULL, 1, 5, &ix), CRM_EINVAL);
    cr_assert_eq(crm_apriori_offers_create(r, 1, 5, NULL), CRM_EINVAL);
    r[1] = (crm_rule){.lhs = big, .nlhs = 1, .rhs = rhs, .nrhs = 1};
    cr_assert_eq(crm_apriori_offers_create(r, 2, 5, &ix), CRM_EINVAL);
    r[1] = (crm_rule){.lhs = lhs, .nlhs = 1, .rhs = neg, .nrhs = 1};
    cr_assert_eq(crm_apriori_offers_create(r, 2, 5, &ix), CRM_EINVAL);
    r[1] = (crm_rule){.lhs = NULL, .nlhs = 1, .rhs = rhs, .nrhs = 1};
    cr_assert_eq(crm_apriori_offers_create(r, 2, 5, &ix), CRM_EINVAL);
    cr_assert_eq(crm_apriori_offers_create(r, 1, SIZE_MAX, &ix), CRM_ENOMEM);
    cr_assert_eq(ix, (crm_apriori_offers *)r);

    cr_assert_eq(crm_apriori_offers_create(r, 1, 5, &ix), CRM_OK);
    const int32_t own[] = {1, 2}, unsorted[] = {2, 1}, twice[] = {1, 1};
    int32_t it[2];
    double sc[2];
    size_t n = 9;
    cr_assert_eq(crm_apriori_offers_recommend(NULL, own, 2, 2, it, sc, &n),
                 CRM_EINVAL);
    cr_assert_eq(crm_apriori_offers_recommend(ix, NULL, 2, 2, it, sc, &n),
                 CRM_EINVAL);
    cr_assert_eq(crm_apriori_offers_recommend(ix, own, 2, 2, it, sc, NULL),
                 CRM_EINVAL);
    cr_assert_eq(crm_apriori_offers_recommend(ix, own, 2, 2, NULL, sc, &n),
                 CRM_EINVAL);
    cr_assert_eq(crm_apriori_offers_recommend(ix, own, 2, 2, it, NULL, &n),
                 CRM_EINVAL);
    cr_assert_eq(crm_apriori_offers_recommend(ix, unsorted, 2, 2, it, sc, &n),
                 CRM_EINVAL);
    cr_assert_eq(crm_apriori_offers_recommend(ix, twice, 2, 2, it, sc, &n),
                 CRM_EINVAL);
    cr_assert_eq(n, 9);
    cr_assert_eq(crm_apriori_offers_recommend(ix, own, 2, 0, NULL, NULL, &n),
                 CRM_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(crm_apriori_offers_recommend(ix, own, 2, 2, it, sc, &n),
                 CRM_OK);
    cr_assert(n == 1 && it[0] == 4 && sc[0] == 1.0);
    crm_apriori_offers_destroy(ix);
}
