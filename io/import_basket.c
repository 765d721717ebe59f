/* io/import_basket.c — crmine import baskets (--fimi or --lines).
 *
 * One basket per record of the file, numbered from 0 in file order; a blank
 * line is an empty basket (it counts in nbaskets and owns no rows). /baskets
 * holds one row per item occurrence: basket (int64, ascending) and item
 * (int32: the FIMI id, or a code into the bytewise-sorted dictionary of item
 * names). An item repeated within a basket is kept as often as it appears;
 * itemset counting treats a basket as a set. item_offset (nbaskets + 1)
 * indexes each basket's rows. Other tables of the store are left as they are.
 */
#include "io/import_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct basket_job {
    const crm_import_basket_opts *o;
    crm_csv *r;
    crm_imp_pool *names; /* --lines: item names */
    int64_t *basket;     /* per item row */
    int32_t *item;       /* per item row: FIMI id, or pool id */
    size_t n, cap;
    int64_t nbaskets;
    crm_import_report rep;
} basket_job;

static int grow_rows(basket_job *j)
{
    if (j->n < j->cap)
        return 0;
    const size_t cap = j->cap ? 2 * j->cap : 4096;
    void *p = realloc(j->basket, cap * sizeof *j->basket);
    if (p == NULL)
        return -1;
    j->basket = p;
    if ((p = realloc(j->item, cap * sizeof *j->item)) == NULL)
        return -1;
    j->item = p;
    j->cap = cap;
    return 0;
}

static crm_status fimi_item(basket_job *j, crm_text t, size_t k, int32_t *id,
                            crm_error *err)
{
    int64_t v = 0;
    if (crm_imp_parse_i64(t, &v) && v >= 0 && v <= INT32_MAX) {
        *id = (int32_t)v;
        return CRM_OK;
    }
    char column[32];
    snprintf(column, sizeof column, "item %zu", k + 1);
    return crm_imp_bad_value(err, j->r, crm_csv_line(j->r), column,
                             "an item id (an integer from 0 to 2147483647)", t);
}

static crm_status read_basket(basket_job *j, crm_error *err)
{
    const size_t nf = crm_csv_nfields(j->r);
    crm_status rc = CRM_OK;
    for (size_t k = 0; k < nf; k++) {
        const crm_text t = crm_imp_field(j->r, k);
        if (t.n == 0)
            continue; /* "a,,b" or a trailing delimiter */
        if (grow_rows(j) != 0)
            return crm_imp_nomem(err, j->o->path);
        if (j->o->format == CRM_BASKETS_FIMI)
            rc = fimi_item(j, t, k, &j->item[j->n], err);
        else if ((rc = crm_imp_pool_intern(j->names, t, &j->item[j->n])) !=
                 CRM_OK)
            rc = crm_error_set(err, rc, "%s:%lld: too many distinct items",
                               j->o->path, (long long)crm_csv_line(j->r));
        if (rc != CRM_OK)
            return rc;
        j->basket[j->n++] = j->nbaskets;
    }
    j->nbaskets++;
    return CRM_OK;
}

static crm_status read_all(basket_job *j, crm_error *err)
{
    const crm_csv_opts copts = {.delimiter = j->o->format == CRM_BASKETS_FIMI
                                                 ? ' '
                                             : j->o->delimiter ? j->o->delimiter
                                                               : ',',
                                .keep_empty = 1,
                                .ragged_ok = 1};
    crm_status rc = CRM_OK;
    int got = 0;
    if ((rc = crm_csv_open(j->o->path, &copts, &j->r, err)) != CRM_OK)
        return rc;
    while ((rc = crm_csv_next(j->r, &got, err)) == CRM_OK && got)
        if ((rc = read_basket(j, err)) != CRM_OK)
            return rc;
    if (rc == CRM_OK && j->nbaskets == 0)
        rc = crm_error_set(err, CRM_EEMPTY, "%s: empty file, no baskets",
                           j->o->path);
    return rc;
}

static int cmp_i32(const void *a, const void *b)
{
    const int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* FIMI: the number of distinct ids. */
static crm_status count_ids(basket_job *j)
{
    int32_t *v = malloc((j->n + 1) * sizeof *v);
    if (v == NULL)
        return CRM_ENOMEM;
    memcpy(v, j->item, j->n * sizeof *v);
    qsort(v, j->n, sizeof *v, cmp_i32);
    int64_t distinct = 0;
    for (size_t i = 0; i < j->n; i++)
        distinct += i == 0 || v[i] != v[i - 1];
    free(v);
    j->rep.distinct_items = distinct;
    return CRM_OK;
}

/* --lines: pool ids -> dictionary codes, in place. */
static crm_status encode_names(basket_job *j, crm_imp_table *t,
                               crm_column *item)
{
    int32_t *code = NULL;
    const char **dict = NULL;
    size_t ndict = 0;
    crm_status rc = crm_imp_pool_dict(j->names, -1, &code, &dict, &ndict);
    if (rc != CRM_OK)
        return rc;
    if ((rc = crm_imp_table_own(t, (void *)dict)) == CRM_OK) {
        for (size_t i = 0; i < j->n; i++)
            j->item[i] = code[j->item[i]];
        item->dict = dict;
        item->ndict = ndict;
        j->rep.distinct_items = (int64_t)ndict;
    }
    free(code);
    return rc;
}

static crm_status write_store(basket_job *j, crm_error *err)
{
    crm_imp_table t;
    memset(&t, 0, sizeof t);
    crm_imp_old old;
    int64_t *off = NULL;
    crm_column basket = {
        .name = "basket", .type = CRM_TYPE_INT64, .data = j->basket};
    crm_column item = {.name = "item", .type = CRM_TYPE_INT32, .data = j->item};
    crm_status rc = crm_imp_old_load(j->o->out, 0, 0, &old, err);
    if (rc != CRM_OK)
        return rc;
    const int lines = j->o->format == CRM_BASKETS_LINES;
    if ((lines ? encode_names(j, &t, &item) : count_ids(j)) != CRM_OK ||
        crm_imp_table_add(&t, &basket) != CRM_OK ||
        crm_imp_table_add(&t, &item) != CRM_OK ||
        crm_imp_offsets(j->basket, j->n, (size_t)j->nbaskets, &off) != CRM_OK) {
        rc = crm_imp_nomem(err, j->o->path);
        goto done;
    }
    t.view.nrows = j->n;
    const crm_imp_out tab = {.name = "baskets", .t = &t.view,
                             .index_name = "item_offset", .index = off,
                             .nindex = j->nbaskets + 1,
                             .i64_attr_name = "nbaskets",
                             .i64_attr = j->nbaskets};
    rc = crm_imp_commit(j->o->out, &tab, 1, &old, err);
done:
    free(off);
    crm_imp_table_free(&t);
    crm_imp_old_free(&old);
    return rc;
}

crm_status crm_import_baskets(const crm_import_basket_opts *o,
                              crm_import_report *rep, crm_error *err)
{
    basket_job j = {.o = o};
    crm_status rc = CRM_OK;
    if (o == NULL || o->path == NULL || o->out == NULL)
        return crm_error_set(err, CRM_EINVAL,
                             "import baskets: --fimi or --lines, and --out, "
                             "are required");
    if (o->format != CRM_BASKETS_FIMI && o->format != CRM_BASKETS_LINES)
        return crm_error_set(err, CRM_EINVAL, "import baskets: bad format");
    if ((o->format == CRM_BASKETS_LINES &&
         crm_imp_pool_create(&j.names) != CRM_OK)) {
        rc = crm_imp_nomem(err, o->path);
        goto done;
    }
    if ((rc = read_all(&j, err)) != CRM_OK ||
        (rc = write_store(&j, err)) != CRM_OK)
        goto done;
    j.rep.rows_read = j.nbaskets;
    j.rep.rows_imported = j.nbaskets;
    j.rep.baskets = j.nbaskets;
    j.rep.items = (int64_t)j.n;
    if (rep != NULL)
        *rep = j.rep;
done:
    crm_csv_close(j.r);
    crm_imp_pool_destroy(j.names);
    free(j.item);
    free(j.basket);
    return rc;
}
