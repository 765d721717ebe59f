/* engine/stage_rfm.c — connects algorithms/rfm to the run. */
#include "engine/stage_rfm.h"

#include <stdlib.h>
#include <string.h>

#include "algorithms/rfm/rfm.h"
#include "io/datetime.h"

/* The kernel's inputs, converted from whatever types the store holds. */
typedef struct rfm_inputs {
    int64_t *time;   /* owned copy, or NULL when the column is int64 */
    double *amount;  /* owned copy, or NULL when float64 (or absent) */
    int64_t *order;  /* owned order keys, or NULL without order_id */
} rfm_inputs;

static crm_status convert(const crm_table *t, rfm_inputs *in,
                          crm_rfm_tx *tx, crm_error *err)
{
    const crm_column *time = crm_table_find(t, "time");
    const crm_column *amount = crm_table_find(t, "amount");
    const crm_column *order = crm_table_find(t, "order_id");
    const size_t n = t->nrows ? t->nrows : 1;
    if (time->type != CRM_TYPE_INT64 && time->type != CRM_TYPE_INT32)
        return crm_error_set(err, CRM_EFORMAT, "/transactions column time: "
                             "expected integer seconds, found %s",
                             crm_type_name(time->type));
    if (time->type != CRM_TYPE_INT64 &&
        (in->time = malloc(n * sizeof *in->time)) == NULL)
        return CRM_ENOMEM;
    if (amount != NULL && amount->type != CRM_TYPE_FLOAT64 &&
        (in->amount = malloc(n * sizeof *in->amount)) == NULL)
        return CRM_ENOMEM;
    if (order != NULL && (in->order = malloc(n * sizeof *in->order)) == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < t->nrows; i++) {
        const int64_t ti = crm_column_get_i64(time, i);
        if (in->time != NULL)
            in->time[i] = ti;
        if (in->amount != NULL)
            in->amount[i] = crm_column_get_f64(amount, i);
        if (in->order != NULL)
            in->order[i] = crm_run_order_key(order, time, i);
    }
    tx->time = in->time != NULL ? in->time : time->data;
    tx->amount = in->amount != NULL  ? in->amount
                 : amount != NULL ? amount->data
                                  : NULL;
    tx->order = in->order;
    return CRM_OK;
}

static void inputs_free(rfm_inputs *in)
{
    free(in->order);
    free(in->amount);
    free(in->time);
}

static crm_status resolve_as_of(crm_run *run, const crm_rfm_tx *tx,
                                int64_t *as_of_day)
{
    if (run->job->rfm.has_as_of) {
        *as_of_day = run->job->rfm.as_of_day;
        return CRM_OK;
    }
    int64_t last = crm_rfm_last_day(tx);
    crm_status rc = run->comm->allreduce_i64(run->comm, &last, 1, CRM_OP_MAX);
    /* no transaction anywhere: every customer is "No Purchases" */
    *as_of_day = last == INT64_MIN ? 0 : last + 1;
    return rc;
}

/* crm_rfm_measures over slices of whole blocks, so rank 0 can log progress
 * on a long run; a customer's result does not depend on the slicing. */
static crm_status measures_with_progress(crm_run *run, const crm_rfm_tx *tx,
                                         const crm_rfm_params *p,
                                         int32_t *rec, int32_t *freq,
                                         double *mon)
{
    const size_t step = 64 * (size_t)run->block_rows;
    crm_status rc = CRM_OK;
    for (size_t c0 = 0; rc == CRM_OK && c0 < tx->ncustomers; c0 += step) {
        const size_t n = tx->ncustomers - c0 < step ? tx->ncustomers - c0
                                                    : step;
        const int64_t r0 = tx->offset[c0];
        const crm_rfm_tx slice = {
            .ncustomers = n,
            .offset = tx->offset + c0,
            .time = tx->time != NULL ? tx->time + r0 : NULL,
            .amount = tx->amount != NULL ? tx->amount + r0 : NULL,
            .order = tx->order != NULL ? tx->order + r0 : NULL,
        };
        rc = crm_rfm_measures(&slice, p, rec + c0, freq + c0, mon + c0);
        crm_log_progress(run->log, "rfm (rank 0's customers)",
                         (long long)(c0 + n), (long long)tx->ncustomers);
    }
    return rc;
}

static crm_status add_scores(crm_run *run, int32_t *rec, int32_t *freq,
                             double *mon, int32_t *sc[4])
{
    static const char *names[CRM_RFM_NSEGMENTS];
    for (int32_t s = 0; s < CRM_RFM_NSEGMENTS; s++)
        names[s] = crm_rfm_segment_name(s);
    const crm_column cols[] = {
        {.name = "recency", .type = CRM_TYPE_INT32, .has_missing = 1,
         .missing_value = -1},
        {.name = "frequency", .type = CRM_TYPE_INT32},
        {.name = "monetary", .type = CRM_TYPE_FLOAT64},
        {.name = "r_score", .type = CRM_TYPE_INT32, .has_missing = 1},
        {.name = "f_score", .type = CRM_TYPE_INT32, .has_missing = 1},
        {.name = "m_score", .type = CRM_TYPE_INT32, .has_missing = 1},
        {.name = "rfm_segment", .type = CRM_TYPE_INT32, .dict = names,
         .ndict = CRM_RFM_NSEGMENTS},
    };
    void *data[] = {rec, freq, mon, sc[0], sc[1], sc[2], sc[3]};
    crm_status rc = CRM_OK;
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        const crm_status st = crm_run_add_score(run, cols[i], data[i]);
        if (rc == CRM_OK)
            rc = st;
    }
    return rc;
}

static void report(crm_run *run, cJSON *js, const crm_rfm_params *p,
                   const int32_t *segment, size_t n)
{
    int64_t counts[CRM_RFM_NSEGMENTS] = {0};
    for (size_t i = 0; i < n; i++)
        counts[segment[i]]++;
    if (run->comm->allreduce_i64(run->comm, counts, CRM_RFM_NSEGMENTS,
                                 CRM_OP_SUM) != CRM_OK)
        return;
    char date[CRM_DATE_LEN];
    crm_date_format(p->as_of_day * 86400, date);
    cJSON_AddStringToObject(js, "as_of", date);
    cJSON_AddNumberToObject(js, "bins", p->bins);
    cJSON_AddStringToObject(js, "monetary", p->monetary_mean ? "mean" : "sum");
    cJSON *seg = cJSON_AddObjectToObject(js, "segments");
    for (int32_t s = 0; s < CRM_RFM_NSEGMENTS; s++)
        cJSON_AddNumberToObject(seg, crm_rfm_segment_name(s),
                                (double)counts[s]);
}

crm_status crm_stage_rfm(crm_run *run, cJSON *stage_json, crm_error *err)
{
    static const char *const need[] = {"time"};
    static const char *const maybe[] = {"amount", "order_id"};
    const size_t n = crm_run_nlocal(run);
    const size_t alloc_n = n ? n : 1;
    crm_tx_view tv;
    rfm_inputs in = {0};
    int32_t *rec = malloc(alloc_n * sizeof *rec);
    int32_t *freq = malloc(alloc_n * sizeof *freq);
    double *mon = malloc(alloc_n * sizeof *mon);
    int32_t *sc[4];
    for (size_t i = 0; i < 4; i++)
        sc[i] = malloc(alloc_n * sizeof *sc[i]);
    crm_status rc = (rec && freq && mon && sc[0] && sc[1] && sc[2] && sc[3])
                        ? CRM_OK
                        : CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    rc = crm_run_read_tx(run, "rfm", need, 1, maybe, 2, &tv, err);
    if (rc != CRM_OK)
        goto done;
    const double t0 = crm_log_now();
    crm_rfm_tx tx = {.ncustomers = n, .offset = run->tx_offset};
    crm_rfm_params p = {.bins = run->job->rfm.bins,
                        .monetary_mean = run->job->rfm.monetary_mean};
    rc = convert(&tv.t, &in, &tx, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    if ((rc = resolve_as_of(run, &tx, &p.as_of_day)) == CRM_OK)
        rc = measures_with_progress(run, &tx, &p, rec, freq, mon);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    rc = crm_rfm_score(run->comm, n, rec, freq, mon, &p, sc[0], sc[1], sc[2],
                       sc[3]);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    report(run, stage_json, &p, sc[3], n);
    run->seconds_compute += crm_log_now() - t0;
    rc = add_scores(run, rec, freq, mon, sc);
    rec = freq = NULL;
    mon = NULL;
    for (size_t i = 0; i < 4; i++)
        sc[i] = NULL;
done:
    for (size_t i = 0; i < 4; i++)
        free(sc[i]);
    free(mon);
    free(freq);
    free(rec);
    inputs_free(&in);
    return rc;
}
