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

/* Sorts a customer's lines by key then item: insertion sort for the
 * short runs most customers have, qsort beyond. */
static void sort_lines(line *v, size_t n)
{
    if (n > 32) {
        qsort(v, n, sizeof *v, by_key_item);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        const line x = v[i];
        size_t k = i;
        while (k > 0 && by_key_item(&v[k - 1], &x) > 0) {
            v[k] = v[k - 1];
            k--;
        }
        v[k] = x;
    }
}

static int by_int(const void *a, const void *b)
{
    const int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The customer's distinct items, ascending, in place; returns how many. */
static size_t unique_items(int32_t *v, size_t n)
{
    qsort(v, n, sizeof *v, by_int);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[m - 1] != v[i])
            v[m++] = v[i];
    return m;
}

/* What one customer contributes: baskets, items in them, distinct items. */
typedef struct share {
    int64_t lines, baskets, basket_items, items;
} share;

typedef struct cols {
    const crm_column *item, *time, *order, *amount, *qty;
} cols;

/* Pass 1 for customer c: its purchase lines sorted in lines[r0..), its
 * distinct items in uniq[r0..), and its counts. */
static void count_customer(const crm_run *run, const cols *k, line *lines,
                           int32_t *uniq, size_t c, share *s)
{
    const int64_t r0 = run->tx_offset[c];
    line *v = lines + r0;
    size_t n = 0;
    for (int64_t r = r0; r < run->tx_offset[c + 1]; r++) {
        const size_t i = (size_t)r;
        if (crm_column_is_missing(k->item, i) ||
            !is_purchase(k->amount, k->qty, i))
            continue;
        v[n].key = crm_run_order_key(k->order, k->time, i);
        v[n++].item = (int32_t)crm_column_get_i64(k->item, i);
    }
    sort_lines(v, n);
    for (size_t i = 0; i < n; i++)
        uniq[r0 + (int64_t)i] = v[i].item;
    *s = (share){.lines = (int64_t)n,
                 .items = (int64_t)unique_items(uniq + r0, n)};
    if (run->job->apriori.basket_customer) {
        s->baskets = s->items > 0;
        s->basket_items = s->items;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        s->baskets += i == 0 || v[i].key != v[i - 1].key;
        s->basket_items += i == 0 || v[i].key != v[i - 1].key ||
                           v[i].item != v[i - 1].item;
    }
}

/* Pass 2 for customer c: its baskets from basket index bi and item
 * position ii, its distinct items at cust_offset[c]. */
static void write_customer(crm_basket_set *b, int by_customer,
                           const line *v, const int32_t *uniq,
                           const share *s, int64_t bi, int64_t ii, size_t c)
{
    memcpy(b->cust_items + b->cust_offset[c], uniq,
           (size_t)s->items * sizeof *uniq);
    if (by_customer) {
        if (s->items > 0) {
            memcpy(b->items + ii, uniq, (size_t)s->items * sizeof *uniq);
            b->offset[bi + 1] = ii + s->items;
        }
        return;
    }
    for (int64_t i = 0; i < s->lines; i++) {
        const int new_basket = i == 0 || v[i].key != v[i - 1].key;
        if (new_basket && i > 0)
            b->offset[bi++ + 1] = ii;
        if (new_basket || v[i].item != v[i - 1].item)
            b->items[ii++] = v[i].item;
    }
    if (s->lines > 0)
        b->offset[bi + 1] = ii;
}

/* Customers are grouped in parallel in two passes: count (each in its own
 * slice of the lines, by its tx_offset), a serial prefix sum of the
 * counts, then write at the summed offsets. The result does not depend on
 * the thread count. */
static crm_status fill_from_lines(crm_run *run, crm_basket_set *b,
                                  const crm_table *t)
{
    const cols k = {crm_table_find(t, run->job->apriori.item),
                    crm_table_find(t, "time"), crm_table_find(t, "order_id"),
                    crm_table_find(t, "amount"), crm_table_find(t, "quantity")};
    const size_t ncust = crm_run_nlocal(run), ntx = t->nrows;
    const int by_customer = run->job->apriori.basket_customer;
    line *lines = malloc((ntx + 1) * sizeof *lines);
    int32_t *uniq = malloc((ntx + 1) * sizeof *uniq);
    share *s = malloc((ncust + 1) * sizeof *s);
    int64_t *start = malloc(2 * (ncust + 1) * sizeof *start);
    b->offset = calloc(ntx + 2, sizeof *b->offset);
    b->items = malloc((ntx + 1) * sizeof *b->items);
    b->cust_offset = calloc(ncust + 1, sizeof *b->cust_offset);
    b->cust_items = malloc((ntx + 1) * sizeof *b->cust_items);
    crm_status rc = (lines && uniq && s && start && b->offset && b->items &&
                     b->cust_offset && b->cust_items)
                        ? CRM_OK
                        : CRM_ENOMEM;
    const long long nc = rc == CRM_OK ? (long long)ncust : 0;
#pragma omp parallel for schedule(dynamic, 256)
    for (long long c = 0; c < nc; c++)
        count_customer(run, &k, lines, uniq, (size_t)c, &s[c]);
    int64_t nb = 0, ni = 0;
    for (long long c = 0; c < nc; c++) {
        start[2 * c] = nb;
        start[2 * c + 1] = ni;
        nb += s[c].baskets;
        ni += s[c].basket_items;
        b->cust_offset[c + 1] = b->cust_offset[c] + s[c].items;
    }
#pragma omp parallel for schedule(dynamic, 256)
    for (long long c = 0; c < nc; c++) {
        const int64_t r0 = run->tx_offset[c];
        write_customer(b, by_customer, lines + r0, uniq + r0, &s[c],
                       start[2 * c], start[2 * c + 1], (size_t)c);
    }
    b->n = (size_t)nb;
    free(start);
    free(s);
    free(uniq);
    free(lines);
    return rc;
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
