/* io/import_int.h — what the import files share; not for use outside
 * io/import*.c.
 *
 *   import.c         field text (trim, numbers, messages), header lookup
 *   import_pool.c    string interning and bytewise-sorted dictionaries
 *   import_table.c   owned column sets, scatter and permute of columns
 *   import_column.c  typing a column of text (integer, number, label, text)
 *   import_ids.c     the merged customer id space (integer or text ids)
 *   import_store.c   reading the old store, writing the new one atomically
 *   import_tx.c, import_cust.c, import_basket.c   the three imports
 *
 * Ownership follows the public rules: *_create/_build allocate, the matching
 * *_free/_destroy accept NULL (or a zeroed struct) and release. */
#ifndef CRM_IMPORT_INT_H
#define CRM_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/table.h"
#include "io/csv.h"
#include "io/import.h"
#include "io/store.h"

/* ---- field text (import.c) ---- */

typedef struct crm_text {
    const char *s; /* not NUL-terminated in general */
    size_t n;
} crm_text;

/* The field without leading and trailing spaces and tabs. */
crm_text crm_imp_trim(const char *s, size_t n);

/* Field i of the current record, trimmed. */
crm_text crm_imp_field(const crm_csv *r, size_t i);

/* Decimal integer [+-]digits that fits int64 (INT64_MIN excluded, being the
 * missing sentinel): 1 and *v, else 0. */
int crm_imp_parse_i64(crm_text t, int64_t *v);

/* An id that is an integer in canonical form, the way "%" PRId64 prints it
 * (no '+', no leading zeros, not "-0"): 1 and *v, else 0. Any other id is
 * text, so "00123" and "123" stay two ids and "0042" is written back as it
 * came. */
int crm_imp_parse_id(crm_text t, int64_t *v);

/* Decimal number [+-](digits[.digits]|.digits)[e[+-]digits]: 1 when finite,
 * -1 when it overflows to infinity, 0 when it is not a number (nan, inf,
 * hex and thousands separators are not numbers). */
int crm_imp_parse_f64(crm_text t, double *v);

/* A printable excerpt of t for messages (control characters replaced,
 * long values cut at a UTF-8 boundary with "..."). */
void crm_imp_show(crm_text t, char *buf, size_t cap);

/* Finds the header field called name (compared trimmed) for the option opt.
 * CRM_ENOTFOUND naming the column and listing the header, CRM_EDUP when two
 * header fields carry the name. */
crm_status crm_imp_find_column(const crm_csv *r, const char *opt,
                               const char *name, size_t *idx, crm_error *err);

/* "FILE:LINE: column "NAME": expected WHAT, got "VALUE"", CRM_EPARSE. */
crm_status crm_imp_bad_value(crm_error *err, const crm_csv *r, int64_t line,
                             const char *column, const char *what,
                             crm_text value);

crm_status crm_imp_nomem(crm_error *err, const char *path);

/* ---- string pool (import_pool.c) ---- */

/* Distinct byte strings with dense ids in first-seen order. */
typedef struct crm_imp_pool crm_imp_pool;

crm_status crm_imp_pool_create(crm_imp_pool **out);
void crm_imp_pool_destroy(crm_imp_pool *p);

/* The id of t, adding it when new. CRM_ENOMEM, or CRM_ERANGE past INT32_MAX
 * distinct strings. */
crm_status crm_imp_pool_intern(crm_imp_pool *p, crm_text t, int32_t *id);
size_t crm_imp_pool_count(const crm_imp_pool *p);
crm_text crm_imp_pool_text(const crm_imp_pool *p,
                           int32_t id); /* NUL-terminated */

/* The dictionary of the pool without the id skip (pass -1 to keep all):
 * code[id] = position of id among the kept strings in bytewise order (-1
 * for skip), dict = the kept strings in that order, pointing into the pool
 * (valid while the pool lives and takes no new strings). Both malloc'ed. */
crm_status crm_imp_pool_dict(const crm_imp_pool *p, int32_t skip,
                             int32_t **code, const char ***dict, size_t *ndict);

/* ---- owned column sets (import_table.c) ---- */

/* Columns under construction plus every buffer they point to that the set
 * owns; borrowed pointers (pool text, frames) must outlive it. */
typedef struct crm_imp_table {
    crm_table view; /* view.cols == cols; view.nrows set by the user */
    crm_column *cols;
    size_t cap_cols;
    void **owned;
    size_t nowned, cap_owned;
} crm_imp_table;

/* Appends a column view (data and dict borrowed or owned via alloc). */
crm_status crm_imp_table_add(crm_imp_table *t, const crm_column *c);

/* calloc(n, size) owned by t; NULL when out of memory. */
void *crm_imp_table_alloc(crm_imp_table *t, size_t n, size_t size);

/* Hands the malloc'ed p to t (freed with it, or at once on CRM_ENOMEM). */
crm_status crm_imp_table_own(crm_imp_table *t, void *p);
void crm_imp_table_free(crm_imp_table *t);

/* Appends column c of nsrc rows, row i placed at rows[i] of nrows rows;
 * other rows are missing (NaN, code -1, or the int sentinel, which the
 * column then declares). CRM_ERANGE when an int column already holds the
 * sentinel value. */
crm_status crm_imp_table_scatter(crm_imp_table *t, const crm_column *c,
                                 size_t nsrc, const int64_t *rows,
                                 size_t nrows);

/* Appends column c permuted: row i of the new column is row perm[i] of c. */
crm_status crm_imp_table_permute(crm_imp_table *t, const crm_column *c,
                                 const size_t *perm, size_t n);

/* ---- typed columns from text (import_column.c) ---- */

typedef enum crm_imp_kind {
    CRM_KIND_AUTO,        /* int32, int64, float64 or text, by the values */
    CRM_KIND_TEXT,        /* always a dictionary column */
    CRM_KIND_INT_OR_TEXT, /* int64 when every value is a canonical integer
                             (crm_imp_parse_id), else text: ids */
    CRM_KIND_LABEL        /* int32 0/1 from 0/1, yes/no, true/false, y/n */
} crm_imp_kind;

/* Appends column name of nrows rows made from the pool strings ids[i] of nsrc
 * source rows (ids[i] < 0 or an empty string: missing); source row i goes to
 * row dest[i], rows nobody goes to are missing. Text becomes int32 codes into
 * a bytewise-sorted dictionary. The pool must outlive t. CRM_EPARSE for a
 * LABEL value that is no label, with *bad = its first source row. */
crm_status crm_imp_pool_column(crm_imp_table *t, const char *name,
                               const crm_imp_pool *pool, const int32_t *ids,
                               size_t nsrc, const int64_t *dest, size_t nrows,
                               crm_imp_kind kind, size_t *bad);

/* ---- customer ids (import_ids.c) ---- */

/* A list of customer ids from one source: integers or text. */
typedef struct crm_imp_keys {
    int is_text;
    size_t n;
    const int64_t *num;      /* n ids when !is_text */
    const char *const *text; /* n NUL-terminated ids when is_text */
} crm_imp_keys;

/* The sorted distinct union of several key lists. If any list is text, all
 * are text (integers written in decimal) and ordered bytewise. */
typedef struct crm_imp_ids {
    int is_text;
    size_t n;
    int64_t *num; /* n ascending ids when !is_text */
    char **text;  /* n ascending owned strings when is_text */
} crm_imp_ids;

crm_status crm_imp_ids_build(const crm_imp_keys *src, size_t nsrc,
                             crm_imp_ids *out);
void crm_imp_ids_free(crm_imp_ids *ids);

/* rows[i] = row of src key i in ids (every key must be in ids). */
crm_status crm_imp_ids_rows(const crm_imp_ids *ids, const crm_imp_keys *src,
                            int64_t *rows);

/* Appends the /customers customer_id column: the ids, or codes 0..n-1 with
 * the text as a row-keyed dictionary. ids must outlive t. */
crm_status crm_imp_ids_column(const crm_imp_ids *ids, crm_imp_table *t);

/* The keys of the strings of a pool (id order): integers when every string
 * is one (*num malloc'ed), else the text (*text malloc'ed, pointing into
 * the pool). */
crm_status crm_imp_keys_of_pool(const crm_imp_pool *p, int64_t **num,
                                const char ***text, crm_imp_keys *k);

/* The keys of a stored customer_id column (n rows): its integers, or its
 * row-keyed dictionary; k borrows from c. CRM_EFORMAT when c is neither. */
crm_status crm_imp_keys_of_ids(const crm_column *c, size_t n, crm_imp_keys *k);

/* The keys of a stored transactions customer_id column (n rows) whose values
 * are ids or codes of the customers column cust (ncust rows). *buf receives
 * a malloc'ed pointer array the keys use (NULL when none is needed). */
crm_status crm_imp_keys_of_refs(const crm_column *refs, size_t n,
                                const crm_column *cust, size_t ncust,
                                crm_imp_keys *k, const char ***buf);

/* ---- old and new store (import_store.c) ---- */

typedef struct crm_imp_old {
    int exists;    /* the output file existed */
    char **tables; /* its tables (bare names) */
    size_t ntables;
    crm_frame *customers; /* whole /customers when asked for and present */
    int64_t ncustomers;
    crm_frame *transactions;
    int64_t ntransactions;
    char *label; /* /customers label attribute, or NULL */
} crm_imp_old;

/* Reads the parts of the store at path an import merges with; a missing file
 * gives an empty crm_imp_old. */
crm_status crm_imp_old_load(const char *path, int want_customers,
                            int want_transactions, crm_imp_old *old,
                            crm_error *err);
void crm_imp_old_free(crm_imp_old *old);
int crm_imp_old_has(const crm_imp_old *old, const char *table);

/* A table to write, with its optional attributes and index dataset. */
typedef struct crm_imp_out {
    const char *name;
    const crm_table *t;
    const char *index_name; /* NULL: no index */
    const int64_t *index;
    int64_t nindex;
    const char *text_attr_name; /* NULL: none */
    const char *text_attr;
    const char *i64_attr_name; /* NULL: none */
    int64_t i64_attr;
} crm_imp_out;

/* Writes tabs and every other table of old into a temporary file beside out,
 * then renames it over out. On failure out is untouched and the temporary
 * file removed. */
crm_status crm_imp_commit(const char *out, const crm_imp_out *tabs,
                          size_t ntabs, const crm_imp_old *old, crm_error *err);

/* ---- the /customers and /transactions pair (import_store.c) ---- */

/* The transaction order: a stable sort of n rows by (customer row, time);
 * perm[i] = the row placed at i, dest[row] = where row goes. */
crm_status crm_imp_sort_tx(const int64_t *cust_rows, const int64_t *time,
                           size_t n, size_t *perm, int64_t *dest);

/* tx_offset for nrows customers from the customer row of each of ntx
 * transactions, which must be sorted: malloc'ed, nrows + 1 entries. */
crm_status crm_imp_offsets(const int64_t *cust_rows, size_t ntx, size_t nrows,
                           int64_t **offsets);

#endif
