/* core/table.h — borrowed column views shared by io/, algorithms/ and engine/.
 *
 * A crm_table is nrows rows of ncols typed columns. Nothing here owns memory:
 * every pointer is borrowed and must outlive the view (io's crm_frame owns the
 * buffers it hands out as a crm_table). Missing values: NaN in float columns,
 * code -1 in dictionary columns, and `missing_value` in integer columns that set
 * has_missing. A dictionary column stores integer codes; code c names dict text
 * dict[c - dict_row0] (UTF-8). When dict_sliced is set, the dictionary is split
 * across ranks in rank order and this rank holds entries
 * [dict_row0, dict_row0 + ndict); otherwise every rank holds all of it. */
#ifndef CRM_TABLE_H
#define CRM_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef enum crm_type {
    CRM_TYPE_INT32,
    CRM_TYPE_INT64,
    CRM_TYPE_FLOAT32,
    CRM_TYPE_FLOAT64
} crm_type;

typedef struct crm_column {
    const char *name;          /* UTF-8, unique within the table */
    crm_type type;
    const void *data;          /* nrows values of `type` */
    const char *const *dict;   /* ndict UTF-8 strings, or NULL: plain column */
    size_t ndict;              /* entries held here (see dict_sliced) */
    int64_t dict_row0;         /* global index of dict[0] */
    int dict_sliced;           /* 1: dict split across ranks in rank order */
    int dict_by_row;           /* 1: code == global row, dict[i] names row
                                  dict_row0 + i (text customer ids) */
    int has_missing;           /* integer columns: missing_value is a sentinel */
    int64_t missing_value;     /* meaningful only when has_missing */
} crm_column;

typedef struct crm_table {
    size_t nrows;
    size_t ncols;
    const crm_column *cols;    /* ncols columns, each nrows long */
} crm_table;

/* Bytes per value of type. */
size_t crm_type_size(crm_type type);

/* "int32", "int64", "float32" or "float64"; never NULL. */
const char *crm_type_name(crm_type type);

/* The column called name, or NULL when t has none. */
const crm_column *crm_table_find(const crm_table *t, const char *name);

/* 1 when row holds a missing value (NaN, code -1, or the sentinel). */
int crm_column_is_missing(const crm_column *c, size_t row);

/* The value at row as a double; NaN when missing. Dictionary codes are
 * returned as numbers, not looked up. */
double crm_column_get_f64(const crm_column *c, size_t row);

/* The value at row as int64 (floats truncated toward zero); the caller checks
 * crm_column_is_missing first. */
int64_t crm_column_get_i64(const crm_column *c, size_t row);

/* The text of a dictionary code, or NULL when c has no dictionary, the code is
 * missing, or the entry is not held on this rank. */
const char *crm_column_dict_text(const crm_column *c, int64_t code);

#endif
