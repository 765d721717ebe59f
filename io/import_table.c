/* io/import_table.c — column sets under construction.
 *
 * A crm_imp_table is the crm_table an import hands to crm_store_write plus the
 * list of buffers it must free. Scatter and permute are how existing columns
 * follow their rows when the customer id space grows or the transactions are
 * re-sorted: both copy values by type size, so every column type and its
 * dictionary (borrowed, unchanged) come along. */
#include "io/import_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*buf, n * size);
    if (q == NULL)
        return -1;
    *buf = q;
    *cap = n;
    return 0;
}

crm_status crm_imp_table_add(crm_imp_table *t, const crm_column *c)
{
    if (grow((void **)&t->cols, &t->cap_cols, t->view.ncols + 1,
             sizeof *t->cols))
        return CRM_ENOMEM;
    t->cols[t->view.ncols++] = *c;
    t->view.cols = t->cols;
    return CRM_OK;
}

void *crm_imp_table_alloc(crm_imp_table *t, size_t n, size_t size)
{
    if (grow((void **)&t->owned, &t->cap_owned, t->nowned + 1,
             sizeof *t->owned))
        return NULL;
    void *p = calloc(n ? n : 1, size);
    if (p != NULL)
        t->owned[t->nowned++] = p;
    return p;
}

crm_status crm_imp_table_own(crm_imp_table *t, void *p)
{
    if (grow((void **)&t->owned, &t->cap_owned, t->nowned + 1,
             sizeof *t->owned)) {
        free(p);
        return CRM_ENOMEM;
    }
    t->owned[t->nowned++] = p;
    return CRM_OK;
}

void crm_imp_table_free(crm_imp_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nowned; i++)
        free(t->owned[i]);
    free(t->owned);
    free(t->cols);
    memset(t, 0, sizeof *t);
}

static int64_t int_sentinel(crm_type type)
{
    return type == CRM_TYPE_INT32 ? INT32_MIN : INT64_MIN;
}

/* Fills n values of column c's type with its missing value. */
static void fill_missing(const crm_column *c, void *data, size_t n)
{
    const int64_t miss = c->dict != NULL  ? -1
                         : c->has_missing ? c->missing_value
                                          : int_sentinel(c->type);
    for (size_t i = 0; i < n; i++) {
        switch (c->type) {
        case CRM_TYPE_INT32: ((int32_t *)data)[i] = (int32_t)miss; break;
        case CRM_TYPE_INT64: ((int64_t *)data)[i] = miss; break;
        case CRM_TYPE_FLOAT32: ((float *)data)[i] = NAN; break;
        case CRM_TYPE_FLOAT64: ((double *)data)[i] = NAN; break;
        }
    }
}

/* 1 when an int column without a sentinel holds the value we would add. */
static int sentinel_taken(const crm_column *c, size_t n)
{
    if (c->dict != NULL || c->has_missing || c->type == CRM_TYPE_FLOAT32 ||
        c->type == CRM_TYPE_FLOAT64)
        return 0;
    const int64_t s = int_sentinel(c->type);
    for (size_t i = 0; i < n; i++)
        if (crm_column_get_i64(c, i) == s)
            return 1;
    return 0;
}

crm_status crm_imp_table_scatter(crm_imp_table *t, const crm_column *c,
                                 size_t nsrc, const int64_t *rows, size_t nrows)
{
    const size_t size = crm_type_size(c->type);
    const int adds_missing = nrows > nsrc;
    if (adds_missing && sentinel_taken(c, nsrc))
        return CRM_ERANGE;
    char *data = crm_imp_table_alloc(t, nrows, size);
    if (data == NULL)
        return CRM_ENOMEM;
    fill_missing(c, data, nrows);
    for (size_t i = 0; i < nsrc; i++)
        memcpy(data + (size_t)rows[i] * size, (const char *)c->data + i * size,
               size);
    crm_column out = *c;
    out.data = data;
    if (adds_missing && c->dict == NULL && !c->has_missing &&
        (c->type == CRM_TYPE_INT32 || c->type == CRM_TYPE_INT64)) {
        out.has_missing = 1;
        out.missing_value = int_sentinel(c->type);
    }
    return crm_imp_table_add(t, &out);
}

crm_status crm_imp_table_permute(crm_imp_table *t, const crm_column *c,
                                 const size_t *perm, size_t n)
{
    const size_t size = crm_type_size(c->type);
    char *data = crm_imp_table_alloc(t, n, size);
    if (data == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        memcpy(data + i * size, (const char *)c->data + perm[i] * size, size);
    crm_column out = *c;
    out.data = data;
    return crm_imp_table_add(t, &out);
}
