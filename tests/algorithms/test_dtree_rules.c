/* tests/algorithms/test_dtree_rules.c — the simplified rules text: exact
 * strings of hand-built trees with repeated splits on a feature (intervals,
 * intersected category sets, missing values along the path), and a property
 * test on grown trees that parses every rule back and checks that a row
 * satisfies its own leaf's rule and no other leaf's (crm_dtree_predict being
 * the independent judge of where a row goes). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/dtree/dtree.h"
#include "ref/ref_comm.h"

/* A split on feature sending rows to left and right. */
static crm_dtree_node split(int32_t feature, int32_t left, int32_t right,
                            int32_t parent, uint8_t threshold)
{
    return (crm_dtree_node){.feature = feature, .left = left, .right = right,
                            .parent = parent, .threshold = threshold};
}

static crm_dtree_node leaf(int32_t parent, int64_t n0, int64_t n1, double p)
{
    return (crm_dtree_node){.feature = -1, .left = -1, .right = -1,
                            .parent = parent, .count = {n0, n1}, .prob = p};
}

static const char *rule(const crm_dtree_model *m, const crm_dtree_names *nm,
                        int32_t id)
{
    static char buf[1024];
    size_t len = 0;
    cr_assert_eq(crm_dtree_rule_text(m, nm, id, buf, sizeof buf, &len), CRM_OK,
                 "leaf %d", id);
    cr_assert_eq(len, strlen(buf));
    return buf;
}

/* ---- the Telco path: categories intersected ----------------------------
 * 0 Contract {M2M} | 1 InternetService {DSL, No} | 3 tenure <= 3.5 |
 * 5 InternetService {DSL, Fiber optic} | 7 SeniorCitizen <= 0.5, each
 * split's left child next to it (leaves 2, 4, 6, 8, 9, 10). */
static crm_dtree_node telco_nodes[11];
static uint8_t telco_nbins[4] = {3, 3, 4, 2}, telco_cat[4] = {1, 1, 0, 0};
static double telco_imp[4];
static const double tenure_e[] = {3.5, 10.5, 40}, senior_e[] = {0.5};
static const double *const telco_edges[] = {NULL, NULL, tenure_e, senior_e};
static const char *const contract[] = {"Month-to-month", "One year",
                                       "Two year"};
static const char *const internet[] = {"DSL", "Fiber optic", "No"};
static const char *const *const telco_cats[] = {contract, internet, NULL,
                                                NULL};
static const char *const telco_fn[] = {"Contract", "InternetService",
                                       "tenure", "SeniorCitizen"};
static const crm_dtree_names telco_names = {.target = "Churn",
                                            .feature = telco_fn,
                                            .edges = telco_edges,
                                            .category = telco_cats};

static crm_dtree_model telco_tree(void)
{
    telco_nodes[0] = split(0, 1, 2, -1, 0);
    telco_nodes[0].cats[0] = 1; /* {Month-to-month} */
    telco_nodes[1] = split(1, 3, 4, 0, 0);
    telco_nodes[1].cats[0] = 5;                 /* {DSL, No} */
    telco_nodes[1].cats[3] = UINT64_C(1) << 60; /* code 252: not real */
    telco_nodes[3] = split(2, 5, 6, 1, 0);      /* tenure <= 3.5 */
    telco_nodes[5] = split(1, 7, 8, 3, 0);
    telco_nodes[5].cats[0] = 3;                 /* {DSL, Fiber optic} */
    telco_nodes[7] = split(3, 9, 10, 5, 0);     /* SeniorCitizen <= 0.5 */
    telco_nodes[0].categorical = 1;
    telco_nodes[1].categorical = telco_nodes[5].categorical = 1;
    telco_nodes[2] = leaf(0, 900, 100, 0.1);
    telco_nodes[4] = leaf(1, 300, 200, 0.4);
    telco_nodes[6] = leaf(3, 1500, 500, 0.25);
    telco_nodes[8] = leaf(5, 30, 10, 0.25);
    telco_nodes[9] = leaf(7, 60, 40, 0.4);
    telco_nodes[10] = leaf(7, 9, 27, 0.7632);
    return (crm_dtree_model){.nnodes = 11, .nodes = telco_nodes, .d = 4,
                             .nbins = telco_nbins,
                             .categorical = telco_cat,
                             .importance = telco_imp};
}

Test(dtree_rules, telco_path_keeps_one_condition_per_feature)
{
    const crm_dtree_model m = telco_tree();
    cr_assert_str_eq(rule(&m, &telco_names, 10),
                     "IF Contract = Month-to-month AND InternetService = DSL "
                     "AND tenure <= 3.5 AND SeniorCitizen > 0.5 THEN Churn "
                     "0.76 (n = 36)");
    cr_assert_str_eq(rule(&m, &telco_names, 9),
                     "IF Contract = Month-to-month AND InternetService = DSL "
                     "AND tenure <= 3.5 AND SeniorCitizen <= 0.5 THEN Churn "
                     "0.40 (n = 100)");
    /* {DSL, No} minus {DSL, Fiber optic} */
    cr_assert_str_eq(rule(&m, &telco_names, 8),
                     "IF Contract = Month-to-month AND InternetService = No "
                     "AND tenure <= 3.5 THEN Churn 0.25 (n = 40)");
    cr_assert_str_eq(rule(&m, &telco_names, 4),
                     "IF Contract = Month-to-month AND InternetService = "
                     "Fiber optic THEN Churn 0.40 (n = 500)");
}

Test(dtree_rules, whole_text_lists_leaves_in_node_order)
{
    const crm_dtree_model m = telco_tree();
    static const char want[] =
        "IF Contract IN {One year, Two year} THEN Churn 0.10 (n = 1,000)\n"
        "IF Contract = Month-to-month AND InternetService = Fiber optic "
        "THEN Churn 0.40 (n = 500)\n"
        "IF Contract = Month-to-month AND InternetService IN {DSL, No} AND "
        "tenure > 3.5 THEN Churn 0.25 (n = 2,000)\n"
        "IF Contract = Month-to-month AND InternetService = No AND "
        "tenure <= 3.5 THEN Churn 0.25 (n = 40)\n"
        "IF Contract = Month-to-month AND InternetService = DSL AND "
        "tenure <= 3.5 AND SeniorCitizen <= 0.5 THEN Churn 0.40 (n = 100)\n"
        "IF Contract = Month-to-month AND InternetService = DSL AND "
        "tenure <= 3.5 AND SeniorCitizen > 0.5 THEN Churn 0.76 (n = 36)\n";
    char buf[2048];
    size_t len = 0;
    cr_assert_eq(crm_dtree_rules_text(&m, &telco_names, buf, sizeof buf,
                                      &len),
                 CRM_OK);
    cr_assert_str_eq(buf, want);
    cr_assert_eq(crm_dtree_rules_text(&m, &telco_names, NULL, 0, &len),
                 CRM_OK);
    cr_assert_eq(len, strlen(want));
    cr_assert_eq(crm_dtree_rules_text(&m, &telco_names, buf, 100, &len),
                 CRM_ERANGE);
    cr_assert_eq(len, strlen(want));
    cr_assert_eq(strncmp(buf, want, 99), 0);
    cr_assert_eq(buf[99], '\0');
}

Test(dtree_rules, category_missing_needs_every_split)
{
    const crm_dtree_model m = telco_tree();
    telco_nodes[1].missing_left = 1;
    telco_nodes[1].missing_seen = 1;
    telco_nodes[5].missing_left = 1; /* not seen here, seen at node 1 */
    cr_assert_str_eq(rule(&m, &telco_names, 10),
                     "IF Contract = Month-to-month AND (InternetService = DSL "
                     "OR InternetService is missing) AND tenure <= 3.5 AND "
                     "SeniorCitizen > 0.5 THEN Churn 0.76 (n = 36)");
    cr_assert_str_eq(rule(&m, &telco_names, 8),
                     "IF Contract = Month-to-month AND InternetService = No "
                     "AND tenure <= 3.5 THEN Churn 0.25 (n = 40)");
    telco_nodes[5].missing_left = 0;
    cr_assert_str_eq(rule(&m, &telco_names, 10),
                     "IF Contract = Month-to-month AND InternetService = DSL "
                     "AND tenure <= 3.5 AND SeniorCitizen > 0.5 THEN Churn "
                     "0.76 (n = 36)");
    cr_assert_str_eq(rule(&m, &telco_names, 8),
                     "IF Contract = Month-to-month AND (InternetService = No "
                     "OR InternetService is missing) AND tenure <= 3.5 THEN "
                     "Churn 0.25 (n = 40)");
    telco_nodes[1].missing_seen = 0; /* routed, but seen nowhere */
    cr_assert_str_eq(rule(&m, &telco_names, 8),
                     "IF Contract = Month-to-month AND InternetService = No "
                     "AND tenure <= 3.5 THEN Churn 0.25 (n = 40)");
}

Test(dtree_rules, disjoint_categories_leave_missing_or_nothing)
{
    const crm_dtree_model m = telco_tree();
    telco_nodes[5].cats[0] = 2; /* {Fiber optic}: none of {DSL, No} */
    telco_nodes[1].missing_left = telco_nodes[5].missing_left = 1;
    telco_nodes[5].missing_seen = 1;
    cr_assert_str_eq(rule(&m, &telco_names, 10),
                     "IF Contract = Month-to-month AND InternetService is "
                     "missing AND tenure <= 3.5 AND SeniorCitizen > 0.5 THEN "
                     "Churn 0.76 (n = 36)");
    telco_nodes[1].missing_left = 0;
    cr_assert_str_eq(rule(&m, &telco_names, 10),
                     "IF Contract = Month-to-month AND InternetService IN {} "
                     "AND tenure <= 3.5 AND SeniorCitizen > 0.5 THEN Churn "
                     "0.76 (n = 36)");
    /* right of node 5 now keeps {DSL, No} */
    cr_assert_str_eq(rule(&m, &telco_names, 8),
                     "IF Contract = Month-to-month AND InternetService IN "
                     "{DSL, No} AND tenure <= 3.5 THEN Churn 0.25 (n = 40)");
}

/* ---- recency: a numeric feature split three times ----------------------
 * edges 101 202 269 332 400: code 0 <= 101, 1 (101, 202], 2 (202, 269],
 * 3 (269, 332], 4 (332, 400], 5 > 400.
 * 0 recency <= 202 | 2 recency <= 269 | 4 frequency <= 1.5 |
 * 6 recency <= 332 (leaves 1, 3, 5, 7, 8). */
static crm_dtree_node rec_nodes[9];
static uint8_t rec_nbins[2] = {6, 2}, rec_cat[2] = {0, 0};
static double rec_imp[2];
static const double recency_e[] = {101, 202, 269, 332, 400},
                    freq_e[] = {1.5};
static const double *const rec_edges[] = {recency_e, freq_e};
static const char *const rec_fn[] = {"recency", "frequency"};
static const crm_dtree_names rec_names = {.target = "churn",
                                          .feature = rec_fn,
                                          .edges = rec_edges};

static crm_dtree_model recency_tree(void)
{
    rec_nodes[0] = split(0, 1, 2, -1, 1);
    rec_nodes[2] = split(0, 3, 4, 0, 2);
    rec_nodes[4] = split(1, 5, 6, 2, 0);
    rec_nodes[6] = split(0, 7, 8, 4, 3);
    rec_nodes[0].missing_seen = rec_nodes[2].missing_seen = 1;
    rec_nodes[6].missing_seen = 1;
    rec_nodes[4].missing_left = rec_nodes[6].missing_left = 1;
    rec_nodes[1] = leaf(0, 700, 50, 0.07);
    rec_nodes[3] = leaf(2, 300, 40, 0.12);
    rec_nodes[5] = leaf(4, 80, 20, 0.2);
    rec_nodes[7] = leaf(6, 30, 30, 0.5);
    rec_nodes[8] = leaf(6, 13, 177, 0.9316);
    return (crm_dtree_model){.nnodes = 9, .nodes = rec_nodes, .d = 2,
                             .nbins = rec_nbins, .categorical = rec_cat,
                             .importance = rec_imp};
}

Test(dtree_rules, numeric_bounds_are_the_tightest)
{
    const crm_dtree_model m = recency_tree();
    /* missing went left at the last recency split */
    cr_assert_str_eq(rule(&m, &rec_names, 8),
                     "IF recency > 332 AND frequency > 1.5 THEN churn 0.93 "
                     "(n = 190)");
    cr_assert_str_eq(rule(&m, &rec_names, 7),
                     "IF (269 < recency <= 332 OR recency is missing) AND "
                     "frequency > 1.5 THEN churn 0.50 (n = 60)");
    cr_assert_str_eq(rule(&m, &rec_names, 5),
                     "IF (recency > 269 OR recency is missing) AND "
                     "frequency <= 1.5 THEN churn 0.20 (n = 100)");
    cr_assert_str_eq(rule(&m, &rec_names, 3),
                     "IF 202 < recency <= 269 THEN churn 0.12 (n = 340)");
    cr_assert_str_eq(rule(&m, &rec_names, 1),
                     "IF recency <= 202 THEN churn 0.07 (n = 750)");
    rec_nodes[2].threshold = 0; /* a looser lower bound under the root */
    cr_assert_str_eq(rule(&m, &rec_names, 5),
                     "IF (recency > 202 OR recency is missing) AND "
                     "frequency <= 1.5 THEN churn 0.20 (n = 100)");
    cr_assert_str_eq(rule(&m, &rec_names, 3),
                     "IF recency IN {} THEN churn 0.12 (n = 340)");
}

Test(dtree_rules, numeric_missing_shown_when_all_route_and_one_saw)
{
    const crm_dtree_model m = recency_tree();
    rec_nodes[6].missing_left = 0;
    cr_assert_str_eq(rule(&m, &rec_names, 8),
                     "IF (recency > 332 OR recency is missing) AND "
                     "frequency > 1.5 THEN churn 0.93 (n = 190)");
    cr_assert_str_eq(rule(&m, &rec_names, 7),
                     "IF 269 < recency <= 332 AND frequency > 1.5 THEN churn "
                     "0.50 (n = 60)");
    rec_nodes[0].missing_seen = rec_nodes[2].missing_seen = 0;
    rec_nodes[6].missing_seen = 0;
    cr_assert_str_eq(rule(&m, &rec_names, 8),
                     "IF recency > 332 AND frequency > 1.5 THEN churn 0.93 "
                     "(n = 190)");
    rec_nodes[2].missing_seen = 1;
    cr_assert_str_eq(rule(&m, &rec_names, 8),
                     "IF (recency > 332 OR recency is missing) AND "
                     "frequency > 1.5 THEN churn 0.93 (n = 190)");
    rec_nodes[4].missing_left = 0;
    rec_nodes[4].missing_seen = 1;
    cr_assert_str_eq(rule(&m, &rec_names, 8),
                     "IF (recency > 332 OR recency is missing) AND "
                     "(frequency > 1.5 OR frequency is missing) THEN churn "
                     "0.93 (n = 190)");
}

Test(dtree_rules, missing_only_splits_and_empty_intervals)
{
    const crm_dtree_model m = recency_tree();
    /* node 2: every value left, missing right (threshold = nbins - 1) */
    rec_nodes[2].threshold = 5;
    cr_assert_str_eq(rule(&m, &rec_names, 3),
                     "IF recency > 202 THEN churn 0.12 (n = 340)");
    cr_assert_str_eq(rule(&m, &rec_names, 5),
                     "IF recency is missing AND frequency <= 1.5 THEN churn "
                     "0.20 (n = 100)");
    rec_nodes[0].threshold = 5; /* the root alone: "is not missing" */
    rec_nodes[2] = leaf(0, 1, 2, 0.4);
    cr_assert_str_eq(rule(&m, &rec_names, 1),
                     "IF recency is not missing THEN churn 0.07 (n = 750)");
    cr_assert_str_eq(rule(&m, &rec_names, 2),
                     "IF recency is missing THEN churn 0.40 (n = 3)");
}

Test(dtree_rules, contradictory_bounds_leave_missing_or_nothing)
{
    const crm_dtree_model m = recency_tree();
    /* recency <= 202, then recency <= 269 again under it */
    rec_nodes[1] = split(0, 3, 4, 0, 2);
    rec_nodes[3] = leaf(1, 1, 1, 0.5);
    rec_nodes[4] = leaf(1, 1, 1, 0.5);
    cr_assert_str_eq(rule(&m, &rec_names, 3),
                     "IF recency <= 202 THEN churn 0.50 (n = 2)");
    cr_assert_str_eq(rule(&m, &rec_names, 4),
                     "IF recency IN {} THEN churn 0.50 (n = 2)");
    rec_nodes[0].missing_left = 1;
    cr_assert_str_eq(rule(&m, &rec_names, 4),
                     "IF recency is missing THEN churn 0.50 (n = 2)");
    rec_nodes[1].threshold = 0; /* a tighter upper bound under the root */
    cr_assert_str_eq(rule(&m, &rec_names, 3),
                     "IF recency <= 101 THEN churn 0.50 (n = 2)");
    cr_assert_str_eq(rule(&m, &rec_names, 4),
                     "IF (101 < recency <= 202 OR recency is missing) THEN "
                     "churn 0.50 (n = 2)");
}

Test(dtree_rules, malformed_paths_are_rejected)
{
    crm_dtree_model m = telco_tree();
    char buf[64];
    size_t len;
    telco_nodes[5].categorical = 0; /* numeric split of a categorical */
    cr_assert_eq(crm_dtree_rule_text(&m, &telco_names, 10, buf, sizeof buf,
                                     &len),
                 CRM_EINVAL);
    cr_assert_eq(crm_dtree_rules_text(&m, &telco_names, buf, sizeof buf,
                                      &len),
                 CRM_EINVAL);
    m = telco_tree();
    telco_nodes[10].parent = 2; /* a leaf above a leaf */
    cr_assert_eq(crm_dtree_rule_text(&m, &telco_names, 10, buf, sizeof buf,
                                     &len),
                 CRM_EINVAL);
}

/* ---- property: grown trees, rules parsed back ---------------------------
 * Every rule is parsed from its text (not re-derived from the path) and
 * evaluated on a row's values; crm_dtree_predict says where the row goes.
 * A numeric code b stands for the value edges[b] (the top of its bin, so
 * "x <= e" is tested at its boundary), the last code for the top edge + 1.
 * Training rows must satisfy exactly their own leaf's rule: a training row
 * with a missing value passed every split on that feature, so each of them
 * saw missing values and the rule shows them. Fresh rows without missing
 * values must too; fresh rows with missing values may satisfy no rule (a
 * split that never saw missing values hides them) but never a wrong one. */
#define PD 4
#define MAXCOND 32

static const uint8_t p_nbins[PD] = {30, 12, 6, 5}, p_cat[PD] = {0, 0, 1, 1};
static double p_edges[2][29];
static const char *const p_fn[PD] = {"f0", "f1", "f2", "f3"};
static const char *const p_catname[] = {"c0", "c1", "c2", "c3", "c4", "c5"};

static double code_value(size_t j, uint8_t b)
{
    return b + 1 < p_nbins[j] ? p_edges[j][b] : p_edges[j][b - 1] + 1;
}

/* One parsed condition: feature j accepts missing, and either the values
 * in (lo, hi] (numeric) or the categories in set. */
typedef struct pcond {
    size_t j;
    int missing, values; /* values 0: no value passes */
    double lo, hi;
    unsigned set;
} pcond;

static size_t feature_of(const char *s, size_t len)
{
    for (size_t j = 0; j < PD; j++)
        if (strlen(p_fn[j]) == len && strncmp(s, p_fn[j], len) == 0)
            return j;
    cr_assert_fail("unknown feature in \"%.*s\"", (int)len, s);
    return 0;
}

static unsigned parse_set(const char *s)
{
    unsigned set = 0;
    while (*s && *s != '}') {
        int c = -1, used = 0;
        cr_assert_eq(sscanf(s, "c%d%n", &c, &used), 1, "set at \"%s\"", s);
        set |= 1u << c;
        s += used;
        s += strncmp(s, ", ", 2) == 0 ? 2 : 0;
    }
    return set;
}

/* One condition (its text s[0..len)) without the "(... OR x is missing)". */
static pcond parse_values(const char *s, size_t len)
{
    char t[256];
    cr_assert_lt(len, sizeof t);
    memcpy(t, s, len);
    t[len] = '\0';
    pcond c = {.values = 1, .lo = -INFINITY, .hi = INFINITY};
    char *sp = strchr(t, ' ');
    cr_assert_not_null(sp, "condition \"%s\"", t);
    if (t[0] != 'f') { /* "a < f <= b" */
        char *f = strstr(t, " < ") + 3;
        c.lo = strtod(t, NULL);
        c.j = feature_of(f, (size_t)(strchr(f, ' ') - f));
        c.hi = strtod(strstr(f, " <= ") + 4, NULL);
        return c;
    }
    c.j = feature_of(t, (size_t)(sp - t));
    if (strcmp(sp, " is missing") == 0)
        c = (pcond){.j = c.j, .missing = 1};
    else if (strncmp(sp, " <= ", 4) == 0)
        c.hi = strtod(sp + 4, NULL);
    else if (strncmp(sp, " > ", 3) == 0)
        c.lo = strtod(sp + 3, NULL);
    else if (strncmp(sp, " = ", 3) == 0)
        c.set = parse_set(sp + 3);
    else if (strncmp(sp, " IN {", 5) == 0)
        c.values = (c.set = parse_set(sp + 5)) != 0;
    else
        cr_assert_str_eq(sp, " is not missing");
    return c;
}

static pcond parse_cond(const char *s, size_t len)
{
    static const char tail[] = " is missing)";
    const size_t nt = sizeof tail - 1;
    if (s[0] != '(')
        return parse_values(s, len);
    cr_assert(len > nt && strncmp(s + len - nt, tail, nt) == 0);
    const char *or = strstr(s, " OR ");
    cr_assert(or && or < s + len);
    pcond c = parse_values(s + 1, (size_t)(or - s - 1));
    cr_assert_eq(feature_of(or + 4, (size_t)(s + len - nt - or - 4)), c.j);
    c.missing = 1;
    return c;
}

/* The conditions of rule text r; returns their number. */
static size_t parse_rule(const char *r, pcond *c)
{
    cr_assert_eq(strncmp(r, "IF ", 3), 0);
    const char *s = r + 3, *end = strstr(s, " THEN ");
    cr_assert_not_null(end);
    if (strncmp(s, "TRUE THEN", 9) == 0)
        return 0;
    size_t k = 0;
    for (;;) {
        const char *and = strstr(s, " AND ");
        const char *stop = and && and < end ? and : end;
        cr_assert_lt(k, MAXCOND);
        c[k++] = parse_cond(s, (size_t)(stop - s));
        if (stop == end)
            return k;
        s = stop + 5;
    }
}

static int satisfies(const pcond *c, size_t k, const uint8_t *bins,
                     size_t n, size_t i)
{
    for (size_t q = 0; q < k; q++) {
        const size_t j = c[q].j;
        const uint8_t b = bins[j * n + i];
        int ok;
        if (b == CRM_DTREE_MISSING)
            ok = c[q].missing;
        else if (!c[q].values)
            ok = 0;
        else if (p_cat[j])
            ok = c[q].set ? (int)((c[q].set >> b) & 1u) : 1;
        else
            ok = code_value(j, b) > c[q].lo && code_value(j, b) <= c[q].hi;
        if (!ok)
            return 0;
    }
    return 1;
}

/* Random codes, missing with probability miss_pct %; the label is a band
 * of f0 (so f0 is split from both sides) XOR a set of f2, with 10% noise. */
static void gen_rows(uint64_t *seed, size_t n, int miss_pct, uint8_t *bins,
                     uint8_t *labels)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < PD; j++) {
            const int64_t b = ref_rand_range(seed, 0, p_nbins[j] - 1);
            const int miss = ref_rand_range(seed, 0, 99) < miss_pct;
            bins[j * n + i] = miss ? CRM_DTREE_MISSING : (uint8_t)b;
        }
        const uint8_t a = bins[i], c = bins[2 * n + i];
        const int band = a != CRM_DTREE_MISSING && a >= 8 && a <= 20;
        const int set = c == 1 || c == 3 || c == 4;
        if (labels)
            labels[i] = (uint8_t)((band != set) !=
                                  (ref_rand_range(seed, 0, 9) == 0));
    }
}

static crm_dtree_model *grow(const uint8_t *bins, const uint8_t *labels,
                             size_t n, const crm_dtree_params *p)
{
    crm_dtree_grower *g = NULL;
    cr_assert_eq(crm_dtree_grower_create(p, PD, p_nbins, p_cat, &g), CRM_OK);
    int32_t *node = malloc(n * sizeof *node);
    crm_dtree_rows_init(node, n);
    while (!crm_dtree_done(g)) {
        int64_t *h = malloc(crm_dtree_hist_len(g) * sizeof *h);
        cr_assert_eq(crm_dtree_histograms(g, bins, labels, n, node, h),
                     CRM_OK);
        cr_assert_eq(crm_dtree_level_finish(g, h), CRM_OK);
        cr_assert_eq(crm_dtree_partition(g, bins, n, node), CRM_OK);
        free(h);
    }
    crm_dtree_model *m = NULL;
    cr_assert_eq(crm_dtree_model_create(g, &m), CRM_OK);
    crm_dtree_grower_destroy(g);
    free(node);
    return m;
}

/* Parses leaf id's rule into c and checks one condition per feature, in
 * the order of the features' first splits from the root; returns the
 * number of conditions, *splits the number of splits on the path. */
static size_t leaf_rule(const crm_dtree_model *m, const crm_dtree_names *nm,
                        int32_t id, pcond *c, size_t *splits)
{
    const size_t k = parse_rule(rule(m, nm, id), c);
    int32_t path[CRM_DTREE_MAX_DEPTH + 1];
    size_t len = 0, nf = 0, order[PD];
    for (int32_t v = m->nodes[id].parent; v >= 0; v = m->nodes[v].parent)
        path[len++] = v;
    for (size_t q = len; q-- > 0;) {
        const size_t j = (size_t)m->nodes[path[q]].feature;
        size_t r = 0;
        while (r < nf && order[r] != j)
            r++;
        if (r == nf)
            order[nf++] = j;
    }
    cr_assert_eq(k, nf, "leaf %d: %s", id, rule(m, nm, id));
    for (size_t q = 0; q < k; q++)
        cr_assert_eq(c[q].j, order[q], "leaf %d: %s", id, rule(m, nm, id));
    *splits = len;
    return k;
}

/* Row i of bins satisfies the rule of its own leaf (exact: 1) and of no
 * other leaf (exact 0: at most that). */
static void check_rows(const crm_dtree_model *m, pcond (*c)[MAXCOND],
                       const size_t *nc, const int32_t *leaves, size_t nl,
                       const uint8_t *bins, size_t n, int exact)
{
    int32_t *at = malloc(n * sizeof *at);
    cr_assert_eq(crm_dtree_predict(m, bins, n, NULL, at), CRM_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t l = 0; l < nl; l++) {
            const int sat = satisfies(c[l], nc[l], bins, n, i);
            if (leaves[l] == at[i])
                cr_assert(sat || !exact, "row %zu, own leaf %d", i, at[i]);
            else
                cr_assert(!sat, "row %zu of leaf %d meets leaf %d's rule",
                          i, at[i], leaves[l]);
        }
    free(at);
}

Test(dtree_rules, rows_meet_exactly_their_own_leafs_rule)
{
    enum { N = 3000, FRESH = 2000 };
    for (size_t b = 0; b < 29; b++) {
        p_edges[0][b] = 2.5 * (double)b + 0.25;
        p_edges[1][b] = 100 + 7.125 * (double)b;
    }
    const double *const edges[PD] = {p_edges[0], p_edges[1], NULL, NULL};
    const char *const *const cats[PD] = {NULL, NULL, p_catname, p_catname};
    const crm_dtree_names nm = {.target = "y", .feature = p_fn,
                                .edges = edges, .category = cats};
    uint8_t *bins = malloc(N * PD), *labels = malloc(N);
    uint8_t *fresh = malloc(FRESH * PD);
    pcond(*c)[MAXCOND] = malloc(2 * N * sizeof *c);
    size_t *nc = malloc(2 * N * sizeof *nc), merged = 0;
    int32_t *leaves = malloc(2 * N * sizeof *leaves);
    for (uint64_t s = 1; s <= 6; s++) {
        uint64_t seed = s;
        gen_rows(&seed, N, s % 3 == 0 ? 0 : 8, bins, labels);
        const crm_dtree_params p = {.max_depth = 9, .min_samples_leaf = 3,
                                    .criterion = (crm_dtree_criterion)(s & 1)};
        crm_dtree_model *m = grow(bins, labels, N, &p);
        size_t nl = 0;
        for (size_t id = 0; id < m->nnodes; id++) {
            if (m->nodes[id].left >= 0)
                continue;
            size_t splits = 0;
            leaves[nl] = (int32_t)id;
            nc[nl] = leaf_rule(m, &nm, (int32_t)id, c[nl], &splits);
            merged += nc[nl++] < splits;
        }
        cr_assert_gt(nl, 20, "seed %d: a tree too small to test",
                     (int)s);
        check_rows(m, c, nc, leaves, nl, bins, N, 1);
        gen_rows(&seed, FRESH, 0, fresh, NULL);
        check_rows(m, c, nc, leaves, nl, fresh, FRESH, 1);
        gen_rows(&seed, FRESH, 30, fresh, NULL);
        check_rows(m, c, nc, leaves, nl, fresh, FRESH, 0);
        crm_dtree_model_destroy(m);
    }
    cr_assert_gt(merged, 50, "too few paths with repeated features");
    free(leaves);
    free(nc);
    free(c);
    free(fresh);
    free(labels);
    free(bins);
}

/* Numbers print as the shortest text that reads back exactly: 100, not
 * 1e+02 (which also reads back); 0.1 and 1500.25 as written. */
Test(dtree_rules, numbers_are_shortest_exact_text)
{
    static const double round_e[] = {100, 1500.25, 0.1, 1e-300, 2e+20};
    static const double *const edges[] = {round_e, freq_e};
    const crm_dtree_names names = {.target = "churn", .feature = rec_fn,
                                   .edges = edges};
    static const char *const want[] = {"100", "1500.25", "0.1", "1e-300",
                                       "2e+20"};
    crm_dtree_model m = recency_tree();
    for (int b = 0; b < 5; b++) {
        rec_nodes[0].threshold = (uint8_t)b;
        char expect[96];
        snprintf(expect, sizeof expect,
                 "IF recency <= %s THEN churn 0.07 (n = 750)", want[b]);
        cr_assert_str_eq(rule(&m, &names, 1), expect);
    }
}
