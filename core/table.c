/* core/table.c — typed access to borrowed column views. */
#include "core/table.h"

#include <math.h>
#include <string.h>

size_t crm_type_size(crm_type type)
{
    switch (type) {
    case CRM_TYPE_INT32: return 4;
    case CRM_TYPE_INT64: return 8;
    case CRM_TYPE_FLOAT32: return 4;
    case CRM_TYPE_FLOAT64: return 8;
    }
    return 0;
}

const char *crm_type_name(crm_type type)
{
    switch (type) {
    case CRM_TYPE_INT32: return "int32";
    case CRM_TYPE_INT64: return "int64";
    case CRM_TYPE_FLOAT32: return "float32";
    case CRM_TYPE_FLOAT64: return "float64";
    }
    return "unknown";
}

const crm_column *crm_table_find(const crm_table *t, const char *name)
{
    if (t == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return &t->cols[i];
    return NULL;
}

int crm_column_is_missing(const crm_column *c, size_t row)
{
    switch (c->type) {
    case CRM_TYPE_INT32: {
        const int32_t v = ((const int32_t *)c->data)[row];
        if (c->dict != NULL && v < 0)
            return 1;
        return c->has_missing && v == c->missing_value;
    }
    case CRM_TYPE_INT64: {
        const int64_t v = ((const int64_t *)c->data)[row];
        if (c->dict != NULL && v < 0)
            return 1;
        return c->has_missing && v == c->missing_value;
    }
    case CRM_TYPE_FLOAT32: return isnan(((const float *)c->data)[row]);
    case CRM_TYPE_FLOAT64: return isnan(((const double *)c->data)[row]);
    }
    return 1;
}

double crm_column_get_f64(const crm_column *c, size_t row)
{
    if (crm_column_is_missing(c, row))
        return NAN;
    switch (c->type) {
    case CRM_TYPE_INT32: return (double)((const int32_t *)c->data)[row];
    case CRM_TYPE_INT64: return (double)((const int64_t *)c->data)[row];
    case CRM_TYPE_FLOAT32: return (double)((const float *)c->data)[row];
    case CRM_TYPE_FLOAT64: return ((const double *)c->data)[row];
    }
    return NAN;
}

int64_t crm_column_get_i64(const crm_column *c, size_t row)
{
    switch (c->type) {
    case CRM_TYPE_INT32: return ((const int32_t *)c->data)[row];
    case CRM_TYPE_INT64: return ((const int64_t *)c->data)[row];
    case CRM_TYPE_FLOAT32: return (int64_t)((const float *)c->data)[row];
    case CRM_TYPE_FLOAT64: return (int64_t)((const double *)c->data)[row];
    }
    return 0;
}

const char *crm_column_dict_text(const crm_column *c, int64_t code)
{
    if (c->dict == NULL || code < c->dict_row0)
        return NULL;
    const int64_t i = code - c->dict_row0;
    if ((uint64_t)i >= (uint64_t)c->ndict)
        return NULL;
    return c->dict[i];
}
