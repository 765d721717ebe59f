/* io/export.h — CSV text of crmine tables (RFC 4180, '\n' line ends).
 *
 * Formatting is a pure function of a row: the text of row i depends on row i
 * alone, so ranks can each format their own rows of scores.csv and the parts
 * concatenate to the text one process would write.
 *
 * Cells: integers as %lld; floats as the shortest of %.15g, %.16g, %.17g
 * (float32: %.6g ... %.9g) that parses back to the same bits, in the "C"
 * locale; dictionary columns as their UTF-8 text; a missing value (NaN, code
 * -1, the integer sentinel) as an empty cell. A field holding a comma, a
 * quote, CR or LF is quoted with its quotes doubled, and so is an empty
 * text, so that "" (empty text) and an empty cell (missing) stay apart as
 * PostgreSQL's CSV COPY reads them.
 *
 * Buffers returned through char ** are malloc'ed and owned by the caller;
 * they are NUL-terminated and *len excludes the NUL. */
#ifndef CRM_EXPORT_H
#define CRM_EXPORT_H

#include <stddef.h>

#include "core/status.h"
#include "core/table.h"

/* Longest text crm_csv_format_f64 writes, with its NUL. */
#define CRM_CSV_NUM_LEN 32

/* The column names as one CSV line. CRM_EINVAL for NULL arguments,
 * CRM_ENOMEM. */
crm_status crm_csv_format_header(const crm_table *t, char **buf, size_t *len);

/* Rows [row0, row0 + nrows) of t as CSV lines. CRM_EINVAL when the range
 * passes t->nrows, CRM_ERANGE when a dictionary code has no text here (for a
 * sliced dictionary, code c is dict[c - dict_row0]), CRM_ENOMEM. */
crm_status crm_csv_format_rows(const crm_table *t, size_t row0, size_t nrows,
                               char **buf, size_t *len);

/* v as the shortest of %.15g/%.16g/%.17g that strtod reads back to the same
 * bits ("nan" for NaN); returns the length written to out. */
size_t crm_csv_format_f64(double v, char out[CRM_CSV_NUM_LEN]);

/* Writes the in-memory table t (header, then every row) to path, which the
 * caller names and commits (engine writes under a temporary name). Serial.
 * CRM_ENOMEM; CRM_EIO naming path when it cannot be written; a dictionary
 * code without text is CRM_ERANGE. */
crm_status crm_csv_write_table(const crm_table *t, const char *path,
                               crm_error *err);

/* Writes table `table` of the store at store_path to csv_path: header, then
 * every row, read block_rows-aligned slices at a time so memory stays
 * bounded. Index datasets (such as tx_offset) are not columns and are not
 * written. The text goes to a temporary file beside csv_path, renamed over
 * it only on success, so a failure leaves no output. Serial. Returns the
 * store's codes (CRM_ENOTFOUND for a missing file or table, CRM_EFORMAT,
 * CRM_EHDF5), CRM_EIO when the file cannot be written, with err naming it. */
crm_status crm_export_csv(const char *store_path, const char *table,
                          const char *csv_path, crm_error *err);

#endif
