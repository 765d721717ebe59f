/* engine/gen_retail.c — the retail profile: customers in six planted
 * segments, orders at seasonal times inside each customer's active span,
 * baskets of catalogue items plus planted co-purchase groups.
 *
 * Every draw is keyed by (seed, kind, customer row, order draw j, line l):
 * the count of a customer's lines needs only its segment, activity, span
 * and per-order basket draws, so crm_gen_tx_count is cheap and exact, and
 * the lines themselves can be generated later, on any rank. Orders are
 * drawn in index j, then sorted by (time, j); order_id numbers them in that
 * order. docs/GENERATOR.md states every parameter. */
#include <math.h>
#include <stdlib.h>

#include "engine/gen_int.h"

#define ACTIVITY_SIGMA 1.0 /* lognormal spread of a customer's order rate */
#define PATTERN_P 0.3      /* P(an order carries a planted group) */
#define QUANTITY_Q 0.2     /* geometric parameter of quantity - 1 */
#define MAX_BASE_LINES 50

typedef struct seg_def {
    double weight;           /* share of customers */
    double rate;             /* relative order rate per unit of span */
    double start_lo, start_hi; /* first active day, fraction of the window */
    double life_lo, life_hi; /* span after the start; < 0: to the end */
    double basket_q;         /* geometric parameter of extra basket lines */
    double sale_p;           /* P(an order is bought at a discount) */
    double age;              /* mean age */
} seg_def;

/* loyal, regular, bargain, big-ticket, lapsed, new */
static const seg_def segs[GEN_NSEG_RETAIL] = {
    {0.10, 4.0, 0.00, 0.25, -1.0, -1.0, 0.60, 0.10, 47},
    {0.30, 1.0, 0.00, 0.60, -1.0, -1.0, 0.50, 0.15, 42},
    {0.20, 2.5, 0.00, 0.60, -1.0, -1.0, 0.30, 0.50, 34},
    {0.10, 0.3, 0.00, 0.60, -1.0, -1.0, 0.40, 0.05, 52},
    {0.20, 1.0, 0.00, 0.30, 0.10, 0.30, 0.50, 0.15, 40},
    {0.10, 1.5, 0.85, 0.97, -1.0, -1.0, 0.50, 0.15, 29},
};

static const char *const regions[] = {"North", "South", "East", "West",
                                      "Central"};
static const double region_cdf[] = {0.22, 0.40, 0.60, 0.80, 1.0};

typedef struct cust {
    int seg;
    int day0, day1;  /* active days, inclusive */
    int64_t norders;
} cust;

typedef struct order_key {
    int64_t time;
    int64_t j;       /* draw index */
} order_key;

/* 1 + a geometric count with P(> k) = q^k, from u in [0, 1). */
static int geometric(double q, double u, int cap)
{
    const double k = floor(log(1.0 - u) / log(q));
    return k < cap ? (int)k : cap;
}

static void customer(const crm_gen *g, int64_t row, cust *c)
{
    c->seg = gen_pick(g->seg_cdf, GEN_NSEG_RETAIL,
                      gen_unit(g, D_SEGMENT, row, 0, 0));
    const seg_def *s = &segs[c->seg];
    const double z = gen_normal(g, D_ACTIVITY, D_ACTIVITY2, row, 0, 0);
    const double act =
        exp(ACTIVITY_SIGMA * z - 0.5 * ACTIVITY_SIGMA * ACTIVITY_SIGMA);
    const double start = s->start_lo + (s->start_hi - s->start_lo) *
                                           gen_unit(g, D_START, row, 0, 0);
    const double life = s->life_lo + (s->life_hi - s->life_lo) *
                                         gen_unit(g, D_LIFE, row, 0, 0);
    const double end = s->life_lo < 0 ? 1.0 : start + life;
    c->day0 = (int)(start * GEN_NDAYS);
    c->day1 = (int)(fmin(end, 1.0) * GEN_NDAYS) - 1;
    c->day1 = c->day1 < c->day0 ? c->day0 : c->day1;
    const double span = (double)(c->day1 - c->day0 + 1) / GEN_NDAYS;
    const double x = act * s->rate * g->order_scale * span +
                     gen_unit(g, D_ORDERS, row, 0, 0);
    c->norders = x < GEN_MAX_ORDERS - 1 ? 1 + (int64_t)x : GEN_MAX_ORDERS;
}

/* Lines of order draw j; *pat is its planted group or -1. */
static int order_lines(const crm_gen *g, int64_t row, int seg, int64_t j,
                       int *pat)
{
    const uint64_t k = (uint64_t)j;
    const int base = 1 + geometric(segs[seg].basket_q,
                                   gen_unit(g, D_BASKET, row, k, 0),
                                   MAX_BASE_LINES);
    *pat = -1;
    if (gen_unit(g, D_PATTERN, row, k, 0) < PATTERN_P)
        *pat = gen_pick(g->pat_cdf, GEN_NPAT,
                        gen_unit(g, D_PATTERN_WHICH, row, k, 0));
    return base + (*pat >= 0 ? g->pat_len[*pat] : 0);
}

int64_t gen_retail_count(const crm_gen *g, int64_t row)
{
    cust c;
    int pat;
    int64_t n = 0;
    customer(g, row, &c);
    for (int64_t j = 0; j < c.norders; j++)
        n += order_lines(g, row, c.seg, j, &pat);
    return n;
}

/* order_scale F so that the mean lines per customer is tx_per_customer:
 * E[lines] = sum_s w_s (1 + rate_s F E[span_s]) L_s, L_s the mean lines of
 * an order of segment s (docs/GENERATOR.md). */
static double order_scale(const crm_gen *g)
{
    double pat_lines = 0.0, fixed = 0.0, per_f = 0.0;
    for (int p = 0; p < GEN_NPAT; p++)
        pat_lines += g->pat_prob[p] * g->pat_len[p];
    for (int s = 0; s < GEN_NSEG_RETAIL; s++) {
        const seg_def *d = &segs[s];
        const double lines = 1.0 + d->basket_q / (1.0 - d->basket_q) +
                             pat_lines;
        const double span = d->life_lo < 0
                                ? 1.0 - 0.5 * (d->start_lo + d->start_hi)
                                : 0.5 * (d->life_lo + d->life_hi);
        fixed += d->weight * lines;
        per_f += d->weight * d->rate * span * lines;
    }
    const double f = (g->p.tx_per_customer - fixed) / per_f;
    return f > 0.0 ? f : 0.0;
}

crm_status gen_retail_init(crm_gen *g)
{
    double acc = 0.0;
    for (int s = 0; s < GEN_NSEG_RETAIL; s++)
        g->seg_cdf[s] = (acc += segs[s].weight);
    g->seg_cdf[GEN_NSEG_RETAIL - 1] = 1.0;
    g->order_scale = order_scale(g);
    crm_column *c = g->cols[CRM_GEN_CUSTOMERS];
    c[0] = (crm_column){.name = "customer_id", .type = CRM_TYPE_INT64};
    c[1] = (crm_column){.name = "true_segment", .type = CRM_TYPE_INT32};
    c[2] = (crm_column){.name = "age", .type = CRM_TYPE_INT32};
    c[3] = (crm_column){.name = "region", .type = CRM_TYPE_INT32,
                        .dict = regions, .ndict = 5};
    c[4] = (crm_column){.name = "signup_time", .type = CRM_TYPE_INT64};
    g->ncols[CRM_GEN_CUSTOMERS] = 5;
    crm_column *t = g->cols[CRM_GEN_TRANSACTIONS];
    t[0] = (crm_column){.name = "customer_id", .type = CRM_TYPE_INT64};
    t[1] = (crm_column){.name = "time", .type = CRM_TYPE_INT64};
    t[2] = (crm_column){.name = "order_id", .type = CRM_TYPE_INT64};
    t[3] = (crm_column){.name = "item", .type = CRM_TYPE_INT32,
                        .dict = g->names, .ndict = (size_t)g->nitems};
    t[4] = (crm_column){.name = "quantity", .type = CRM_TYPE_FLOAT64};
    t[5] = (crm_column){.name = "price", .type = CRM_TYPE_FLOAT64};
    t[6] = (crm_column){.name = "amount", .type = CRM_TYPE_FLOAT64};
    g->ncols[CRM_GEN_TRANSACTIONS] = 7;
    return CRM_OK;
}

void gen_retail_customers(const crm_gen *g, int64_t row0, size_t n,
                          void *const *cols)
{
    int64_t *id = cols[0], *signup = cols[4];
    int32_t *seg = cols[1], *age = cols[2], *region = cols[3];
    for (size_t i = 0; i < n; i++) {
        const int64_t row = row0 + (int64_t)i;
        cust c;
        customer(g, row, &c);
        const double a = segs[c.seg].age +
                         12.0 * gen_normal(g, D_AGE, D_AGE2, row, 0, 0);
        id[i] = row + 1;
        seg[i] = c.seg;
        age[i] = (int32_t)fmin(90.0, fmax(18.0, round(a)));
        region[i] = gen_pick(region_cdf, 5, gen_unit(g, D_REGION, row, 0, 0));
        signup[i] = GEN_T0 + (int64_t)c.day0 * 86400;
    }
}

static int by_time(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* Where one customer's rows go: cap rows from out position at. */
typedef struct tx_out {
    int64_t *id, *time, *order;
    int32_t *item;
    double *qty, *price, *amount;
    int64_t at, cap, n; /* first row, rows allowed, rows written */
} tx_out;

static void put_line(const crm_gen *g, tx_out *o, int64_t row, int64_t j,
                     int64_t l, int32_t item, int64_t oid, int64_t t,
                     double keep)
{
    if (o->n < o->cap) {
        const int64_t r = o->at + o->n;
        const double q = 1 + geometric(QUANTITY_Q,
                                       gen_unit(g, D_QUANTITY, row,
                                                (uint64_t)j, (uint64_t)l),
                                       99);
        o->id[r] = row + 1;
        o->time[r] = t;
        o->order[r] = oid;
        o->item[r] = item;
        o->qty[r] = q;
        o->price[r] = round(g->price[item] * keep * 100.0) / 100.0;
        o->amount[r] = q * o->price[r];
    }
    o->n++;
}

/* The lines of order draw j, k-th of the customer in time order. */
static void order(const crm_gen *g, tx_out *o, int64_t row, const cust *c,
                  int64_t j, int64_t k, int64_t t)
{
    int pat;
    const int n = order_lines(g, row, c->seg, j, &pat);
    const int base = n - (pat >= 0 ? g->pat_len[pat] : 0);
    const uint64_t v = gen_u64(g, D_DISCOUNT, row, (uint64_t)j, 0);
    const int sale = (double)(v >> 11) * 0x1.0p-53 < segs[c->seg].sale_p;
    const double keep = sale ? 1.0 - 0.1 * (double)(1 + v % 3) : 1.0;
    const int64_t oid = (row + 1) * 10000 + k;
    for (int l = 0; l < base; l++) {
        const uint64_t uj = (uint64_t)j, ul = (uint64_t)l;
        const int cat = gen_pick(g->seg_cat_cdf[c->seg], GEN_NCAT,
                                 gen_unit(g, D_CATEGORY, row, uj, ul));
        const double u = gen_unit(g, D_ITEM, row, uj, ul);
        const int32_t size = g->cat_first[cat + 1] - g->cat_first[cat];
        const int32_t item = g->cat_first[cat] + (int32_t)(size * u * u);
        put_line(g, o, row, j, l, item, oid, t, keep);
    }
    for (int l = base; l < n; l++)
        put_line(g, o, row, j, l, g->pat_items[pat][l - base], oid, t, keep);
}

/* All rows of one customer; 0, or -1 when they are not exactly o->cap. */
static int customer_tx(const crm_gen *g, int64_t row, order_key *keys,
                       tx_out *o)
{
    cust c;
    customer(g, row, &c);
    for (int64_t j = 0; j < c.norders; j++)
        keys[j] = (order_key){gen_time(g, row, (uint64_t)j, c.day0, c.day1),
                              j};
    qsort(keys, (size_t)c.norders, sizeof *keys, by_time);
    o->n = 0;
    for (int64_t k = 0; k < c.norders; k++)
        order(g, o, row, &c, keys[k].j, k, keys[k].time);
    return o->n == o->cap ? 0 : -1;
}

crm_status gen_retail_tx(const crm_gen *g, int64_t row0, size_t n,
                         const int64_t *offset, void *const *cols)
{
    int failed = 0; /* 1 no memory, 2 bad offsets */
    const tx_out base = {.id = cols[0], .time = cols[1], .order = cols[2],
                         .item = cols[3], .qty = cols[4], .price = cols[5],
                         .amount = cols[6]};
#pragma omp parallel
    {
        order_key *keys = malloc(GEN_MAX_ORDERS * sizeof *keys);
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            tx_out o = base;
            o.at = offset[i] - offset[0];
            o.cap = offset[i + 1] - offset[i];
            const int bad = keys == NULL ? 1
                            : customer_tx(g, row0 + (int64_t)i, keys, &o) ? 2
                                                                          : 0;
            if (bad) {
#pragma omp atomic write
                failed = bad;
            }
        }
        free(keys);
    }
    return failed == 0 ? CRM_OK : failed == 1 ? CRM_ENOMEM : CRM_EINVAL;
}
