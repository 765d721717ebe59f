/* io/inspect.h — a readable listing of what a store holds.
 *
 * For every table: its name, rows, block_rows and column count, then one
 * aligned line per column with its name, type ("int32" ... "float64", or
 * "dict(N)" for a dictionary column with N entries) and how many rows are
 * missing (NaN, code -1 or the integer sentinel). Counting missing values
 * reads every column, a slice of whole blocks at a time. Serial. The
 * listing is returned as text; io prints nothing. */
#ifndef CRM_INSPECT_H
#define CRM_INSPECT_H

#include <stddef.h>

#include "core/status.h"

/* The listing of the store at store_path: *text is a malloc'ed,
 * NUL-terminated string of *len bytes (len may be NULL) that the caller
 * prints and frees; both untouched on failure. Returns the store's codes
 * (CRM_ENOTFOUND, CRM_EFORMAT, CRM_EHDF5) with err naming the file,
 * CRM_EINVAL for a NULL argument, CRM_ENOMEM. */
crm_status crm_inspect(const char *store_path, char **text, size_t *len,
                       crm_error *err);

#endif
