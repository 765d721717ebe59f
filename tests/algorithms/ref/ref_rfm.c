/* tests/algorithms/ref/ref_rfm.c — the straightforward RFM. */
#include "ref_rfm.h"

#include <math.h>
#include <stdlib.h>

#include "ref_quantiles.h"

static int64_t day_of(int64_t t)
{
    return (int64_t)floor((double)t / 86400.0);
}

static void one(const crm_rfm_tx *tx, size_t i, int64_t as_of, int mean,
                int32_t *recency, int32_t *frequency, double *monetary)
{
    const int64_t lo = tx->offset[i] - tx->offset[0];
    const int64_t hi = tx->offset[i + 1] - tx->offset[0];
    int64_t last = 0;
    int any = 0;
    int32_t orders = 0;
    double net = 0.0;
    for (int64_t t = lo; t < hi; t++) {
        if (day_of(tx->time[t]) > as_of)
            continue;
        if (tx->amount)
            net += tx->amount[t];
        const int purchase = tx->amount == NULL || tx->amount[t] > 0.0;
        if (!purchase)
            continue;
        int seen = 0; /* an earlier counted purchase line of the same order */
        for (int64_t u = lo; u < t; u++) {
            const int earlier = day_of(tx->time[u]) <= as_of &&
                                (tx->amount == NULL || tx->amount[u] > 0.0);
            const int64_t ku = tx->order ? tx->order[u] : tx->time[u];
            const int64_t kt = tx->order ? tx->order[t] : tx->time[t];
            seen |= earlier && ku == kt;
        }
        orders += !seen;
        if (!any || day_of(tx->time[t]) > last)
            last = day_of(tx->time[t]);
        any = 1;
    }
    *frequency = orders;
    *recency = orders > 0 ? (int32_t)(as_of - last) : -1;
    if (tx->amount == NULL)
        *monetary = NAN;
    else if (mean)
        *monetary = orders > 0 ? net / orders : NAN;
    else
        *monetary = net;
}

void ref_rfm_measures(const crm_rfm_tx *tx, int64_t as_of_day, int mean,
                      int32_t *recency, int32_t *frequency, double *monetary)
{
    for (size_t i = 0; i < tx->ncustomers; i++)
        one(tx, i, as_of_day, mean, &recency[i], &frequency[i], &monetary[i]);
}

static int to5(int s, int bins)
{
    return 1 + (int)floor((s - 1) * 4.0 / (bins - 1) + 0.5);
}

const char *ref_rfm_segment(int r, int f, int bins)
{
    if (r == 0 || f == 0)
        return "No Purchases";
    r = to5(r, bins);
    f = to5(f, bins);
    if (r == 5 && f >= 4)
        return "Champions";
    if ((r == 3 || r == 4) && f >= 4)
        return "Loyal Customers";
    if (r >= 4 && (f == 2 || f == 3))
        return "Potential Loyalists";
    if (r == 5 && f == 1)
        return "New Customers";
    if (r == 4 && f == 1)
        return "Promising";
    if (r == 3 && f == 3)
        return "Need Attention";
    if (r == 3 && f <= 2)
        return "About To Sleep";
    if (r <= 2 && (f == 3 || f == 4))
        return "At Risk";
    if (r <= 2 && f == 5)
        return "Cannot Lose Them";
    if (r == 1 && f == 1)
        return "Lost";
    return "Hibernating";
}

void ref_rfm_score(size_t n, const int32_t *recency, const int32_t *frequency,
                   const double *monetary, int bins, int32_t *r_score,
                   int32_t *f_score, int32_t *m_score, const char **segment)
{
    double *rv = calloc(n ? n : 1, sizeof *rv);
    double *fv = calloc(n ? n : 1, sizeof *fv);
    double *mv = calloc(n ? n : 1, sizeof *mv);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (frequency[i] > 0) {
            rv[k] = recency[i];
            fv[k] = frequency[i];
            mv[k] = monetary[i];
            k++;
        }
    }
    double rc[32], fc[32], mc[32];
    ref_cuts(rv, k, bins, rc);
    ref_cuts(fv, k, bins, fc);
    ref_cuts(mv, k, bins, mc);
    for (size_t i = 0; i < n; i++) {
        const int buys = frequency[i] > 0;
        r_score[i] = buys ? bins + 1 - ref_bin(recency[i], rc, bins) : 0;
        f_score[i] = buys ? ref_bin(frequency[i], fc, bins) : 0;
        const int priced = buys && !isnan(monetary[i]);
        m_score[i] = priced ? ref_bin(monetary[i], mc, bins) : 0;
        segment[i] = ref_rfm_segment(r_score[i], f_score[i], bins);
    }
    free(mv);
    free(fv);
    free(rv);
}
