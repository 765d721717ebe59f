/* tests/algorithms/test_rfm.c — RFM measures, scores and segments: against
 * the straightforward reference in ref/, invariants, the segment table as
 * the issue states it, crafted edge cases, and partition invariance (split
 * CSR, fake ranks, 1 vs 4 threads). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "algorithms/rfm/rfm.h"
#include "ref/ref_comm.h"
#include "ref/ref_rfm.h"

#define DAY 86400

/* Random customers: sorted times (repeats included), order keys that come
 * back non-adjacently, purchases, returns and zero lines. */
typedef struct txdata {
    size_t n, rows;
    int64_t *offset, *time, *order;
    double *amount;
} txdata;

static txdata gen_tx(uint64_t seed, size_t n, int64_t first_day)
{
    txdata d = {.n = n};
    d.offset = malloc((n + 1) * sizeof *d.offset);
    d.time = malloc(n * 12 * sizeof *d.time + 8);
    d.order = malloc(n * 12 * sizeof *d.order + 8);
    d.amount = malloc(n * 12 * sizeof *d.amount + 8);
    d.offset[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const int64_t k = ref_rand(&seed) % 10 == 0
                              ? 0
                              : ref_rand_range(&seed, 1, 12);
        int64_t t = (first_day + ref_rand_range(&seed, 0, 400)) * DAY +
                    ref_rand_range(&seed, 0, DAY - 1);
        for (int64_t r = 0; r < k; r++, d.rows++) {
            if (ref_rand(&seed) % 3 != 0)
                t += ref_rand_range(&seed, 0, 3 * DAY);
            d.time[d.rows] = t;
            d.order[d.rows] = ref_rand_range(&seed, 0, 5);
            const uint64_t kind = ref_rand(&seed) % 10;
            const double cents = (double)ref_rand_range(&seed, 1, 50000);
            d.amount[d.rows] = kind < 7 ? cents / 100 : kind < 9 ? -cents / 100
                                                                 : 0.0;
        }
        d.offset[i + 1] = (int64_t)d.rows;
    }
    return d;
}

static void free_tx(txdata *d)
{
    free(d->offset);
    free(d->time);
    free(d->order);
    free(d->amount);
}

static crm_rfm_tx view(const txdata *d, int amounts, int orders)
{
    return (crm_rfm_tx){.ncustomers = d->n, .offset = d->offset,
                        .time = d->time,
                        .amount = amounts ? d->amount : NULL,
                        .order = orders ? d->order : NULL};
}

/* Outputs of both steps for n customers. */
typedef struct rfm_out {
    int32_t *rec, *freq, *r, *f, *m, *seg;
    double *mon;
} rfm_out;

static rfm_out alloc_out(size_t n)
{
    const size_t k = n ? n : 1;
    return (rfm_out){malloc(k * 4), malloc(k * 4), malloc(k * 4),
                     malloc(k * 4), malloc(k * 4), malloc(k * 4),
                     malloc(k * 8)};
}

static void free_out(rfm_out *o)
{
    free(o->rec);
    free(o->freq);
    free(o->r);
    free(o->f);
    free(o->m);
    free(o->seg);
    free(o->mon);
}

static crm_status run_self(const crm_rfm_tx *tx, const crm_rfm_params *p,
                           rfm_out *o)
{
    const crm_comm c = crm_comm_self();
    crm_status rc = crm_rfm_measures(tx, p, o->rec, o->freq, o->mon);
    if (rc != CRM_OK)
        return rc;
    return crm_rfm_score(&c, tx->ncustomers, o->rec, o->freq, o->mon, p, o->r,
                         o->f, o->m, o->seg);
}

Test(rfm, measures_match_reference)
{
    txdata d = gen_tx(1, 3000, 15000);
    const int64_t last = crm_rfm_last_day(&(crm_rfm_tx){
        .ncustomers = d.n, .offset = d.offset, .time = d.time});
    const int64_t as_of[] = {last + 1, last, 15000 + 200};
    rfm_out o = alloc_out(d.n), w = alloc_out(d.n);
    for (int variant = 0; variant < 4; variant++) {
        const crm_rfm_tx tx = view(&d, variant & 1, variant & 2);
        for (int a = 0; a < 3; a++) {
            for (int mean = 0; mean < 2; mean++) {
                const crm_rfm_params p = {.as_of_day = as_of[a],
                                          .monetary_mean = mean};
                cr_assert_eq(crm_rfm_measures(&tx, &p, o.rec, o.freq, o.mon),
                             CRM_OK);
                ref_rfm_measures(&tx, as_of[a], mean, w.rec, w.freq, w.mon);
                cr_assert_arr_eq(o.rec, w.rec, d.n * 4);
                cr_assert_arr_eq(o.freq, w.freq, d.n * 4);
                cr_assert_arr_eq(o.mon, w.mon, d.n * 8);
            }
        }
    }
    free_out(&o);
    free_out(&w);
    free_tx(&d);
}

Test(rfm, scores_match_reference)
{
    txdata d = gen_tx(2, 4000, 15000);
    const int bins[] = {0, 2, 3, 4, 5, 7, 10, 20};
    rfm_out o = alloc_out(d.n), w = alloc_out(d.n);
    const char **names = malloc(d.n * sizeof *names);
    for (int variant = 0; variant < 4; variant++) {
        const crm_rfm_tx tx = view(&d, variant & 1, variant & 2);
        for (size_t b = 0; b < sizeof bins / sizeof *bins; b++) {
            const crm_rfm_params p = {.as_of_day = 15500, .bins = bins[b],
                                      .monetary_mean = variant == 3};
            cr_assert_eq(run_self(&tx, &p, &o), CRM_OK);
            ref_rfm_score(d.n, o.rec, o.freq, o.mon, bins[b] ? bins[b] : 5,
                          w.r, w.f, w.m, names);
            cr_assert_arr_eq(o.r, w.r, d.n * 4);
            cr_assert_arr_eq(o.f, w.f, d.n * 4);
            cr_assert_arr_eq(o.m, w.m, d.n * 4);
            for (size_t i = 0; i < d.n; i++)
                cr_assert_str_eq(crm_rfm_segment_name(o.seg[i]), names[i],
                                 "customer %zu bins %d", i, bins[b]);
        }
    }
    free(names);
    free_out(&o);
    free_out(&w);
    free_tx(&d);
}

Test(rfm, scores_stay_in_range_and_follow_the_measures)
{
    txdata d = gen_tx(3, 2500, 15000);
    const crm_rfm_tx tx = view(&d, 1, 1);
    rfm_out o = alloc_out(d.n);
    for (int bins = 2; bins <= 20; bins += 3) {
        const crm_rfm_params p = {.as_of_day = 15500, .bins = bins};
        cr_assert_eq(run_self(&tx, &p, &o), CRM_OK);
        for (size_t i = 0; i < d.n; i++) {
            if (o.freq[i] == 0) {
                cr_assert(o.r[i] == 0 && o.f[i] == 0 && o.m[i] == 0);
                cr_assert_eq(o.seg[i], CRM_RFM_NO_PURCHASES);
                continue;
            }
            cr_assert(o.r[i] >= 1 && o.r[i] <= bins);
            cr_assert(o.f[i] >= 1 && o.f[i] <= bins);
            cr_assert(o.m[i] >= 1 && o.m[i] <= bins);
            cr_assert(o.seg[i] >= 0 && o.seg[i] < CRM_RFM_NO_PURCHASES);
            for (size_t j = 0; j < d.n; j++) {
                if (o.freq[j] == 0)
                    continue;
                if (o.freq[i] > o.freq[j])
                    cr_assert_geq(o.f[i], o.f[j]);
                if (o.rec[i] < o.rec[j]) /* more recent */
                    cr_assert_geq(o.r[i], o.r[j]);
                if (o.mon[i] > o.mon[j])
                    cr_assert_geq(o.m[i], o.m[j]);
            }
        }
    }
    free_out(&o);
    free_tx(&d);
}

/* The segment map exactly as issue 2 states it, rows r5 = 5..1, columns
 * f5 = 1..5, written without looking at the code. */
static const char *const table[5][5] = {
    {"New Customers", "Potential Loyalists", "Potential Loyalists",
     "Champions", "Champions"},
    {"Promising", "Potential Loyalists", "Potential Loyalists",
     "Loyal Customers", "Loyal Customers"},
    {"About To Sleep", "About To Sleep", "Need Attention", "Loyal Customers",
     "Loyal Customers"},
    {"Hibernating", "Hibernating", "At Risk", "At Risk", "Cannot Lose Them"},
    {"Lost", "Hibernating", "At Risk", "At Risk", "Cannot Lose Them"}};

static const char *cell(int r5, int f5)
{
    return table[5 - r5][f5 - 1];
}

Test(rfm, segment_code_follows_the_table)
{
    for (int r = 1; r <= 5; r++)
        for (int f = 1; f <= 5; f++)
            cr_assert_str_eq(
                crm_rfm_segment_name(crm_rfm_segment_code(r, f, 5)),
                cell(r, f), "r%d f%d", r, f);
    /* s5 by hand from 1 + round((s-1)*4/(bins-1)), halves up */
    static const int to5[][11] = {
        {2, 1, 5},           {3, 1, 3, 5},          {4, 1, 2, 4, 5},
        {6, 1, 2, 3, 3, 4, 5}, {9, 1, 2, 2, 3, 3, 4, 4, 5, 5},
        {10, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}};
    for (size_t t = 0; t < sizeof to5 / sizeof *to5; t++) {
        const int bins = to5[t][0];
        for (int r = 1; r <= bins; r++)
            for (int f = 1; f <= bins; f++)
                cr_assert_str_eq(
                    crm_rfm_segment_name(crm_rfm_segment_code(r, f, bins)),
                    cell(to5[t][r], to5[t][f]), "bins %d r%d f%d", bins, r, f);
    }
    for (int bins = 2; bins <= 20; bins++)
        for (int r = 1; r <= bins; r++)
            for (int f = 1; f <= bins; f++)
                cr_assert_str_eq(
                    crm_rfm_segment_name(crm_rfm_segment_code(r, f, bins)),
                    ref_rfm_segment(r, f, bins));
    cr_assert_eq(crm_rfm_segment_code(0, 3, 5), CRM_RFM_NO_PURCHASES);
    cr_assert_eq(crm_rfm_segment_code(3, 0, 5), CRM_RFM_NO_PURCHASES);
    cr_assert_eq(crm_rfm_segment_code(6, 1, 5), -1);
    cr_assert_eq(crm_rfm_segment_code(1, -1, 5), -1);
    cr_assert_eq(crm_rfm_segment_code(1, 1, 1), -1);
    cr_assert_eq(crm_rfm_segment_code(1, 1, 21), -1);
    cr_assert_eq(crm_rfm_segment_code(5, 5, 0), CRM_RFM_CHAMPIONS);
}

Test(rfm, segment_names_are_fixed)
{
    static const char *const names[CRM_RFM_NSEGMENTS] = {
        "Champions",      "Loyal Customers", "Potential Loyalists",
        "New Customers",  "Promising",       "Need Attention",
        "About To Sleep", "At Risk",         "Cannot Lose Them",
        "Hibernating",    "Lost",            "No Purchases"};
    for (int32_t k = 0; k < CRM_RFM_NSEGMENTS; k++)
        cr_assert_str_eq(crm_rfm_segment_name(k), names[k]);
    cr_assert_str_eq(crm_rfm_segment_name(-1), "Unknown");
    cr_assert_str_eq(crm_rfm_segment_name(CRM_RFM_NSEGMENTS), "Unknown");
}

Test(rfm, every_cell_is_reached_through_score)
{
    /* customer (a, b): recency 10 * (6 - a), frequency b, for a, b in 1..5:
     * every value 5 times, so the 5-bin scores are exactly r = a, f = b */
    int32_t rec[25], freq[25], r[25], f[25], m[25], seg[25];
    double mon[25];
    for (int a = 1; a <= 5; a++) {
        for (int b = 1; b <= 5; b++) {
            const int i = (a - 1) * 5 + (b - 1);
            rec[i] = 10 * (6 - a);
            freq[i] = b;
            mon[i] = 100.0 * b;
        }
    }
    const crm_comm c = crm_comm_self();
    const crm_rfm_params p = {.as_of_day = 0, .bins = 5};
    cr_assert_eq(crm_rfm_score(&c, 25, rec, freq, mon, &p, r, f, m, seg),
                 CRM_OK);
    for (int i = 0; i < 25; i++) {
        cr_assert_eq(r[i], i / 5 + 1);
        cr_assert_eq(f[i], i % 5 + 1);
        cr_assert_eq(m[i], i % 5 + 1);
        cr_assert_str_eq(crm_rfm_segment_name(seg[i]), cell(r[i], f[i]));
    }
}

/* Crafted customers, days counted from D = 15000; as_of = D + 10. */
#define D INT64_C(15000)
#define AT(day, sec) ((D + (day)) * DAY + (sec))
static const int64_t edge_offset[] = {0, 0, 2, 7, 10, 13, 15, 16, 18};
static const int64_t edge_time[] = {
    AT(0, 5),   AT(1, 5),                                     /* 1 returns */
    AT(0, 5),   AT(1, 5), AT(2, 5), AT(3, 5), AT(4, 5),       /* 2 keys */
    AT(0, 100), AT(0, 200), AT(0, 300),                       /* 3 same day */
    AT(2, 5),   AT(2, 5), AT(5, 5),                           /* 4 net */
    AT(3, 5),   AT(20, 5),                                    /* 5 late */
    AT(1, 5),                                                 /* 6 zero */
    AT(6, 7),   AT(6, 7)};                                    /* 7 basket */
static const int64_t edge_order[] = {1, 2, 7, 8, 7, 9, 8, 1, 2, 3,
                                     5, 5, 6, 1, 2, 1, 4, 4};
static const double edge_amount[] = {-10, -5, 1, 2, 4, 8, 16, 1, 2, 3,
                                     10, -4, -1, 7, 100, 0, 3, 5};

static crm_rfm_tx edge_tx(int amounts, int orders)
{
    return (crm_rfm_tx){.ncustomers = 8, .offset = edge_offset,
                        .time = edge_time,
                        .amount = amounts ? edge_amount : NULL,
                        .order = orders ? edge_order : NULL};
}

Test(rfm, edge_cases_with_amounts_and_orders)
{
    const crm_rfm_tx tx = edge_tx(1, 1);
    const crm_rfm_params p = {.as_of_day = D + 10};
    rfm_out o = alloc_out(8);
    cr_assert_eq(run_self(&tx, &p, &o), CRM_OK);
    const int32_t rec[] = {-1, -1, 6, 10, 8, 7, -1, 4};
    const int32_t freq[] = {0, 0, 3, 3, 1, 1, 0, 1};
    const double mon[] = {0, -15, 31, 6, 5, 7, 0, 8};
    cr_assert_arr_eq(o.rec, rec, sizeof rec);
    cr_assert_arr_eq(o.freq, freq, sizeof freq);
    cr_assert_arr_eq(o.mon, mon, sizeof mon);
    for (int i = 0; i < 8; i++) {
        const int buys = freq[i] > 0;
        cr_assert_eq(o.seg[i] == CRM_RFM_NO_PURCHASES, !buys, "customer %d", i);
        cr_assert_eq(o.r[i] == 0, !buys);
        cr_assert_eq(o.f[i] == 0, !buys);
        cr_assert_eq(o.m[i] == 0, !buys);
    }
    const crm_rfm_params pm = {.as_of_day = D + 10, .monetary_mean = 1};
    cr_assert_eq(crm_rfm_measures(&tx, &pm, o.rec, o.freq, o.mon), CRM_OK);
    cr_assert(isnan(o.mon[0]) && isnan(o.mon[1]) && isnan(o.mon[6]));
    cr_assert_eq(o.mon[2], 31.0 / 3);
    cr_assert_eq(o.mon[4], 5.0);
    free_out(&o);
}

Test(rfm, edge_cases_without_amounts_or_orders)
{
    rfm_out o = alloc_out(8);
    const crm_rfm_params p = {.as_of_day = D + 10};
    /* no amounts: every line is a purchase, monetary NaN, m_score 0 */
    crm_rfm_tx tx = edge_tx(0, 1);
    cr_assert_eq(run_self(&tx, &p, &o), CRM_OK);
    const int32_t freq_a[] = {0, 2, 3, 3, 2, 1, 1, 1};
    const int32_t rec_a[] = {-1, 9, 6, 10, 5, 7, 9, 4};
    cr_assert_arr_eq(o.freq, freq_a, sizeof freq_a);
    cr_assert_arr_eq(o.rec, rec_a, sizeof rec_a);
    for (int i = 0; i < 8; i++) {
        cr_assert(isnan(o.mon[i]));
        cr_assert_eq(o.m[i], 0);
        cr_assert_eq(o.r[i] > 0, i > 0);
    }
    /* no orders: distinct purchase timestamps; the basket is one order */
    tx = edge_tx(1, 0);
    cr_assert_eq(run_self(&tx, &p, &o), CRM_OK);
    const int32_t freq_o[] = {0, 0, 5, 3, 1, 1, 0, 1};
    cr_assert_arr_eq(o.freq, freq_o, sizeof freq_o);
    free_out(&o);
}

Test(rfm, days_before_1970_floor_and_last_day)
{
    static const int64_t off[] = {0, 3, 3};
    static const int64_t t[] = {-86401, -86400, -1};
    static const double amt[] = {1, 2, 3};
    const crm_rfm_tx tx = {.ncustomers = 2, .offset = off, .time = t,
                           .amount = amt};
    cr_assert_eq(crm_rfm_last_day(&tx), -1);
    const crm_rfm_tx none = {.ncustomers = 2, .offset = (int64_t[]){0, 0, 0}};
    cr_assert_eq(crm_rfm_last_day(&none), INT64_MIN);
    cr_assert_eq(crm_rfm_last_day(NULL), INT64_MIN);
    int32_t rec[2], freq[2];
    double mon[2];
    const crm_rfm_params p = {.as_of_day = 0};
    cr_assert_eq(crm_rfm_measures(&tx, &p, rec, freq, mon), CRM_OK);
    cr_assert_eq(rec[0], 1);
    cr_assert_eq(freq[0], 3);
    const crm_rfm_params early = {.as_of_day = -2}; /* sees only -86401 */
    cr_assert_eq(crm_rfm_measures(&tx, &early, rec, freq, mon), CRM_OK);
    cr_assert_eq(rec[0], 0);
    cr_assert_eq(freq[0], 1);
    cr_assert_eq(mon[0], 1.0);
    cr_assert_eq(rec[1], -1);
}

Test(rfm, bad_arguments_are_refused)
{
    const crm_rfm_tx tx = edge_tx(1, 1);
    rfm_out o = alloc_out(8);
    const int bad_bins[] = {1, 21, -1};
    for (int b = 0; b < 3; b++) {
        const crm_rfm_params p = {.as_of_day = D, .bins = bad_bins[b]};
        cr_assert_eq(crm_rfm_measures(&tx, &p, o.rec, o.freq, o.mon),
                     CRM_EINVAL);
    }
    crm_rfm_params p = {.as_of_day = D, .monetary_mean = 2};
    cr_assert_eq(crm_rfm_measures(&tx, &p, o.rec, o.freq, o.mon), CRM_EINVAL);
    p = (crm_rfm_params){.as_of_day = INT64_C(1) << 47};
    cr_assert_eq(crm_rfm_measures(&tx, &p, o.rec, o.freq, o.mon), CRM_EINVAL);
    p = (crm_rfm_params){.as_of_day = D + 10};
    cr_assert_eq(crm_rfm_measures(&tx, NULL, o.rec, o.freq, o.mon),
                 CRM_EINVAL);
    cr_assert_eq(crm_rfm_measures(NULL, &p, o.rec, o.freq, o.mon), CRM_EINVAL);
    cr_assert_eq(crm_rfm_measures(&tx, &p, o.rec, NULL, o.mon), CRM_EINVAL);
    crm_rfm_tx broken = tx;
    broken.time = NULL;
    cr_assert_eq(crm_rfm_measures(&broken, &p, o.rec, o.freq, o.mon),
                 CRM_EINVAL);
    broken = tx;
    broken.offset = (const int64_t[]){0, 2, 1, 3, 4, 5, 6, 7, 8};
    cr_assert_eq(crm_rfm_measures(&broken, &p, o.rec, o.freq, o.mon),
                 CRM_EINVAL);
    broken.offset = NULL;
    cr_assert_eq(crm_rfm_measures(&broken, &p, o.rec, o.freq, o.mon),
                 CRM_EINVAL);
    const crm_rfm_tx empty = {.ncustomers = 0};
    cr_assert_eq(crm_rfm_measures(&empty, &p, NULL, NULL, NULL), CRM_OK);
    /* recency of 2^46 days does not fit int32 */
    p.as_of_day = INT64_C(1) << 46;
    cr_assert_eq(crm_rfm_measures(&tx, &p, o.rec, o.freq, o.mon), CRM_ERANGE);
    free_out(&o);
}

Test(rfm, bad_score_arguments_are_refused)
{
    const crm_comm c = crm_comm_self();
    int32_t rec[] = {3, -1}, freq[] = {1, 0}, r[2], f[2], m[2], seg[2] = {9, 9};
    double mon[] = {1, 0};
    const crm_rfm_params p = {.as_of_day = 0};
    const crm_rfm_params bad = {.as_of_day = 0, .bins = 21};
    cr_assert_eq(crm_rfm_score(&c, 2, rec, freq, mon, &bad, r, f, m, seg),
                 CRM_EINVAL);
    cr_assert_eq(crm_rfm_score(NULL, 2, rec, freq, mon, &p, r, f, m, seg),
                 CRM_EINVAL);
    cr_assert_eq(crm_rfm_score(&c, 2, rec, freq, mon, &p, r, f, NULL, seg),
                 CRM_EINVAL);
    rec[0] = -1; /* a buyer without a recency */
    cr_assert_eq(crm_rfm_score(&c, 2, rec, freq, mon, &p, r, f, m, seg),
                 CRM_EINVAL);
    rec[0] = 3;
    freq[1] = -2;
    cr_assert_eq(crm_rfm_score(&c, 2, rec, freq, mon, &p, r, f, m, seg),
                 CRM_EINVAL);
    cr_assert_eq(seg[0], 9, "outputs stay untouched on failure");
    freq[1] = 0;
    cr_assert_eq(crm_rfm_score(&c, 2, rec, freq, mon, &p, r, f, m, seg),
                 CRM_OK);
    cr_assert_eq(seg[1], CRM_RFM_NO_PURCHASES);
    cr_assert_eq(crm_rfm_score(&c, 0, NULL, NULL, NULL, &p, NULL, NULL, NULL,
                               NULL),
                 CRM_OK);
}

Test(rfm, split_csr_gives_identical_bytes)
{
    txdata d = gen_tx(4, 3001, 15000);
    const crm_rfm_params p = {.as_of_day = 15300};
    rfm_out whole = alloc_out(d.n), part = alloc_out(d.n);
    const crm_rfm_tx tx = view(&d, 1, 1);
    cr_assert_eq(crm_rfm_measures(&tx, &p, whole.rec, whole.freq, whole.mon),
                 CRM_OK);
    const size_t cuts[] = {0, 1, 1500, 2999, 3001};
    for (size_t t = 0; t < sizeof cuts / sizeof *cuts; t++) {
        const size_t h = cuts[t];
        /* the second half passes a slice of the global index, not rebased */
        const int64_t row = d.offset[h];
        const crm_rfm_tx lo = {.ncustomers = h, .offset = d.offset,
                               .time = d.time, .amount = d.amount,
                               .order = d.order};
        const crm_rfm_tx hi = {.ncustomers = d.n - h, .offset = d.offset + h,
                               .time = d.time + row, .amount = d.amount + row,
                               .order = d.order + row};
        cr_assert_eq(crm_rfm_measures(&lo, &p, part.rec, part.freq, part.mon),
                     CRM_OK);
        cr_assert_eq(crm_rfm_measures(&hi, &p, part.rec + h, part.freq + h,
                                      part.mon + h),
                     CRM_OK);
        cr_assert_arr_eq(part.rec, whole.rec, d.n * 4);
        cr_assert_arr_eq(part.freq, whole.freq, d.n * 4);
        cr_assert_arr_eq(part.mon, whole.mon, d.n * 8);
    }
    free_out(&whole);
    free_out(&part);
    free_tx(&d);
}

/* One fake rank's customers [lo, hi) of a shared rfm_out. */
typedef struct sjob {
    rfm_out *o;
    size_t lo, hi;
    const crm_rfm_params *p;
} sjob;

static crm_status score_rank(const crm_comm *c, void *arg)
{
    const sjob *j = arg;
    const size_t lo = j->lo;
    rfm_out *o = j->o;
    return crm_rfm_score(c, j->hi - lo, o->rec + lo, o->freq + lo,
                         o->mon + lo, j->p, o->r + lo, o->f + lo, o->m + lo,
                         o->seg + lo);
}

Test(rfm, split_ranks_give_identical_scores)
{
    txdata d = gen_tx(5, 2000, 15000);
    const crm_rfm_params p = {.as_of_day = 15450, .bins = 7};
    rfm_out whole = alloc_out(d.n), split = alloc_out(d.n);
    const crm_rfm_tx tx = view(&d, 1, 1);
    cr_assert_eq(run_self(&tx, &p, &whole), CRM_OK);
    cr_assert_eq(crm_rfm_measures(&tx, &p, split.rec, split.freq, split.mon),
                 CRM_OK);
    const size_t bounds[][5] = {{0, 1000, 2000}, {0, 0, 700, 2000},
                                {0, 3, 3, 1999, 2000}};
    const int ranks[] = {2, 3, 4};
    for (int t = 0; t < 3; t++) {
        sjob jobs[4];
        void *args[4];
        crm_status st[4];
        for (int r = 0; r < ranks[t]; r++) {
            jobs[r] = (sjob){&split, bounds[t][r], bounds[t][r + 1], &p};
            args[r] = &jobs[r];
        }
        memset(split.seg, 0xFF, d.n * 4);
        ref_comm_run(ranks[t], score_rank, args, st);
        for (int r = 0; r < ranks[t]; r++)
            cr_assert_eq(st[r], CRM_OK);
        cr_assert_arr_eq(split.r, whole.r, d.n * 4);
        cr_assert_arr_eq(split.f, whole.f, d.n * 4);
        cr_assert_arr_eq(split.m, whole.m, d.n * 4);
        cr_assert_arr_eq(split.seg, whole.seg, d.n * 4);
    }
    /* one rank with NULL outputs: every rank fails, none waits forever */
    rfm_out broken = whole;
    broken.seg = NULL;
    sjob jobs[2] = {{&split, 0, 1000, &p}, {&broken, 0, 1000, &p}};
    void *args[2] = {&jobs[0], &jobs[1]};
    crm_status st[2];
    ref_comm_run(2, score_rank, args, st);
    cr_assert_eq(st[0], CRM_EINVAL);
    cr_assert_eq(st[1], CRM_EINVAL);
    free_out(&whole);
    free_out(&split);
    free_tx(&d);
}

Test(rfm, thread_count_does_not_change_bytes)
{
#ifdef _OPENMP
    txdata d = gen_tx(6, 20000, 15000);
    const crm_rfm_params p = {.as_of_day = 15420, .monetary_mean = 1};
    const crm_rfm_tx tx = view(&d, 1, 1);
    rfm_out o[2] = {alloc_out(d.n), alloc_out(d.n)};
    const int threads[2] = {1, 4};
    for (int t = 0; t < 2; t++) {
        omp_set_num_threads(threads[t]);
        cr_assert_eq(run_self(&tx, &p, &o[t]), CRM_OK);
    }
    cr_assert_arr_eq(o[0].rec, o[1].rec, d.n * 4);
    cr_assert_arr_eq(o[0].freq, o[1].freq, d.n * 4);
    cr_assert_arr_eq(o[0].mon, o[1].mon, d.n * 8);
    cr_assert_arr_eq(o[0].r, o[1].r, d.n * 4);
    cr_assert_arr_eq(o[0].f, o[1].f, d.n * 4);
    cr_assert_arr_eq(o[0].m, o[1].m, d.n * 4);
    cr_assert_arr_eq(o[0].seg, o[1].seg, d.n * 4);
    int64_t last = INT64_MIN;
    for (size_t t = 0; t < d.rows; t++)
        if (d.time[t] / DAY > last) /* positive times: / is floor */
            last = d.time[t] / DAY;
    cr_assert_eq(crm_rfm_last_day(&tx), last);
    free_out(&o[0]);
    free_out(&o[1]);
    free_tx(&d);
#else
    cr_skip_test("built without OpenMP");
#endif
}
