/* io/import_cust.c — crmine import customers.
 *
 * Every cell is trimmed and interned in its column's pool while the file
 * streams by, so typing (import_column.c) looks at each distinct value once.
 * The ids of the file and those /transactions already refers to form the new
 * id space: a customer seen only in transactions keeps a row, with every
 * other column missing. The old /customers columns are replaced by the file's.
 * When the store holds transactions, their customer_id is rewritten into the
 * new id space, they are re-sorted stably by (customer, time) — which only
 * moves rows when integer ids turn into text ids — and tx_offset is rebuilt. */
#include "io/import_int.h"

#include <stdlib.h>
#include <string.h>

#define NO_COLUMN SIZE_MAX

typedef struct cust_job {
    const crm_import_cust_opts *o;
    crm_csv *r;
    size_t ncols;
    char **names; /* trimmed header names */
    size_t c_id, c_label;
    unsigned char *as_text; /* per column: --categorical */
    crm_imp_pool **pools;   /* per column */
    int32_t **cells;        /* per column: pool id per kept row */
    int64_t *lines;         /* per kept row */
    size_t n, cap;
    crm_import_report rep;
} cust_job;

static crm_status dup_name(cust_job *j, size_t i, crm_error *err)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(j->names[k], j->names[i]) == 0)
            return crm_error_set(err, CRM_EDUP,
                                 "%s:1: column \"%s\" appears twice in the "
                                 "header",
                                 j->o->csv, j->names[i]);
    return CRM_OK;
}

static int bad_name(const char *s)
{
    const size_t n = strlen(s);
    const size_t d = strlen(".dict"), o = strlen(".dict_offsets");
    return n == 0 || strchr(s, '/') != NULL || strcmp(s, ".") == 0 ||
           strcmp(s, "tx_offset") == 0 ||
           (n >= d && strcmp(s + n - d, ".dict") == 0) ||
           (n >= o && strcmp(s + n - o, ".dict_offsets") == 0);
}

static crm_status take_names(cust_job *j, crm_error *err)
{
    j->ncols = crm_csv_header_count(j->r);
    if ((j->names = calloc(j->ncols, sizeof *j->names)) == NULL ||
        (j->as_text = calloc(j->ncols, 1)) == NULL ||
        (j->pools = calloc(j->ncols, sizeof *j->pools)) == NULL ||
        (j->cells = calloc(j->ncols, sizeof *j->cells)) == NULL)
        return crm_imp_nomem(err, j->o->csv);
    for (size_t i = 0; i < j->ncols; i++) {
        const char *h = crm_csv_header_name(j->r, i);
        const crm_text t = crm_imp_trim(h, strlen(h));
        crm_status rc = CRM_OK;
        if ((j->names[i] = malloc(t.n + 1)) == NULL ||
            crm_imp_pool_create(&j->pools[i]) != CRM_OK)
            return crm_imp_nomem(err, j->o->csv);
        memcpy(j->names[i], t.s, t.n);
        j->names[i][t.n] = '\0';
        if (bad_name(j->names[i]))
            return crm_error_set(err, CRM_EPARSE,
                                 "%s:1: column %zu has the name \"%s\"; a "
                                 "column needs a name without '/' that does "
                                 "not end in .dict or .dict_offsets",
                                 j->o->csv, i + 1, j->names[i]);
        if ((rc = dup_name(j, i, err)) != CRM_OK)
            return rc;
    }
    return CRM_OK;
}

/* --categorical a,b,c: each name must be a header column. */
static crm_status mark_text(cust_job *j, crm_error *err)
{
    const char *s = j->o->categorical;
    while (s != NULL && *s != '\0') {
        const char *comma = strchr(s, ',');
        const size_t len = comma ? (size_t)(comma - s) : strlen(s);
        const crm_text t = crm_imp_trim(s, len);
        char name[256];
        size_t idx = 0;
        crm_status rc = CRM_OK;
        if (t.n > 0) {
            if (t.n >= sizeof name)
                return crm_error_set(err, CRM_EINVAL,
                                     "--categorical: a name is too long");
            memcpy(name, t.s, t.n);
            name[t.n] = '\0';
            if ((rc = crm_imp_find_column(j->r, "--categorical", name, &idx,
                                          err)) != CRM_OK)
                return rc;
            j->as_text[idx] = 1;
        }
        s = comma ? comma + 1 : NULL;
    }
    return CRM_OK;
}

static crm_status map_columns(cust_job *j, crm_error *err)
{
    crm_status rc = CRM_OK;
    j->c_label = NO_COLUMN;
    if ((rc = take_names(j, err)) != CRM_OK ||
        (rc = crm_imp_find_column(j->r, "--customer", j->o->customer, &j->c_id,
                                  err)) != CRM_OK)
        return rc;
    if (j->o->label != NULL &&
        (rc = crm_imp_find_column(j->r, "--label", j->o->label, &j->c_label,
                                  err)) != CRM_OK)
        return rc;
    if ((rc = mark_text(j, err)) != CRM_OK)
        return rc;
    for (size_t i = 0; i < j->ncols; i++)
        if (i != j->c_id && strcmp(j->names[i], "customer_id") == 0)
            return crm_error_set(err, CRM_EDUP,
                                 "%s:1: column \"customer_id\" would clash "
                                 "with the id column \"%s\" stored under "
                                 "that name",
                                 j->o->csv, j->names[j->c_id]);
    return CRM_OK;
}

static int grow_rows(cust_job *j)
{
    if (j->n < j->cap)
        return 0;
    const size_t cap = j->cap ? 2 * j->cap : 1024;
    void *p = realloc(j->lines, cap * sizeof *j->lines);
    if (p == NULL)
        return -1;
    j->lines = p;
    for (size_t c = 0; c < j->ncols; c++) {
        if ((p = realloc(j->cells[c], cap * sizeof **j->cells)) == NULL)
            return -1;
        j->cells[c] = p;
    }
    j->cap = cap;
    return 0;
}

static crm_status read_row(cust_job *j, crm_error *err)
{
    j->rep.rows_read++;
    if (crm_imp_field(j->r, j->c_id).n == 0) {
        j->rep.rejected[CRM_REJECT_NO_CUSTOMER]++;
        j->rep.rows_rejected++;
        return CRM_OK;
    }
    if (grow_rows(j) != 0)
        return crm_imp_nomem(err, j->o->csv);
    for (size_t c = 0; c < j->ncols; c++) {
        const crm_status rc = crm_imp_pool_intern(
            j->pools[c], crm_imp_field(j->r, c), &j->cells[c][j->n]);
        if (rc != CRM_OK)
            return crm_error_set(err, rc, "%s:%lld: too many distinct values",
                                 j->o->csv, (long long)crm_csv_line(j->r));
    }
    j->lines[j->n++] = crm_csv_line(j->r);
    return CRM_OK;
}

static crm_status read_all(cust_job *j, crm_error *err)
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
    if (j->n == 0)
        return crm_error_set(err, CRM_EEMPTY,
                             "%s: no rows to import: all %lld rows lack a "
                             "customer id",
                             j->o->csv, (long long)j->rep.rows_read);
    j->rep.rows_imported = (int64_t)j->n;
    return CRM_OK;
}

/* ---- pass 2 ---- */

typedef struct cust_out {
    crm_imp_old old;
    int64_t *num_keys;
    const char **txt_keys;
    const char **tx_text; /* text keys of the old transactions */
    crm_imp_keys tx_keys;
    crm_imp_ids ids;
    int64_t *pool_row; /* id pool entry -> customer row */
    int64_t *row_of;   /* kept file row -> customer row */
    int64_t *tx_row;   /* old transaction -> customer row */
    size_t *perm;
    int64_t *dest;
    int64_t *offsets;
    crm_imp_table cust, tx;
} cust_out;

static crm_status bad_store(const cust_job *j, crm_error *err)
{
    return crm_error_set(err, CRM_EFORMAT,
                         "%s: /transactions or /customers lacks a usable "
                         "customer_id or time column",
                         j->o->out);
}

static crm_status old_tx_keys(const cust_job *j, cust_out *w, crm_error *err)
{
    if (w->old.transactions == NULL)
        return CRM_OK;
    const crm_column *refs =
        crm_table_find(crm_frame_table(w->old.transactions), "customer_id");
    const crm_column *cust =
        crm_table_find(crm_frame_table(w->old.customers), "customer_id");
    if (refs == NULL || cust == NULL ||
        crm_imp_keys_of_refs(refs, (size_t)w->old.ntransactions, cust,
                             (size_t)w->old.ncustomers, &w->tx_keys,
                             &w->tx_text) != CRM_OK)
        return bad_store(j, err);
    return CRM_OK;
}

/* Rows are unique per id; report the earliest second occurrence. */
static crm_status check_dups(const cust_job *j, const cust_out *w,
                             crm_error *err)
{
    size_t *first = malloc((w->ids.n + 1) * sizeof *first);
    crm_status rc = CRM_OK;
    if (first == NULL)
        return crm_imp_nomem(err, j->o->csv);
    for (size_t r = 0; r < w->ids.n; r++)
        first[r] = SIZE_MAX;
    for (size_t i = 0; i < j->n && rc == CRM_OK; i++) {
        const size_t r = (size_t)w->row_of[i];
        if (first[r] == SIZE_MAX) {
            first[r] = i;
            continue;
        }
        char shown[96];
        crm_imp_show(crm_imp_pool_text(j->pools[j->c_id], j->cells[j->c_id][i]),
                     shown, sizeof shown);
        rc = crm_error_set(err, CRM_EDUP,
                           "%s:%lld: column \"%s\": duplicate customer id "
                           "\"%s\" (first on line %lld)",
                           j->o->csv, (long long)j->lines[i], j->names[j->c_id],
                           shown, (long long)j->lines[first[r]]);
    }
    free(first);
    return rc;
}

static crm_status merge_ids(cust_job *j, cust_out *w, crm_error *err)
{
    crm_imp_keys src[2];
    size_t nsrc = 1;
    const int32_t *id_cells = j->cells[j->c_id];
    crm_status rc = old_tx_keys(j, w, err);
    if (rc != CRM_OK)
        return rc;
    if (w->old.transactions != NULL)
        src[nsrc++] = w->tx_keys;
    const size_t ntx = (size_t)w->old.ntransactions;
    if (crm_imp_keys_of_pool(j->pools[j->c_id], &w->num_keys, &w->txt_keys,
                             &src[0]) != CRM_OK ||
        crm_imp_ids_build(src, nsrc, &w->ids) != CRM_OK ||
        (w->pool_row = malloc((src[0].n + 1) * sizeof(int64_t))) == NULL ||
        (w->row_of = malloc(j->n * sizeof(int64_t))) == NULL ||
        (w->tx_row = malloc((ntx + 1) * sizeof(int64_t))) == NULL)
        return crm_imp_nomem(err, j->o->csv);
    if (crm_imp_ids_rows(&w->ids, &src[0], w->pool_row) != CRM_OK ||
        (nsrc > 1 && crm_imp_ids_rows(&w->ids, &src[1], w->tx_row) != CRM_OK))
        return crm_error_set(err, CRM_EINVAL, "import: id merge failed");
    for (size_t i = 0; i < j->n; i++)
        w->row_of[i] = w->pool_row[id_cells[i]];
    return check_dups(j, w, err);
}

static crm_status build_customers(cust_job *j, cust_out *w, crm_error *err)
{
    crm_imp_table *t = &w->cust;
    crm_status rc = crm_imp_ids_column(&w->ids, t);
    t->view.nrows = w->ids.n;
    for (size_t c = 0; c < j->ncols && rc == CRM_OK; c++) {
        if (c == j->c_id)
            continue;
        const crm_imp_kind kind = c == j->c_label ? CRM_KIND_LABEL
                                  : j->as_text[c] ? CRM_KIND_TEXT
                                                  : CRM_KIND_AUTO;
        size_t bad = 0;
        rc = crm_imp_pool_column(t, j->names[c], j->pools[c], j->cells[c], j->n,
                                 w->row_of, w->ids.n, kind, &bad);
        if (rc == CRM_EPARSE)
            return crm_imp_bad_value(
                err, j->r, j->lines[bad], j->names[c],
                "a label (0/1, yes/no, true/false or y/n)",
                crm_imp_pool_text(j->pools[c], j->cells[c][bad]));
    }
    return rc == CRM_OK ? CRM_OK : crm_imp_nomem(err, j->o->csv);
}

static crm_status tx_columns(const cust_out *w, crm_imp_table *t, size_t ntx)
{
    const crm_table *old = crm_frame_table(w->old.transactions);
    crm_status rc = CRM_OK;
    for (size_t c = 0; c < old->ncols && rc == CRM_OK; c++) {
        if (strcmp(old->cols[c].name, "customer_id") != 0) {
            rc = crm_imp_table_permute(t, &old->cols[c], w->perm, ntx);
            continue;
        }
        int64_t *id = crm_imp_table_alloc(t, ntx, sizeof *id);
        if (id == NULL)
            return CRM_ENOMEM;
        for (size_t i = 0; i < ntx; i++) {
            const int64_t row = w->tx_row[w->perm[i]];
            id[i] = w->ids.is_text ? row : w->ids.num[row];
        }
        crm_column col = old->cols[c];
        col.data = id;
        rc = crm_imp_table_add(t, &col);
    }
    return rc;
}

/* The old transactions, re-keyed to the new rows and re-sorted. */
static crm_status build_transactions(cust_job *j, cust_out *w, crm_error *err)
{
    if (w->old.transactions == NULL)
        return CRM_OK;
    const size_t ntx = (size_t)w->old.ntransactions;
    const crm_column *time =
        crm_table_find(crm_frame_table(w->old.transactions), "time");
    if (time == NULL || time->type != CRM_TYPE_INT64)
        return bad_store(j, err);
    w->tx.view.nrows = ntx;
    if ((w->perm = malloc((ntx + 1) * sizeof *w->perm)) == NULL ||
        (w->dest = malloc((ntx + 1) * sizeof *w->dest)) == NULL ||
        crm_imp_sort_tx(w->tx_row, time->data, ntx, w->perm, w->dest) ||
        crm_imp_offsets(w->tx_row, ntx, w->ids.n, &w->offsets) ||
        tx_columns(w, &w->tx, ntx) != CRM_OK)
        return crm_imp_nomem(err, j->o->csv);
    return CRM_OK;
}

static crm_status write_store(cust_job *j, cust_out *w, crm_error *err)
{
    const int has_tx = w->old.transactions != NULL;
    const crm_imp_out tabs[2] = {
        {.name = "customers",
         .t = &w->cust.view,
         .index_name = has_tx ? "tx_offset" : NULL,
         .index = w->offsets,
         .nindex = (int64_t)w->ids.n + 1,
         .text_attr_name = j->o->label ? "label" : NULL,
         .text_attr = j->o->label ? j->names[j->c_label] : NULL},
        {.name = "transactions", .t = &w->tx.view},
    };
    const crm_status rc =
        crm_imp_commit(j->o->out, tabs, has_tx ? 2 : 1, &w->old, err);
    if (rc != CRM_OK)
        return rc;
    j->rep.customers = (int64_t)w->ids.n;
    j->rep.customers_new = (int64_t)w->ids.n - (int64_t)j->n;
    j->rep.transactions = w->old.ntransactions;
    j->rep.columns = (int64_t)j->ncols - 1;
    return CRM_OK;
}

static void free_out(cust_out *w)
{
    crm_imp_table_free(&w->tx);
    crm_imp_table_free(&w->cust);
    free(w->offsets);
    free(w->dest);
    free(w->perm);
    free(w->tx_row);
    free(w->row_of);
    free(w->pool_row);
    crm_imp_ids_free(&w->ids);
    free(w->tx_text);
    free(w->txt_keys);
    free(w->num_keys);
    crm_imp_old_free(&w->old);
}

static void free_job(cust_job *j)
{
    for (size_t c = 0; c < j->ncols; c++) {
        if (j->names)
            free(j->names[c]);
        if (j->pools)
            crm_imp_pool_destroy(j->pools[c]);
        if (j->cells)
            free(j->cells[c]);
    }
    free(j->names);
    free(j->pools);
    free(j->cells);
    free(j->as_text);
    free(j->lines);
    crm_csv_close(j->r);
}

crm_status crm_import_customers(const crm_import_cust_opts *o,
                                crm_import_report *rep, crm_error *err)
{
    cust_job j = {.o = o};
    cust_out w;
    memset(&w, 0, sizeof w);
    crm_status rc = CRM_OK;
    if (o == NULL || o->csv == NULL || o->out == NULL || o->customer == NULL)
        return crm_error_set(err, CRM_EINVAL,
                             "import customers: --csv, --out and --customer "
                             "are required");
    const crm_csv_opts copts = {.delimiter = o->delimiter};
    if ((rc = crm_csv_open(o->csv, &copts, &j.r, err)) != CRM_OK ||
        (rc = crm_csv_read_header(j.r, err)) != CRM_OK ||
        (rc = map_columns(&j, err)) != CRM_OK ||
        (rc = read_all(&j, err)) != CRM_OK ||
        (rc = crm_imp_old_load(o->out, 1, 1, &w.old, err)) != CRM_OK ||
        (rc = merge_ids(&j, &w, err)) != CRM_OK ||
        (rc = build_customers(&j, &w, err)) != CRM_OK ||
        (rc = build_transactions(&j, &w, err)) != CRM_OK ||
        (rc = write_store(&j, &w, err)) != CRM_OK)
        goto done;
    if (rep != NULL)
        *rep = j.rep;
done:
    free_out(&w);
    free_job(&j);
    return rc;
}
