/* algorithms/rfm/rfm.c — RFM measures per customer, then global scores.
 *
 * Measures: one customer at a time, its rows read in order, so the net sum
 * has one fixed order of terms. Counting distinct orders needs the purchase
 * keys side by side: each thread owns one scratch array as long as the
 * largest customer, sorts it in place (heapsort: O(k log k), no allocation)
 * only when the keys are not already non-decreasing, then counts changes.
 * Scores: three exact quantile cut sets (crm_quantiles_cuts) over the buying
 * customers of all ranks, then a per-customer lookup. Every collective is
 * preceded by an agreed check, so a failure on one rank fails all of them. */
#include "algorithms/rfm/rfm.h"

#include <math.h>
#include <stdlib.h>

#include "algorithms/quantiles/quantiles.h"

#define SECONDS_PER_DAY 86400
#define DEFAULT_BINS 5
#define MAX_BINS 20
#define MAX_AS_OF_DAY (INT64_C(1) << 46) /* keeps as_of - day in int64 */

static const char *const segment_names[CRM_RFM_NSEGMENTS] = {
    "Champions",      "Loyal Customers", "Potential Loyalists",
    "New Customers",  "Promising",       "Need Attention",
    "About To Sleep", "At Risk",         "Cannot Lose Them",
    "Hibernating",    "Lost",            "No Purchases"};

/* [r5 - 1][f5 - 1] */
static const int32_t segment_map[5][5] = {
    {CRM_RFM_LOST, CRM_RFM_HIBERNATING, CRM_RFM_AT_RISK, CRM_RFM_AT_RISK,
     CRM_RFM_CANNOT_LOSE_THEM},
    {CRM_RFM_HIBERNATING, CRM_RFM_HIBERNATING, CRM_RFM_AT_RISK,
     CRM_RFM_AT_RISK, CRM_RFM_CANNOT_LOSE_THEM},
    {CRM_RFM_ABOUT_TO_SLEEP, CRM_RFM_ABOUT_TO_SLEEP, CRM_RFM_NEED_ATTENTION,
     CRM_RFM_LOYAL_CUSTOMERS, CRM_RFM_LOYAL_CUSTOMERS},
    {CRM_RFM_PROMISING, CRM_RFM_POTENTIAL_LOYALISTS,
     CRM_RFM_POTENTIAL_LOYALISTS, CRM_RFM_LOYAL_CUSTOMERS,
     CRM_RFM_LOYAL_CUSTOMERS},
    {CRM_RFM_NEW_CUSTOMERS, CRM_RFM_POTENTIAL_LOYALISTS,
     CRM_RFM_POTENTIAL_LOYALISTS, CRM_RFM_CHAMPIONS, CRM_RFM_CHAMPIONS}};

/* bins with 0 replaced by the default; CRM_EINVAL for a bad p */
static crm_status check_params(const crm_rfm_params *p, int *bins)
{
    if (p == NULL)
        return CRM_EINVAL;
    const int b = p->bins == 0 ? DEFAULT_BINS : p->bins;
    if (b < 2 || b > MAX_BINS)
        return CRM_EINVAL;
    if (p->monetary_mean != 0 && p->monetary_mean != 1)
        return CRM_EINVAL;
    if (p->as_of_day < -MAX_AS_OF_DAY || p->as_of_day > MAX_AS_OF_DAY)
        return CRM_EINVAL;
    *bins = b;
    return CRM_OK;
}

/* Validates the CSR and finds the longest customer (for scratch). */
static crm_status check_tx(const crm_rfm_tx *tx, size_t *max_rows)
{
    if (tx == NULL || (tx->offset == NULL && tx->ncustomers > 0))
        return CRM_EINVAL;
    size_t longest = 0;
    for (size_t i = 0; i < tx->ncustomers; i++) {
        if (tx->offset[i + 1] < tx->offset[i])
            return CRM_EINVAL;
        const int64_t rows = tx->offset[i + 1] - tx->offset[i];
        if ((uint64_t)rows > longest)
            longest = (size_t)rows;
    }
    const int has_rows = tx->ncustomers > 0 &&
                         tx->offset[tx->ncustomers] > tx->offset[0];
    if (has_rows && tx->time == NULL)
        return CRM_EINVAL;
    if (longest > INT32_MAX)
        return CRM_ERANGE; /* frequency could not be stored */
    *max_rows = longest;
    return CRM_OK;
}

static int64_t floor_day(int64_t t)
{
    const int64_t d = t / SECONDS_PER_DAY;
    return (t % SECONDS_PER_DAY < 0) ? d - 1 : d;
}

static void sift_down(int64_t *a, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        const int64_t t = a[root];
        a[root] = a[child];
        a[child] = t;
    }
}

static void heapsort_i64(int64_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        const int64_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

/* Number of distinct values in a[0..k); may reorder a. */
static size_t count_distinct(int64_t *a, size_t k)
{
    for (size_t t = 1; t < k; t++) {
        if (a[t] < a[t - 1]) {
            heapsort_i64(a, k);
            break;
        }
    }
    size_t distinct = k > 0;
    for (size_t t = 1; t < k; t++)
        distinct += a[t] != a[t - 1];
    return distinct;
}

/* Measures of customer i; returns 1 when recency does not fit int32. */
static int one_customer(const crm_rfm_tx *tx, const crm_rfm_params *p,
                        size_t i, int64_t *scratch, int32_t *recency,
                        int32_t *frequency, double *monetary)
{
    const size_t lo = (size_t)(tx->offset[i] - tx->offset[0]);
    const size_t hi = (size_t)(tx->offset[i + 1] - tx->offset[0]);
    int64_t last = INT64_MIN;
    double sum = 0.0;
    size_t k = 0;
    for (size_t t = lo; t < hi; t++) {
        const int64_t day = floor_day(tx->time[t]);
        if (day > p->as_of_day)
            continue;
        if (tx->amount != NULL)
            sum += tx->amount[t];
        if (tx->amount != NULL && !(tx->amount[t] > 0.0))
            continue; /* a return, a zero line or NaN: not a purchase */
        if (day > last)
            last = day;
        scratch[k++] = tx->order != NULL ? tx->order[t] : tx->time[t];
    }
    const size_t f = count_distinct(scratch, k);
    *frequency = (int32_t)f;
    if (tx->amount == NULL)
        *monetary = NAN;
    else if (p->monetary_mean)
        *monetary = f > 0 ? sum / (double)f : NAN;
    else
        *monetary = sum;
    if (f == 0) {
        *recency = -1;
        return 0;
    }
    if (p->as_of_day - last > INT32_MAX)
        return 1;
    *recency = (int32_t)(p->as_of_day - last);
    return 0;
}

crm_status crm_rfm_measures(const crm_rfm_tx *tx, const crm_rfm_params *p,
                            int32_t *recency, int32_t *frequency,
                            double *monetary)
{
    int bins = 0;
    size_t max_rows = 0;
    crm_status rc = check_params(p, &bins);
    if (rc == CRM_OK)
        rc = check_tx(tx, &max_rows);
    if (rc != CRM_OK)
        return rc;
    const size_t n = tx->ncustomers;
    if (n > 0 && (recency == NULL || frequency == NULL || monetary == NULL))
        return CRM_EINVAL;
    int nomem = 0, range = 0;
#pragma omp parallel
    {
        int64_t *scratch = malloc((max_rows > 0 ? max_rows : 1) *
                                  sizeof *scratch);
        if (scratch == NULL) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static) reduction(| : range)
        for (size_t i = 0; i < n; i++) {
            if (scratch != NULL)
                range |= one_customer(tx, p, i, scratch, &recency[i],
                                      &frequency[i], &monetary[i]);
        }
        free(scratch);
    }
    return nomem ? CRM_ENOMEM : range ? CRM_ERANGE : CRM_OK;
}

int64_t crm_rfm_last_day(const crm_rfm_tx *tx)
{
    if (tx == NULL || tx->offset == NULL || tx->ncustomers == 0)
        return INT64_MIN;
    const int64_t rows = tx->offset[tx->ncustomers] - tx->offset[0];
    if (rows <= 0 || tx->time == NULL)
        return INT64_MIN;
    int64_t last = INT64_MIN;
#pragma omp parallel for schedule(static) reduction(max : last)
    for (int64_t t = 0; t < rows; t++) {
        const int64_t day = floor_day(tx->time[t]);
        if (day > last)
            last = day;
    }
    return last;
}

int32_t crm_rfm_segment_code(int32_t r_score, int32_t f_score, int bins)
{
    if (bins == 0)
        bins = DEFAULT_BINS;
    if (bins < 2 || bins > MAX_BINS || r_score < 0 || r_score > bins ||
        f_score < 0 || f_score > bins)
        return -1;
    if (r_score == 0 || f_score == 0)
        return CRM_RFM_NO_PURCHASES;
    /* 1 + round((s-1) * 4 / (bins-1)), half up: floor((2x + y) / 2y) */
    const int32_t den = 2 * (bins - 1);
    const int32_t r5 = 1 + (8 * (r_score - 1) + bins - 1) / den;
    const int32_t f5 = 1 + (8 * (f_score - 1) + bins - 1) / den;
    return segment_map[r5 - 1][f5 - 1];
}

const char *crm_rfm_segment_name(int32_t code)
{
    if (code < 0 || code >= CRM_RFM_NSEGMENTS)
        return "Unknown";
    return segment_names[code];
}

/* 1 when a local argument is unusable; checked on every rank before any
 * collective so that all ranks can agree on the outcome. */
static int bad_inputs(size_t n, const int32_t *recency,
                      const int32_t *frequency, const double *monetary,
                      const int32_t *r_score, const int32_t *f_score,
                      const int32_t *m_score, const int32_t *segment)
{
    if (n == 0)
        return 0;
    if (!recency || !frequency || !monetary || !r_score || !f_score ||
        !m_score || !segment)
        return 1;
    int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad)
    for (size_t i = 0; i < n; i++)
        bad |= frequency[i] < 0 || (frequency[i] > 0 && recency[i] < 0);
    return bad;
}

/* The three cut sets, each over the customers with frequency > 0; vals is
 * n doubles of scratch, NaN marking customers left out. */
static crm_status score_cuts(const crm_comm *c, size_t n,
                             const int32_t *recency, const int32_t *frequency,
                             const double *monetary, int bins, double *vals,
                             double cuts[3][MAX_BINS - 1])
{
    int64_t total = 0;
    crm_status rc;
    for (size_t i = 0; i < n; i++)
        vals[i] = frequency[i] > 0 ? (double)recency[i] : NAN;
    if ((rc = crm_quantiles_cuts(c, vals, n, bins, cuts[0], &total)) != CRM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        vals[i] = frequency[i] > 0 ? (double)frequency[i] : NAN;
    if ((rc = crm_quantiles_cuts(c, vals, n, bins, cuts[1], &total)) != CRM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        vals[i] = frequency[i] > 0 ? monetary[i] : NAN;
    return crm_quantiles_cuts(c, vals, n, bins, cuts[2], &total);
}

crm_status crm_rfm_score(const crm_comm *c, size_t n, const int32_t *recency,
                         const int32_t *frequency, const double *monetary,
                         const crm_rfm_params *p, int32_t *r_score,
                         int32_t *f_score, int32_t *m_score, int32_t *segment)
{
    int bins = 0;
    crm_status rc = check_params(p, &bins);
    if (c == NULL || rc != CRM_OK)
        return CRM_EINVAL; /* p is the same on every rank: all return here */
    double cuts[3][MAX_BINS - 1];
    double *vals = malloc((n > 0 ? n : 1) * sizeof *vals);
    int64_t flags[2] = {bad_inputs(n, recency, frequency, monetary, r_score,
                                   f_score, m_score, segment),
                        vals == NULL};
    if ((rc = c->allreduce_i64(c, flags, 2, CRM_OP_MAX)) != CRM_OK)
        goto done;
    rc = flags[0] ? CRM_EINVAL : flags[1] ? CRM_ENOMEM : CRM_OK;
    if (rc == CRM_OK)
        rc = score_cuts(c, n, recency, frequency, monetary, bins, vals, cuts);
    if (rc != CRM_OK)
        goto done;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        const int buys = frequency[i] > 0;
        r_score[i] = buys ? bins + 1 - crm_quantiles_bin(recency[i], cuts[0],
                                                         bins)
                          : 0;
        f_score[i] = buys ? crm_quantiles_bin(frequency[i], cuts[1], bins) : 0;
        m_score[i] = buys ? crm_quantiles_bin(monetary[i], cuts[2], bins) : 0;
        segment[i] = crm_rfm_segment_code(r_score[i], f_score[i], bins);
    }
done:
    free(vals);
    return rc;
}
