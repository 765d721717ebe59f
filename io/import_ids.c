/* io/import_ids.c — the customer id space shared by /customers and
 * /transactions.
 *
 * Ids are int64 when every source's ids are integers in canonical form
 * (crm_imp_parse_id: "123", not "0123" or "+123"); as soon as one source has
 * text ids (Telco's "7590-VHVEG", CDNOW's "00001") all ids are text,
 * integers written in decimal, and a customer's row is the rank of its id
 * in bytewise order. The text is kept as written, so outputs carry the
 * original id and "00123" and "123" are two customers. A
 * stored text customer_id column is codes 0..n-1 (= row) with the text as a
 * row-keyed dictionary, and /transactions refers to customers by that code;
 * with integer ids both tables hold the ids themselves. */
#define _POSIX_C_SOURCE 200809L
#include "io/import_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t total_keys(const crm_imp_keys *src, size_t nsrc, int *any_text)
{
    size_t n = 0;
    *any_text = 0;
    for (size_t i = 0; i < nsrc; i++) {
        n += src[i].n;
        *any_text |= src[i].is_text;
    }
    return n;
}

static crm_status build_num(const crm_imp_keys *src, size_t nsrc, size_t n,
                            crm_imp_ids *out)
{
    int64_t *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return CRM_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < nsrc; i++)
        for (size_t j = 0; j < src[i].n; j++)
            v[k++] = src[i].num[j];
    qsort(v, n, sizeof *v, cmp_i64);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[i] != v[m - 1])
            v[m++] = v[i];
    *out = (crm_imp_ids){.is_text = 0, .n = m, .num = v};
    return CRM_OK;
}

static char *key_text(const crm_imp_keys *k, size_t j)
{
    if (k->is_text)
        return strdup(k->text[j]);
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, k->num[j]);
    return strdup(buf);
}

static crm_status build_text(const crm_imp_keys *src, size_t nsrc, size_t n,
                             crm_imp_ids *out)
{
    char **v = calloc(n ? n : 1, sizeof *v);
    if (v == NULL)
        return CRM_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < nsrc; i++)
        for (size_t j = 0; j < src[i].n; j++, k++)
            if ((v[k] = key_text(&src[i], j)) == NULL) {
                *out = (crm_imp_ids){.is_text = 1, .n = k, .text = v};
                crm_imp_ids_free(out);
                return CRM_ENOMEM;
            }
    qsort(v, n, sizeof *v, cmp_str);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && strcmp(v[i], v[m - 1]) == 0)
            free(v[i]);
        else
            v[m++] = v[i];
    }
    *out = (crm_imp_ids){.is_text = 1, .n = m, .text = v};
    return CRM_OK;
}

crm_status crm_imp_ids_build(const crm_imp_keys *src, size_t nsrc,
                             crm_imp_ids *out)
{
    int any_text = 0;
    const size_t n = total_keys(src, nsrc, &any_text);
    return any_text ? build_text(src, nsrc, n, out)
                    : build_num(src, nsrc, n, out);
}

void crm_imp_ids_free(crm_imp_ids *ids)
{
    if (ids == NULL)
        return;
    if (ids->text != NULL)
        for (size_t i = 0; i < ids->n; i++)
            free(ids->text[i]);
    free(ids->text);
    free(ids->num);
    memset(ids, 0, sizeof *ids);
}

static int64_t find_num(const crm_imp_ids *ids, int64_t key)
{
    const int64_t *p = bsearch(&key, ids->num, ids->n, sizeof key, cmp_i64);
    return p ? p - ids->num : -1;
}

static int64_t find_text(const crm_imp_ids *ids, const char *key)
{
    char *const *p = bsearch(&key, ids->text, ids->n, sizeof key, cmp_str);
    return p ? p - ids->text : -1;
}

crm_status crm_imp_ids_rows(const crm_imp_ids *ids, const crm_imp_keys *src,
                            int64_t *rows)
{
    char buf[32];
    for (size_t j = 0; j < src->n; j++) {
        if (!ids->is_text) {
            rows[j] = find_num(ids, src->num[j]);
        } else if (src->is_text) {
            rows[j] = find_text(ids, src->text[j]);
        } else {
            snprintf(buf, sizeof buf, "%" PRId64, src->num[j]);
            rows[j] = find_text(ids, buf);
        }
        if (rows[j] < 0)
            return CRM_EINVAL; /* the caller built ids from src */
    }
    return CRM_OK;
}

crm_status crm_imp_ids_column(const crm_imp_ids *ids, crm_imp_table *t)
{
    crm_column c = {.name = "customer_id", .type = CRM_TYPE_INT64};
    if (!ids->is_text) {
        c.data = ids->num;
        return crm_imp_table_add(t, &c);
    }
    int64_t *codes = crm_imp_table_alloc(t, ids->n, sizeof *codes);
    if (codes == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < ids->n; i++)
        codes[i] = (int64_t)i;
    c.data = codes;
    c.dict = (const char *const *)ids->text;
    c.ndict = ids->n;
    c.dict_by_row = 1;
    return crm_imp_table_add(t, &c);
}

crm_status crm_imp_keys_of_ids(const crm_column *c, size_t n, crm_imp_keys *k)
{
    if (c->type != CRM_TYPE_INT64)
        return CRM_EFORMAT;
    if (c->dict == NULL) {
        *k = (crm_imp_keys){.is_text = 0, .n = n, .num = c->data};
        return CRM_OK;
    }
    if (!c->dict_by_row || c->ndict != n || c->dict_row0 != 0)
        return CRM_EFORMAT;
    *k = (crm_imp_keys){.is_text = 1, .n = n, .text = c->dict};
    return CRM_OK;
}

crm_status crm_imp_keys_of_refs(const crm_column *refs, size_t n,
                                const crm_column *cust, size_t ncust,
                                crm_imp_keys *k, const char ***buf)
{
    *buf = NULL;
    if (refs->type != CRM_TYPE_INT64 || cust->type != CRM_TYPE_INT64)
        return CRM_EFORMAT;
    const int64_t *v = refs->data;
    if (cust->dict == NULL) {
        *k = (crm_imp_keys){.is_text = 0, .n = n, .num = v};
        return CRM_OK;
    }
    const char **t = malloc((n ? n : 1) * sizeof *t);
    if (t == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < 0 || (uint64_t)v[i] >= (uint64_t)ncust ||
            (uint64_t)v[i] >= (uint64_t)cust->ndict) {
            free(t);
            return CRM_EFORMAT;
        }
        t[i] = cust->dict[v[i]];
    }
    *buf = t;
    *k = (crm_imp_keys){.is_text = 1, .n = n, .text = t};
    return CRM_OK;
}

crm_status crm_imp_keys_of_pool(const crm_imp_pool *p, int64_t **num,
                                const char ***text, crm_imp_keys *k)
{
    const size_t n = crm_imp_pool_count(p);
    int all_int = 1;
    int64_t *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return CRM_ENOMEM;
    for (size_t id = 0; id < n && all_int; id++)
        all_int = crm_imp_parse_id(crm_imp_pool_text(p, (int32_t)id), &v[id]);
    if (all_int) {
        *num = v;
        *k = (crm_imp_keys){.is_text = 0, .n = n, .num = v};
        return CRM_OK;
    }
    free(v);
    const char **t = malloc((n ? n : 1) * sizeof *t);
    if (t == NULL)
        return CRM_ENOMEM;
    for (size_t id = 0; id < n; id++)
        t[id] = crm_imp_pool_text(p, (int32_t)id).s;
    *text = t;
    *k = (crm_imp_keys){.is_text = 1, .n = n, .text = t};
    return CRM_OK;
}
