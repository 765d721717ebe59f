/* io/import_column.c — one typed column from a column of text.
 *
 * Values arrive interned (a pool plus one id per row), so typing looks at
 * each distinct string once: integers that fit int32 give int32, larger ones
 * int64, numbers with a fraction or exponent float64, anything else text.
 * Every distinct string is converted once into a per-id value, then rows copy
 * their id's value to their destination row. Missing is an empty string, a
 * negative id, or a row no source row goes to: NaN for float64, code -1 for
 * text, and the sentinel INT32_MIN / INT64_MIN (declared through has_missing)
 * for integers — those minima are never produced by a value (import.c). */
#include "io/import_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct survey {
    int any;     /* some non-empty value */
    int all_int; /* every non-empty value is an integer */
    int all_id;  /* ... written canonically (crm_imp_parse_id) */
    int all_num; /* every non-empty value is a finite number */
    int64_t min, max;
} survey;

static survey look(const crm_imp_pool *p)
{
    survey s = {0, 1, 1, 1, INT64_MAX, INT64_MIN};
    for (size_t id = 0; id < crm_imp_pool_count(p); id++) {
        const crm_text t = crm_imp_pool_text(p, (int32_t)id);
        int64_t v = 0;
        double d = 0;
        if (t.n == 0)
            continue;
        s.any = 1;
        if (crm_imp_parse_i64(t, &v)) {
            s.min = v < s.min ? v : s.min;
            s.max = v > s.max ? v : s.max;
            s.all_id &= crm_imp_parse_id(t, &v);
        } else {
            s.all_int = s.all_id = 0;
            if (crm_imp_parse_f64(t, &d) != 1)
                s.all_num = 0;
        }
    }
    return s;
}

static int label_of(crm_text t, int64_t *v)
{
    static const char *const no[] = {"0", "no", "false", "n"};
    static const char *const yes[] = {"1", "yes", "true", "y"};
    for (size_t i = 0; i < 4; i++) {
        if (t.n == strlen(no[i]) && strncasecmp(t.s, no[i], t.n) == 0) {
            *v = 0;
            return 1;
        }
        if (t.n == strlen(yes[i]) && strncasecmp(t.s, yes[i], t.n) == 0) {
            *v = 1;
            return 1;
        }
    }
    return 0;
}

/* What a column becomes; value[id] holds each string's converted value. */
typedef struct plan {
    crm_type type;
    int text;          /* dictionary column */
    int64_t *ival;     /* per id: integer, code or label */
    double *fval;      /* per id: float64 value */
    const char **dict; /* text: sorted strings */
    size_t ndict;
} plan;

static int is_empty(const crm_imp_pool *p, int32_t id)
{
    return id < 0 || crm_imp_pool_text(p, id).n == 0;
}

/* Copies per-id values to destination rows; returns the rows filled. */
static size_t scatter(const plan *pl, const crm_imp_pool *pool,
                      const int32_t *ids, size_t nsrc, const int64_t *dest,
                      void *data)
{
    size_t filled = 0;
    for (size_t i = 0; i < nsrc; i++) {
        const int32_t id = ids[i];
        if (is_empty(pool, id))
            continue;
        const size_t r = (size_t)dest[i];
        filled++;
        switch (pl->type) {
        case CRM_TYPE_INT32:
            ((int32_t *)data)[r] = (int32_t)pl->ival[id];
            break;
        case CRM_TYPE_INT64: ((int64_t *)data)[r] = pl->ival[id]; break;
        case CRM_TYPE_FLOAT64: ((double *)data)[r] = pl->fval[id]; break;
        case CRM_TYPE_FLOAT32: ((float *)data)[r] = (float)pl->fval[id]; break;
        }
    }
    return filled;
}

static crm_status emit(crm_imp_table *t, const char *name, const plan *pl,
                       const crm_imp_pool *pool, const int32_t *ids,
                       size_t nsrc, const int64_t *dest, size_t nrows)
{
    crm_column c = {.name = name, .type = pl->type};
    const int64_t miss = pl->text                     ? -1
                         : pl->type == CRM_TYPE_INT32 ? INT32_MIN
                                                      : INT64_MIN;
    void *data = crm_imp_table_alloc(t, nrows, crm_type_size(pl->type));
    if (data == NULL)
        return CRM_ENOMEM;
    for (size_t r = 0; r < nrows; r++) {
        if (pl->type == CRM_TYPE_INT32)
            ((int32_t *)data)[r] = (int32_t)miss;
        else if (pl->type == CRM_TYPE_INT64)
            ((int64_t *)data)[r] = miss;
        else
            ((double *)data)[r] = NAN;
    }
    const size_t filled = scatter(pl, pool, ids, nsrc, dest, data);
    c.data = data;
    if (pl->text) {
        c.dict = pl->dict;
        c.ndict = pl->ndict;
    } else if (pl->type != CRM_TYPE_FLOAT64 && filled < nrows) {
        c.has_missing = 1;
        c.missing_value = miss;
    }
    return crm_imp_table_add(t, &c);
}

static crm_status plan_text(crm_imp_table *t, const crm_imp_pool *pool,
                            plan *pl)
{
    const size_t np = crm_imp_pool_count(pool);
    int32_t empty = -1; /* the empty string, when interned, takes no code */
    for (size_t id = 0; id < np; id++)
        if (crm_imp_pool_text(pool, (int32_t)id).n == 0)
            empty = (int32_t)id;
    int32_t *code = NULL;
    crm_status rc =
        crm_imp_pool_dict(pool, empty, &code, &pl->dict, &pl->ndict);
    if (rc != CRM_OK)
        return rc;
    if ((rc = crm_imp_table_own(t, (void *)pl->dict)) == CRM_OK) {
        for (size_t id = 0; id < np; id++)
            pl->ival[id] = code[id];
        pl->type = CRM_TYPE_INT32;
        pl->text = 1;
    }
    free(code);
    return rc;
}

static void plan_numbers(const crm_imp_pool *pool, const survey *s, plan *pl)
{
    const size_t np = crm_imp_pool_count(pool);
    if (s->any && s->all_int) {
        pl->type = s->min > INT32_MIN && s->max <= INT32_MAX ? CRM_TYPE_INT32
                                                             : CRM_TYPE_INT64;
        for (size_t id = 0; id < np; id++)
            if (!crm_imp_parse_i64(crm_imp_pool_text(pool, (int32_t)id),
                                   &pl->ival[id]))
                pl->ival[id] = 0;
        return;
    }
    pl->type = CRM_TYPE_FLOAT64;
    for (size_t id = 0; id < np; id++)
        if (crm_imp_parse_f64(crm_imp_pool_text(pool, (int32_t)id),
                              &pl->fval[id]) != 1)
            pl->fval[id] = NAN;
}

static crm_status plan_label(const crm_imp_pool *pool, const int32_t *ids,
                             size_t nsrc, plan *pl, size_t *bad)
{
    for (size_t id = 0; id < crm_imp_pool_count(pool); id++)
        if (!label_of(crm_imp_pool_text(pool, (int32_t)id), &pl->ival[id]))
            pl->ival[id] = -1;
    for (size_t i = 0; i < nsrc; i++)
        if (ids[i] < 0 || pl->ival[ids[i]] < 0) {
            *bad = i;
            return CRM_EPARSE;
        }
    pl->type = CRM_TYPE_INT32;
    return CRM_OK;
}

crm_status crm_imp_pool_column(crm_imp_table *t, const char *name,
                               const crm_imp_pool *pool, const int32_t *ids,
                               size_t nsrc, const int64_t *dest, size_t nrows,
                               crm_imp_kind kind, size_t *bad)
{
    crm_status rc = CRM_OK;
    const size_t np = crm_imp_pool_count(pool);
    plan pl = {.type = CRM_TYPE_FLOAT64};
    pl.ival = calloc(np ? np : 1, sizeof *pl.ival);
    pl.fval = calloc(np ? np : 1, sizeof *pl.fval);
    if (pl.ival == NULL || pl.fval == NULL) {
        rc = CRM_ENOMEM;
        goto done;
    }
    const survey s = kind == CRM_KIND_AUTO || kind == CRM_KIND_INT_OR_TEXT
                         ? look(pool)
                         : (survey){0};
    if (kind == CRM_KIND_LABEL)
        rc = plan_label(pool, ids, nsrc, &pl, bad);
    else if (kind == CRM_KIND_TEXT ||
             (kind == CRM_KIND_INT_OR_TEXT && !s.all_id) ||
             (kind == CRM_KIND_AUTO && !s.all_int && !s.all_num))
        rc = plan_text(t, pool, &pl);
    else if (kind == CRM_KIND_INT_OR_TEXT && !s.any)
        pl.type = CRM_TYPE_INT64;
    else
        plan_numbers(pool, &s, &pl);
    if (kind == CRM_KIND_INT_OR_TEXT && !pl.text)
        pl.type = CRM_TYPE_INT64; /* ids keep one width whatever the data */
    if (rc == CRM_OK)
        rc = emit(t, name, &pl, pool, ids, nsrc, dest, nrows);
done:
    free(pl.ival);
    free(pl.fval);
    return rc;
}
