/* algorithms/rfm/rfm.h — RFM: measures, scores and segments per customer.
 *
 * Two steps. crm_rfm_measures reads a rank's customers and their transactions
 * (CSR: customer i owns rows offset[i]..offset[i+1]) and needs no comm: each
 * customer is computed serially from its own rows, so neither threads nor the
 * rank split can change a byte. crm_rfm_score turns the measures into scores
 * 1..bins from exact global quantiles (algorithms/quantiles) and into one of
 * the customary segments. Semantics:
 *  - Only transactions on or before as_of_day count (a day is
 *    floor(time / 86400) in UTC); later rows are ignored, as if not yet made.
 *  - A purchase is a transaction with amount > 0, or any transaction when no
 *    amounts are known. Returns and cancellations (amount < 0) are not
 *    purchases but do count in monetary, which is net spend.
 *  - recency = as_of_day - day of the latest purchase (>= 0), or -1 when the
 *    customer has no purchase. frequency = number of distinct orders with at
 *    least one purchase line: distinct order keys within the customer (equal
 *    keys need not be adjacent), or distinct purchase timestamps when there
 *    are no order keys. monetary = sum of all amounts in row order, or that
 *    sum / frequency with monetary_mean (NaN when frequency is 0); NaN when no
 *    amounts are known. A NaN amount is no purchase and makes monetary NaN.
 *  - Scores rank only customers with frequency > 0, over all ranks. Customers
 *    with frequency 0 get scores 0 (missing) and segment "No Purchases".
 * Caller owns every array; scratch is allocated and freed inside. */
#ifndef CRM_RFM_H
#define CRM_RFM_H

#include <stddef.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/status.h"

typedef struct crm_rfm_params {
    int64_t as_of_day; /* days since 1970-01-01 UTC; |as_of_day| <= 2^46 */
    int bins;          /* scores 1..bins; 0 means 5; valid 2..20 */
    int monetary_mean; /* 0: net sum; 1: net sum / frequency */
} crm_rfm_params;

typedef struct crm_rfm_tx {
    size_t ncustomers;     /* customers held here */
    const int64_t *offset; /* ncustomers + 1, non-decreasing; customer i owns
                              rows offset[i] - offset[0] .. offset[i+1] -
                              offset[0] of the arrays below, so a slice of a
                              global index may be passed as is */
    const int64_t *time;   /* seconds since 1970-01-01 UTC, per row */
    const double *amount;  /* per row, or NULL: no amounts known */
    const int64_t *order;  /* order key per row, or NULL: each distinct
                              time of a customer is one order */
} crm_rfm_tx;

/* Segment codes, the values crm_rfm_score writes to segment. */
typedef enum crm_rfm_segment {
    CRM_RFM_CHAMPIONS = 0,
    CRM_RFM_LOYAL_CUSTOMERS = 1,
    CRM_RFM_POTENTIAL_LOYALISTS = 2,
    CRM_RFM_NEW_CUSTOMERS = 3,
    CRM_RFM_PROMISING = 4,
    CRM_RFM_NEED_ATTENTION = 5,
    CRM_RFM_ABOUT_TO_SLEEP = 6,
    CRM_RFM_AT_RISK = 7,
    CRM_RFM_CANNOT_LOSE_THEM = 8,
    CRM_RFM_HIBERNATING = 9,
    CRM_RFM_LOST = 10,
    CRM_RFM_NO_PURCHASES = 11
} crm_rfm_segment;
#define CRM_RFM_NSEGMENTS 12

/* The latest transaction day (floor(time / 86400)) among all rows of tx,
 * whatever their amount, or INT64_MIN when there is none (or tx is unusable).
 * Engine takes the MAX over ranks; the default as_of_day is that + 1.
 * Thread-safe, no failure. */
int64_t crm_rfm_last_day(const crm_rfm_tx *tx);

/* recency[i], frequency[i], monetary[i] for each customer i of tx, as the
 * file comment defines them. Local: no comm. CRM_EINVAL when p is invalid
 * (bins, monetary_mean not 0/1, as_of_day out of range), an array is NULL
 * while needed, or offset decreases; these are checked before anything is
 * written. CRM_ERANGE when a recency or frequency exceeds INT32_MAX;
 * CRM_ENOMEM. After those two the arrays' contents are unspecified. */
crm_status crm_rfm_measures(const crm_rfm_tx *tx, const crm_rfm_params *p,
                            int32_t *recency, int32_t *frequency,
                            double *monetary);

/* Scores and segments for the n local customers. Collective: every rank
 * calls it, with n = its own customer count (0 is fine), and the same p.
 * Among customers with frequency > 0 on all ranks, with cuts from
 * crm_quantiles_cuts (equal frequency, a value equal to a cut goes to the
 * lower bin, so ties always share a score):
 *   f_score = crm_quantiles_bin(frequency), m_score = crm_quantiles_bin(
 *   monetary) (0 when monetary is NaN), r_score = bins + 1 -
 *   crm_quantiles_bin(recency), so the most recent buyers score highest;
 *   segment = crm_rfm_segment_code(r_score, f_score, bins).
 * Customers with frequency 0 get scores 0 and CRM_RFM_NO_PURCHASES.
 * CRM_EINVAL (on every rank, if on any) for invalid p, NULL arrays with
 * n > 0, frequency < 0, or frequency > 0 with recency < 0; CRM_ENOMEM. The
 * outputs are written only on success. */
crm_status crm_rfm_score(const crm_comm *c, size_t n, const int32_t *recency,
                         const int32_t *frequency, const double *monetary,
                         const crm_rfm_params *p, int32_t *r_score,
                         int32_t *f_score, int32_t *m_score, int32_t *segment);

/* The segment of scores (r, f) in 1..bins (bins 0 means 5). Both are first
 * put on the 1..5 scale: s5 = 1 + round((s - 1) * 4 / (bins - 1)), halves
 * rounding up, in integers. Then r5/f5 select:
 *   Champions r5 f4-5         Loyal Customers r3-4 f4-5
 *   Potential Loyalists r4-5 f2-3   New Customers r5 f1   Promising r4 f1
 *   Need Attention r3 f3      About To Sleep r3 f1-2      At Risk r1-2 f3-4
 *   Cannot Lose Them r1-2 f5  Hibernating r1-2 f1-2 but Lost r1 f1.
 * CRM_RFM_NO_PURCHASES when r or f is 0 (no score); -1 when bins is outside
 * 2..20 or a score outside 0..bins. Thread-safe, no failure. */
int32_t crm_rfm_segment_code(int32_t r_score, int32_t f_score, int bins);

/* The English name of a segment code ("Champions", ..., "No Purchases");
 * "Unknown" for any other value. Never NULL; static storage. */
const char *crm_rfm_segment_name(int32_t code);

#endif
