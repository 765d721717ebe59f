/* io/inspect.h — a readable listing of what a store holds.
 *
 * For every table: its name, rows, block_rows and column count, then one
 * aligned line per column with its name, type ("int32" ... "float64", or
 * "dict(N)" for a dictionary column with N entries) and how many rows are
 * missing (NaN, code -1 or the integer sentinel). Counting missing values
 * reads every column, a slice of whole blocks at a time. Serial. */
#ifndef CRM_INSPECT_H
#define CRM_INSPECT_H

#include <stdio.h>

#include "core/status.h"

/* Writes the listing of the store at store_path to out. Returns the store's
 * codes (CRM_ENOTFOUND, CRM_EFORMAT, CRM_EHDF5) with err naming the file,
 * CRM_EIO when out cannot be written. */
crm_status crm_inspect(const char *store_path, FILE *out, crm_error *err);

#endif
