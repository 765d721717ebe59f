/* engine/apriori_baskets.c — purchase lines or imported baskets to CSR. */
#define _POSIX_C_SOURCE 200809L
#include "engine/apriori_baskets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct line {
    int64_t key;   /* order key */
    int32_t item;
} line;

static int by_key_item(const void *a, const void *b)
{
    const line *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

static int by_item(const void *a, const void *b)
{
    const line *x = a, *y = b;
    return (x->item > y->item) - (x->item < y->item);
}

/* Appends the distinct items of lines[0..n) (sorted by item within equal
 * keys) to items; returns how many. */
static size_t put_unique(const line *lines, size_t n, int32_t *items)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || items[m - 1] != lines[i].item)
            items[m++] = lines[i].item;
    return m;
}

/* Dense item ids: dictionary codes, or stored integers 0..max. */
static crm_status item_count(crm_run *run, const crm_column *c, size_t n,
                             size_t *nitems, crm_error *err)
{
    int64_t max = -1, bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (crm_column_is_missing(c, i))
            continue;
        const int64_t v = crm_column_get_i64(c, i);
        bad |= v < 0 || v > INT32_MAX - 1;
        max = v > max ? v : max;
    }
    if (c->dict != NULL)
        max = (int64_t)c->ndict - 1;
    int64_t both[2] = {max, bad};
    crm_status rc = run->comm->allreduce_i64(run->comm, both, 2, CRM_OP_MAX);
    if (rc == CRM_OK && both[1])
        rc = crm_error_set(err, CRM_EFORMAT, "stage apriori: column %s: "
                           "expected item ids from 0 to 2^31 - 2", c->name);
    *nitems = (size_t)(both[0] + 1);
    return rc;
}

static int is_purchase(const crm_column *amount, const crm_column *qty,
                       size_t i)
{
    if (amount != NULL)
        return crm_column_get_f64(amount, i) > 0;
    if (qty != NULL)
        return crm_column_get_f64(qty, i) > 0;
    return 1;
}

/* Groups one customer's purchase lines (lines[0..n)) into baskets. */
static void customer_baskets(crm_basket_set *b, int by_customer, line *lines,
                             size_t n, size_t c)
{
    qsort(lines, n, sizeof *lines, by_item);
    const size_t m = put_unique(lines, n, b->cust_items + b->cust_offset[c]);
    b->cust_offset[c + 1] = b->cust_offset[c] + (int64_t)m;
    if (by_customer) {
        if (m > 0) {
            memcpy(b->items + b->offset[b->n],
                   b->cust_items + b->cust_offset[c], m * sizeof *b->items);
            b->offset[b->n + 1] = b->offset[b->n] + (int64_t)m;
            b->n++;
        }
        return;
    }
    qsort(lines, n, sizeof *lines, by_key_item);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && lines[j].key == lines[i].key)
            j++;
        const size_t k = put_unique(lines + i, j - i, b->items + b->offset[b->n]);
        b->offset[b->n + 1] = b->offset[b->n] + (int64_t)k;
        b->n++;
        i = j;
    }
}

static crm_status fill_from_lines(crm_run *run, crm_basket_set *b,
                                  const crm_table *t)
{
    const crm_column *item = crm_table_find(t, run->job->apriori.item);
    const crm_column *time = crm_table_find(t, "time");
    const crm_column *order = crm_table_find(t, "order_id");
    const crm_column *amount = crm_table_find(t, "amount");
    const crm_column *qty = crm_table_find(t, "quantity");
    const size_t ncust = crm_run_nlocal(run), ntx = t->nrows;
    line *lines = malloc((ntx + 1) * sizeof *lines);
    b->offset = calloc(ntx + 2, sizeof *b->offset);
    b->items = malloc((ntx + 1) * sizeof *b->items);
    b->cust_offset = calloc(ncust + 1, sizeof *b->cust_offset);
    b->cust_items = malloc((ntx + 1) * sizeof *b->cust_items);
    if (!lines || !b->offset || !b->items || !b->cust_offset ||
        !b->cust_items) {
        free(lines);
        return CRM_ENOMEM;
    }
    for (size_t c = 0; c < ncust; c++) {
        size_t n = 0;
        for (int64_t r = run->tx_offset[c]; r < run->tx_offset[c + 1]; r++) {
            const size_t i = (size_t)r;
            if (crm_column_is_missing(item, i) || !is_purchase(amount, qty, i))
                continue;
            lines[n].key = crm_run_order_key(order, time, i);
            lines[n++].item = (int32_t)crm_column_get_i64(item, i);
        }
        customer_baskets(b, run->job->apriori.basket_customer, lines, n, c);
    }
    free(lines);
    return CRM_OK;
}

static crm_status from_transactions(crm_run *run, crm_basket_set *b,
                                    crm_error *err)
{
    const char *need[] = {run->job->apriori.item, "time"};
    static const char *const maybe[] = {"order_id", "amount", "quantity"};
    crm_tx_view tv;
    crm_status rc =
        crm_run_read_tx(run, "apriori", need, 2, maybe, 3, &tv, err);
    if (rc != CRM_OK)
        return rc;
    const crm_table *t = &tv.t;
    /* a copy of the view's column: the data it points to is the run's */
    b->item_col = *crm_table_find(t, run->job->apriori.item);
    b->item = &b->item_col;
    rc = item_count(run, b->item, t->nrows, &b->nitems, err);
    if (rc == CRM_OK)
        rc = crm_mpi_agree(run->mpi, fill_from_lines(run, b, t), err);
    return rc;
}

/* Baskets [*first, *last) of this rank: equal runs of whole blocks. */
static crm_status basket_range(crm_run *run, int64_t *first, int64_t *last,
                               int64_t *nbaskets, crm_error *err)
{
    crm_table_info *info = NULL;
    crm_status rc = crm_store_table_info(run->store, "/baskets", &info, err);
    if (rc == CRM_OK)
        rc = crm_store_get_attr_i64(run->store, "/baskets", "nbaskets",
                                    nbaskets, err);
    if (rc != CRM_OK) {
        crm_table_info_free(info);
        return rc;
    }
    const int64_t B = info->block_rows > 0 ? info->block_rows
                                           : CRM_STORE_BLOCK_ROWS;
    crm_table_info_free(info);
    const int64_t nb = (*nbaskets + B - 1) / B, p = run->nranks;
    const int64_t b0 = nb * run->rank / p, b1 = nb * (run->rank + 1) / p;
    *first = b0 * B < *nbaskets ? b0 * B : *nbaskets;
    *last = b1 * B < *nbaskets ? b1 * B : *nbaskets;
    return CRM_OK;
}

static crm_status fill_from_baskets(crm_basket_set *b, const int64_t *off,
                                    size_t n)
{
    const size_t nrows = (size_t)(off[n] - off[0]);
    b->offset = calloc(n + 1, sizeof *b->offset);
    b->items = malloc((nrows + 1) * sizeof *b->items);
    line *tmp = malloc((nrows + 1) * sizeof *tmp);
    if (!b->offset || !b->items || !tmp) {
        free(tmp);
        return CRM_ENOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        size_t m = 0;
        for (int64_t r = off[k] - off[0]; r < off[k + 1] - off[0]; r++)
            if (!crm_column_is_missing(b->item, (size_t)r))
                tmp[m++] = (line){0, (int32_t)crm_column_get_i64(
                                         b->item, (size_t)r)};
        qsort(tmp, m, sizeof *tmp, by_item);
        b->offset[k + 1] =
            b->offset[k] + (int64_t)put_unique(tmp, m, b->items + b->offset[k]);
    }
    b->n = n;
    free(tmp);
    return CRM_OK;
}

static crm_status from_baskets(crm_run *run, crm_basket_set *b,
                               crm_error *err)
{
    static const char *const item[] = {"item"};
    int64_t first = 0, last = 0;
    crm_status rc = basket_range(run, &first, &last, &b->nbaskets, err);
    const size_t n = (size_t)(last - first);
    int64_t *off = calloc(n + 2, sizeof *off);
    if (rc == CRM_OK && off == NULL)
        rc = CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) == CRM_OK)
        rc = crm_store_read_i64_strided(run->store, "/baskets", "item_offset",
                                        first, 1, (int64_t)n + 1, run->dxpl,
                                        off, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) == CRM_OK)
        rc = crm_store_read(run->store, "/baskets", item, 1, off[0],
                            off[n] - off[0], run->dxpl, &b->frame, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) == CRM_OK) {
        const crm_table *t = crm_frame_table(b->frame);
        b->item = crm_table_find(t, "item");
        rc = item_count(run, b->item, t->nrows, &b->nitems, err);
    }
    if (rc == CRM_OK)
        rc = crm_mpi_agree(run->mpi, fill_from_baskets(b, off, n), err);
    free(off);
    return rc;
}

crm_status crm_baskets_load(crm_run *run, crm_basket_set **out,
                            crm_error *err)
{
    crm_basket_set *b = calloc(1, sizeof *b);
    crm_status rc = b == NULL ? CRM_ENOMEM : CRM_OK;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    if (run->has_tx) {
        rc = from_transactions(run, b, err);
        int64_t n = (int64_t)b->n;
        if (rc == CRM_OK)
            rc = run->comm->allreduce_i64(run->comm, &n, 1, CRM_OP_SUM);
        b->nbaskets = n;
    } else if (crm_store_has_table(run->store, "/baskets")) {
        rc = from_baskets(run, b, err);
    } else {
        rc = crm_error_set(err, CRM_ENOTFOUND, "stage apriori needs table "
                           "/transactions or /baskets, which %s does not "
                           "have", run->job->store);
    }
    if (rc == CRM_OK)
        *out = b;
    else
        crm_baskets_free(b);
    return rc;
}

void crm_baskets_free(crm_basket_set *b)
{
    if (b == NULL)
        return;
    free(b->cust_items);
    free(b->cust_offset);
    free(b->items);
    free(b->offset);
    crm_frame_free(b->frame);
    free(b);
}

const char *crm_baskets_item_name(const crm_basket_set *b, int32_t id,
                                  char *buf, size_t len)
{
    const char *text = crm_column_dict_text(b->item, id);
    if (text != NULL)
        snprintf(buf, len, "%s", text);
    else
        snprintf(buf, len, "%d", (int)id);
    return buf;
}
