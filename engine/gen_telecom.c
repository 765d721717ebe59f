/* engine/gen_telecom.c — the telecom profile: one row per subscriber with
 * usage drawn from four planted segments, a contract, tenure, charges,
 * service calls, and a churn label from planted rules with Bernoulli noise.
 *
 * Every value is a draw keyed by (seed, kind, customer row); the churn
 * rules are checked in order and the first that holds sets the churn
 * probability (docs/GENERATOR.md, "Churn rules"). */
#include <math.h>

#include "engine/gen_int.h"

enum { M2M, ONE_YEAR, TWO_YEAR };

typedef struct tseg {
    double weight;
    double minutes[4];      /* mean day, evening, night, international */
    double data_gb;         /* mean monthly data */
    double contract_cdf[3]; /* Month-to-month, One year, Two year */
    double calls;           /* mean service calls */
} tseg;

/* light users, heavy talkers, data streamers, international callers */
static const tseg segs[GEN_NSEG_TELECOM] = {
    {0.35, {90, 80, 90, 2}, 2, {0.50, 0.75, 1.0}, 1.0},
    {0.25, {300, 220, 180, 5}, 4, {0.45, 0.75, 1.0}, 1.5},
    {0.25, {120, 120, 100, 3}, 35, {0.60, 0.85, 1.0}, 1.2},
    {0.15, {150, 130, 110, 60}, 6, {0.50, 0.80, 1.0}, 1.2},
};

static const char *const contracts[] = {"Month-to-month", "One year",
                                        "Two year"};

static const char *const minute_names[4] = {"day_minutes", "evening_minutes",
                                            "night_minutes", "intl_minutes"};

void gen_telecom_init(crm_gen *g)
{
    crm_column *c = g->cols[CRM_GEN_CUSTOMERS];
    size_t n = 0;
    c[n++] = (crm_column){.name = "customer_id", .type = CRM_TYPE_INT64};
    c[n++] = (crm_column){.name = "true_segment", .type = CRM_TYPE_INT32};
    c[n++] = (crm_column){.name = "tenure_months", .type = CRM_TYPE_INT32};
    c[n++] = (crm_column){.name = "contract", .type = CRM_TYPE_INT32,
                          .dict = contracts, .ndict = 3};
    c[n++] = (crm_column){.name = "monthly_charges", .type = CRM_TYPE_FLOAT64};
    c[n++] = (crm_column){.name = "total_charges", .type = CRM_TYPE_FLOAT64};
    for (int m = 0; m < 4; m++)
        c[n++] = (crm_column){.name = minute_names[m],
                              .type = CRM_TYPE_FLOAT64};
    c[n++] = (crm_column){.name = "service_calls", .type = CRM_TYPE_INT32};
    c[n++] = (crm_column){.name = "data_gb", .type = CRM_TYPE_FLOAT64};
    c[n++] = (crm_column){.name = "churn", .type = CRM_TYPE_INT32};
    g->ncols[CRM_GEN_CUSTOMERS] = n;
}

/* A Poisson count of mean lambda by inversion (capped at 30). */
static int32_t poisson(double lambda, double u)
{
    double p = exp(-lambda), cum = p;
    int32_t k = 0;
    while (u > cum && k < 30) {
        k++;
        p *= lambda / k;
        cum += p;
    }
    return k;
}

static int32_t tenure(int contract, double u)
{
    if (contract == M2M)
        return 1 + (int32_t)(71.0 * pow(u, 1.6));
    if (contract == ONE_YEAR)
        return 6 + (int32_t)(67.0 * u);
    return 12 + (int32_t)(61.0 * pow(u, 0.7));
}

/* The planted rules, first match wins (docs/GENERATOR.md). */
static double churn_p(int contract, int32_t tenure_m, int32_t calls,
                      double monthly, double intl)
{
    if (contract == M2M && tenure_m < 12)
        return 0.60;
    if (calls >= 4)
        return 0.55;
    if (contract == M2M && monthly >= 70.0)
        return 0.40;
    if (intl >= 40.0 && contract != TWO_YEAR)
        return 0.30;
    return 0.05;
}

typedef struct subscriber {
    int seg, contract;
    int32_t tenure, calls, churn;
    double minutes[4], data, monthly, total;
} subscriber;

static void subscriber_draw(const crm_gen *g, int64_t row, subscriber *s)
{
    static const double seg_cdf[GEN_NSEG_TELECOM] = {0.35, 0.60, 0.85, 1.0};
    s->seg = gen_pick(seg_cdf, GEN_NSEG_TELECOM,
                      gen_unit(g, D_SEGMENT, row, 0, 0));
    const tseg *t = &segs[s->seg];
    s->contract =
        gen_pick(t->contract_cdf, 3, gen_unit(g, D_CONTRACT, row, 0, 0));
    s->tenure = tenure(s->contract, gen_unit(g, D_TENURE, row, 0, 0));
    for (uint64_t m = 0; m < 4; m++) {
        const double z = gen_normal(g, D_MINUTES, D_MINUTES2, row, 0, m);
        s->minutes[m] =
            round(t->minutes[m] * exp(0.35 * z - 0.06125) * 10.0) / 10.0;
    }
    const double zd = gen_normal(g, D_DATA, D_DATA2, row, 0, 0);
    s->data = round(t->data_gb * exp(0.5 * zd - 0.125) * 100.0) / 100.0;
    s->calls = poisson(t->calls, gen_unit(g, D_CALLS, row, 0, 0));
    double m = 20.0 + 0.04 * s->minutes[0] + 0.03 * s->minutes[1] +
               0.015 * s->minutes[2] + 0.25 * s->minutes[3] + 1.2 * s->data +
               5.0 * gen_normal(g, D_CHARGE, D_CHARGE2, row, 0, 0);
    m = s->contract == TWO_YEAR ? 0.9 * m : m;
    s->monthly = round(fmax(18.25, m) * 100.0) / 100.0;
    s->total = round(s->monthly * s->tenure *
                     (0.95 + 0.1 * gen_unit(g, D_TOTAL, row, 0, 0)) * 100.0) /
               100.0;
    const double p =
        churn_p(s->contract, s->tenure, s->calls, s->monthly, s->minutes[3]);
    s->churn = gen_unit(g, D_CHURN, row, 0, 0) < p;
}

void gen_telecom_customers(const crm_gen *g, int64_t row0, size_t n,
                           void *const *cols)
{
    int64_t *id = cols[0];
    int32_t *seg = cols[1], *ten = cols[2], *contract = cols[3];
    double *monthly = cols[4], *total = cols[5], *data = cols[11];
    int32_t *calls = cols[10], *churn = cols[12];
    for (size_t i = 0; i < n; i++) {
        const int64_t row = row0 + (int64_t)i;
        subscriber s;
        subscriber_draw(g, row, &s);
        id[i] = row + 1;
        seg[i] = s.seg;
        ten[i] = s.tenure;
        contract[i] = s.contract;
        monthly[i] = s.monthly;
        total[i] = s.total;
        for (int m = 0; m < 4; m++)
            ((double *)cols[6 + m])[i] = s.minutes[m];
        calls[i] = s.calls;
        data[i] = s.data;
        churn[i] = s.churn;
    }
}
