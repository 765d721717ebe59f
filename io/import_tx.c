/* io/import_tx.c — crmine import transactions.
 *
 * Pass 1 streams the CSV: each row's customer id, order id and item are
 * interned (one pool each), its time parsed to UTC seconds, its numbers to
 * doubles; rows without a customer id, time or amount are rejected and
 * counted.
 * Then the customer ids of the old /customers and of the file are merged
 * into one sorted id space (import_ids.c), every row gets its customer's row,
 * and a stable sort by (customer, time, file order) fixes the transaction
 * order. The old /customers columns follow their ids into the new rows; new
 * customers get missing values there. /transactions is replaced, not
 * appended to. Returns (negative quantities) are kept as they are. */
#include "io/import_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/datetime.h"

#define NO_COLUMN SIZE_MAX

typedef struct tx_rows {
    size_t n, cap;
    int32_t *cust, *order, *item; /* pool ids; -1 when empty */
    int64_t *time;
    double *qty, *price, *amount;
} tx_rows;

typedef struct tx_job {
    const crm_import_tx_opts *o;
    crm_csv *r;
    size_t c_cust, c_time, c_order, c_item, c_qty, c_price, c_amount;
    tx_rows rows;
    crm_imp_pool *cust, *order, *item;
    crm_import_report rep;
} tx_job;

static crm_status check_opts(const crm_import_tx_opts *o, crm_error *err)
{
    if (o == NULL || o->csv == NULL || o->out == NULL)
        return crm_error_set(err, CRM_EINVAL,
                             "import transactions: --csv and --out are "
                             "required");
    if (o->customer == NULL || o->time == NULL)
        return crm_error_set(err, CRM_EINVAL,
                             "import transactions: --customer and --time "
                             "are required");
    if (o->amount != NULL && o->price != NULL)
        return crm_error_set(err, CRM_EINVAL,
                             "import transactions: give --amount or --price, "
                             "not both (amount = quantity x price)");
    if (o->price != NULL && o->quantity == NULL)
        return crm_error_set(err, CRM_EINVAL,
                             "import transactions: --price needs --quantity "
                             "(amount = quantity x price)");
    if (o->time_format != NULL && !crm_datetime_format_ok(o->time_format))
        return crm_error_set(err, CRM_EINVAL,
                             "import transactions: --time-format \"%s\" uses "
                             "a directive other than %%Y %%m %%d %%H %%M %%S "
                             "%%%%",
                             o->time_format);
    return CRM_OK;
}

static crm_status find_opt(tx_job *j, const char *opt, const char *name,
                           size_t *idx, crm_error *err)
{
    *idx = NO_COLUMN;
    return name ? crm_imp_find_column(j->r, opt, name, idx, err) : CRM_OK;
}

static crm_status map_columns(tx_job *j, crm_error *err)
{
    const crm_import_tx_opts *o = j->o;
    crm_status rc = CRM_OK;
    if ((rc = find_opt(j, "--customer", o->customer, &j->c_cust, err)) ||
        (rc = find_opt(j, "--time", o->time, &j->c_time, err)) ||
        (rc = find_opt(j, "--order", o->order, &j->c_order, err)) ||
        (rc = find_opt(j, "--item", o->item, &j->c_item, err)) ||
        (rc = find_opt(j, "--quantity", o->quantity, &j->c_qty, err)) ||
        (rc = find_opt(j, "--price", o->price, &j->c_price, err)) ||
        (rc = find_opt(j, "--amount", o->amount, &j->c_amount, err)))
        return rc;
    return CRM_OK;
}

static int grow_rows(tx_rows *t)
{
    if (t->n < t->cap)
        return 0;
    const size_t cap = t->cap ? 2 * t->cap : 4096;
    void **arrays[] = {(void **)&t->cust,  (void **)&t->order,
                       (void **)&t->item,  (void **)&t->time,
                       (void **)&t->qty,   (void **)&t->price,
                       (void **)&t->amount};
    const size_t sizes[] = {4, 4, 4, 8, 8, 8, 8};
    for (size_t i = 0; i < 7; i++) {
        void *p = realloc(*arrays[i], cap * sizes[i]);
        if (p == NULL)
            return -1;
        *arrays[i] = p;
    }
    t->cap = cap;
    return 0;
}

static void free_rows(tx_rows *t)
{
    free(t->cust);
    free(t->order);
    free(t->item);
    free(t->time);
    free(t->qty);
    free(t->price);
    free(t->amount);
}

/* A number field; empty (or no such column) is NaN: an empty quantity
 * without a price (a row without an amount is rejected before this). */
static crm_status number(tx_job *j, size_t col, const char *name, int64_t line,
                         double *v, crm_error *err)
{
    *v = NAN;
    if (col == NO_COLUMN)
        return CRM_OK;
    const crm_text t = crm_imp_field(j->r, col);
    if (t.n == 0)
        return CRM_OK;
    const int ok = crm_imp_parse_f64(t, v);
    if (ok == 1)
        return CRM_OK;
    return crm_imp_bad_value(err, j->r, line, name,
                             ok < 0 ? "a finite number" : "a number", t);
}

static crm_status parse_time(tx_job *j, crm_text t, int64_t line, int64_t *secs,
                             crm_error *err)
{
    char what[160];
    const crm_status rc =
        j->o->time_format
            ? crm_datetime_parse_format(t.s, t.n, j->o->time_format, secs)
            : crm_datetime_parse(t.s, t.n, secs);
    if (rc == CRM_OK)
        return CRM_OK;
    if (j->o->time_format)
        snprintf(what, sizeof what, "a date/time in the format \"%s\"%s",
                 j->o->time_format, rc == CRM_ERANGE ? " (no such date)" : "");
    else
        snprintf(what, sizeof what,
                 "a date/time (YYYY-MM-DD[ HH:MM[:SS]], ISO 8601, YYYYMMDD "
                 "or M/D/YYYY[ H:MM[:SS]])%s",
                 rc == CRM_ERANGE ? "; no such date or time" : "");
    return crm_imp_bad_value(err, j->r, line, j->o->time, what, t);
}

static crm_status intern(crm_imp_pool *p, const crm_csv *r, size_t col,
                         int32_t *id)
{
    *id = -1;
    if (col == NO_COLUMN)
        return CRM_OK;
    const crm_text t = crm_imp_field(r, col);
    return t.n == 0 ? CRM_OK : crm_imp_pool_intern(p, t, id);
}

static crm_status amounts(tx_job *j, int64_t line, size_t k, crm_error *err)
{
    tx_rows *t = &j->rows;
    crm_status rc = CRM_OK;
    if ((rc = number(j, j->c_qty, j->o->quantity, line, &t->qty[k], err)) ||
        (rc = number(j, j->c_price, j->o->price, line, &t->price[k], err)) ||
        (rc = number(j, j->c_amount, j->o->amount, line, &t->amount[k], err)))
        return rc;
    if (j->c_price == NO_COLUMN)
        return CRM_OK;
    t->amount[k] = t->qty[k] * t->price[k];
    if (isinf(t->amount[k]))
        return crm_error_set(err, CRM_ERANGE,
                             "%s:%lld: column \"%s\" x column \"%s\" "
                             "overflows",
                             crm_csv_path(j->r), (long long)line,
                             j->o->quantity, j->o->price);
    return CRM_OK;
}

static int is_empty(const tx_job *j, size_t col)
{
    return col != NO_COLUMN && crm_imp_field(j->r, col).n == 0;
}

/* Why the current row is rejected, or CRM_REJECT_COUNT to keep it. An
 * amount is missing when its column, or quantity or price when amount =
 * quantity x price, is empty. */
static crm_import_reason reject_reason(const tx_job *j)
{
    if (crm_imp_field(j->r, j->c_cust).n == 0)
        return CRM_REJECT_NO_CUSTOMER;
    if (crm_imp_field(j->r, j->c_time).n == 0)
        return CRM_REJECT_NO_TIME;
    if (is_empty(j, j->c_amount) ||
        (j->c_price != NO_COLUMN &&
         (is_empty(j, j->c_price) || is_empty(j, j->c_qty))))
        return CRM_REJECT_NO_AMOUNT;
    return CRM_REJECT_COUNT;
}

static crm_status read_row(tx_job *j, crm_error *err)
{
    const int64_t line = crm_csv_line(j->r);
    const crm_text cust = crm_imp_field(j->r, j->c_cust);
    const crm_text tm = crm_imp_field(j->r, j->c_time);
    const crm_import_reason why = reject_reason(j);
    tx_rows *t = &j->rows;
    const size_t k = t->n;
    crm_status rc = CRM_OK;
    j->rep.rows_read++;
    if (why != CRM_REJECT_COUNT) {
        j->rep.rejected[why]++;
        j->rep.rows_rejected++;
        return CRM_OK;
    }
    if (grow_rows(t) != 0)
        return crm_imp_nomem(err, j->o->csv);
    if ((rc = parse_time(j, tm, line, &t->time[k], err)) ||
        (rc = amounts(j, line, k, err)))
        return rc;
    if ((rc = crm_imp_pool_intern(j->cust, cust, &t->cust[k])) ||
        (rc = intern(j->order, j->r, j->c_order, &t->order[k])) ||
        (rc = intern(j->item, j->r, j->c_item, &t->item[k])))
        return crm_error_set(err, rc, "%s:%lld: too many distinct values",
                             j->o->csv, (long long)line);
    t->n++;
    return CRM_OK;
}

static crm_status read_all(tx_job *j, crm_error *err)
{
    crm_status rc = CRM_OK;
    int got = 0;
    while ((rc = crm_csv_next(j->r, &got, err)) == CRM_OK && got)
        if ((rc = read_row(j, err)) != CRM_OK)
            return rc;
    if (rc != CRM_OK)
        return rc;
    if (j->rep.rows_read == 0)
        return crm_error_set(err, CRM_EEMPTY,
                             "%s: no data rows after the header", j->o->csv);
    if (j->rows.n == 0)
        return crm_error_set(err, CRM_EEMPTY,
                             "%s: no rows to import: all %lld rows lack a "
                             "customer id, a time or an amount",
                             j->o->csv, (long long)j->rep.rows_read);
    j->rep.rows_imported = (int64_t)j->rows.n;
    return CRM_OK;
}

/* ---- pass 2: ids, order, tables ---- */

typedef struct tx_out {
    crm_imp_old old;
    crm_imp_ids ids;
    int64_t *num_keys; /* file ids as integers, or NULL (text) */
    const char **txt_keys;
    int64_t *pool_row; /* customer row of each customer pool id */
    int64_t *cust_row; /* customer row of each transaction, file order */
    size_t *perm;      /* sorted position -> file row */
    int64_t *dest;     /* file row -> sorted position */
    int64_t *offsets;
    crm_imp_table tx, cust;
} tx_out;

static const crm_column *old_ids(const crm_imp_old *old)
{
    return crm_table_find(crm_frame_table(old->customers), "customer_id");
}

static crm_status bad_store(const crm_import_tx_opts *o, crm_error *err)
{
    return crm_error_set(err, CRM_EFORMAT,
                         "%s:/customers: customer_id is neither int64 ids "
                         "nor row-keyed text ids",
                         o->out);
}

static crm_status merge_ids(tx_job *j, tx_out *w, crm_error *err)
{
    crm_imp_keys src[2];
    size_t nsrc = 0;
    const size_t n = j->rows.n;
    if (w->old.customers != NULL) {
        const crm_column *c = old_ids(&w->old);
        if (c == NULL || crm_imp_keys_of_ids(c, (size_t)w->old.ncustomers,
                                             &src[nsrc++]) != CRM_OK)
            return bad_store(j->o, err);
    }
    const size_t mine = nsrc++;
    if (crm_imp_keys_of_pool(j->cust, &w->num_keys, &w->txt_keys, &src[mine]) !=
            CRM_OK ||
        crm_imp_ids_build(src, nsrc, &w->ids) != CRM_OK ||
        (w->pool_row = malloc((src[mine].n + 1) * sizeof(int64_t))) == NULL ||
        (w->cust_row = malloc(n * sizeof(int64_t))) == NULL ||
        (w->perm = malloc(n * sizeof(size_t))) == NULL ||
        (w->dest = malloc(n * sizeof(int64_t))) == NULL)
        return crm_imp_nomem(err, j->o->csv);
    if (crm_imp_ids_rows(&w->ids, &src[mine], w->pool_row) != CRM_OK)
        return crm_error_set(err, CRM_EINVAL, "import: id merge failed");
    for (size_t i = 0; i < n; i++)
        w->cust_row[i] = w->pool_row[j->rows.cust[i]];
    if (crm_imp_sort_tx(w->cust_row, j->rows.time, n, w->perm, w->dest) !=
            CRM_OK ||
        crm_imp_offsets(w->cust_row, n, w->ids.n, &w->offsets) != CRM_OK)
        return crm_imp_nomem(err, j->o->csv);
    return CRM_OK;
}

/* /customers: the merged ids, then the old columns following their ids. */
static crm_status build_customers(tx_job *j, tx_out *w, crm_error *err)
{
    crm_imp_table *t = &w->cust;
    crm_imp_keys k;
    int64_t *rows = NULL;
    crm_status rc = crm_imp_ids_column(&w->ids, t);
    t->view.nrows = w->ids.n;
    if (rc != CRM_OK || w->old.customers == NULL)
        goto done;
    const crm_table *old = crm_frame_table(w->old.customers);
    const size_t nold = (size_t)w->old.ncustomers;
    if ((rows = malloc((nold + 1) * sizeof *rows)) == NULL) {
        rc = CRM_ENOMEM;
        goto done;
    }
    if ((rc = crm_imp_keys_of_ids(old_ids(&w->old), nold, &k)) != CRM_OK ||
        (rc = crm_imp_ids_rows(&w->ids, &k, rows)) != CRM_OK)
        goto done;
    for (size_t c = 0; c < old->ncols && rc == CRM_OK; c++)
        if (strcmp(old->cols[c].name, "customer_id") != 0)
            rc = crm_imp_table_scatter(t, &old->cols[c], nold, rows, w->ids.n);
done:
    free(rows);
    if (rc == CRM_ERANGE)
        return crm_error_set(err, rc,
                             "%s:/customers: an integer column already "
                             "holds its missing-value sentinel",
                             j->o->out);
    return rc == CRM_OK ? CRM_OK : crm_imp_nomem(err, j->o->csv);
}

static crm_status add_doubles(crm_imp_table *t, const char *name,
                              const double *v, const size_t *perm, size_t n)
{
    const crm_column c = {.name = name, .type = CRM_TYPE_FLOAT64, .data = v};
    return crm_imp_table_permute(t, &c, perm, n);
}

static crm_status tx_ids(tx_job *j, tx_out *w)
{
    const size_t n = j->rows.n;
    int64_t *id = crm_imp_table_alloc(&w->tx, n, sizeof *id);
    if (id == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const int64_t row = w->cust_row[w->perm[i]];
        id[i] = w->ids.is_text ? row : w->ids.num[row];
    }
    const crm_column c = {
        .name = "customer_id", .type = CRM_TYPE_INT64, .data = id};
    const crm_column tm = {
        .name = "time", .type = CRM_TYPE_INT64, .data = j->rows.time};
    crm_status rc = crm_imp_table_add(&w->tx, &c);
    return rc ? rc : crm_imp_table_permute(&w->tx, &tm, w->perm, n);
}

static crm_status build_transactions(tx_job *j, tx_out *w, crm_error *err)
{
    const tx_rows *r = &j->rows;
    crm_imp_table *t = &w->tx;
    crm_status rc = tx_ids(j, w);
    t->view.nrows = r->n;
    if (rc == CRM_OK && j->o->order)
        rc = crm_imp_pool_column(t, "order_id", j->order, r->order, r->n,
                                 w->dest, r->n, CRM_KIND_INT_OR_TEXT, NULL);
    if (rc == CRM_OK && j->o->item)
        rc = crm_imp_pool_column(t, "item", j->item, r->item, r->n, w->dest,
                                 r->n, CRM_KIND_TEXT, NULL);
    if (rc == CRM_OK && j->o->quantity)
        rc = add_doubles(t, "quantity", r->qty, w->perm, r->n);
    if (rc == CRM_OK && j->o->price)
        rc = add_doubles(t, "price", r->price, w->perm, r->n);
    if (rc == CRM_OK && (j->o->price || j->o->amount))
        rc = add_doubles(t, "amount", r->amount, w->perm, r->n);
    return rc == CRM_OK ? CRM_OK : crm_imp_nomem(err, j->o->csv);
}

static crm_status write_store(tx_job *j, tx_out *w, crm_error *err)
{
    const crm_imp_out tabs[2] = {
        {.name = "customers",
         .t = &w->cust.view,
         .index_name = "tx_offset",
         .index = w->offsets,
         .nindex = (int64_t)w->ids.n + 1,
         .text_attr_name = w->old.label ? "label" : NULL,
         .text_attr = w->old.label},
        {.name = "transactions", .t = &w->tx.view},
    };
    crm_status rc = crm_imp_commit(j->o->out, tabs, 2, &w->old, err);
    if (rc != CRM_OK)
        return rc;
    j->rep.customers = (int64_t)w->ids.n;
    j->rep.customers_new = (int64_t)w->ids.n - w->old.ncustomers;
    j->rep.transactions = (int64_t)j->rows.n;
    return CRM_OK;
}

static void free_out(tx_out *w)
{
    crm_imp_table_free(&w->tx);
    crm_imp_table_free(&w->cust);
    free(w->offsets);
    free(w->dest);
    free(w->perm);
    free(w->cust_row);
    free(w->pool_row);
    free(w->txt_keys);
    free(w->num_keys);
    crm_imp_ids_free(&w->ids);
    crm_imp_old_free(&w->old);
}

static crm_status make_pools(tx_job *j, crm_error *err)
{
    if (crm_imp_pool_create(&j->cust) != CRM_OK ||
        crm_imp_pool_create(&j->order) != CRM_OK ||
        crm_imp_pool_create(&j->item) != CRM_OK)
        return crm_imp_nomem(err, j->o->csv);
    return CRM_OK;
}

crm_status crm_import_transactions(const crm_import_tx_opts *o,
                                   crm_import_report *rep, crm_error *err)
{
    tx_job j = {.o = o};
    tx_out w;
    memset(&w, 0, sizeof w);
    crm_status rc = check_opts(o, err);
    if (rc != CRM_OK)
        return rc;
    const crm_csv_opts copts = {.delimiter = o->delimiter};
    if ((rc = crm_csv_open(o->csv, &copts, &j.r, err)) != CRM_OK ||
        (rc = crm_csv_read_header(j.r, err)) != CRM_OK ||
        (rc = map_columns(&j, err)) != CRM_OK ||
        (rc = make_pools(&j, err)) != CRM_OK ||
        (rc = read_all(&j, err)) != CRM_OK)
        goto done;
    crm_csv_close(j.r);
    j.r = NULL;
    if ((rc = crm_imp_old_load(o->out, 1, 0, &w.old, err)) != CRM_OK ||
        (rc = merge_ids(&j, &w, err)) != CRM_OK ||
        (rc = build_customers(&j, &w, err)) != CRM_OK ||
        (rc = build_transactions(&j, &w, err)) != CRM_OK ||
        (rc = write_store(&j, &w, err)) != CRM_OK)
        goto done;
    if (rep != NULL)
        *rep = j.rep;
done:
    free_out(&w);
    crm_imp_pool_destroy(j.item);
    crm_imp_pool_destroy(j.order);
    crm_imp_pool_destroy(j.cust);
    free_rows(&j.rows);
    crm_csv_close(j.r);
    return rc;
}
