/* io/csv.h — a streaming RFC 4180 reader built on libcsv.
 *
 * The file is read one physical line at a time and fed to libcsv in strict
 * mode, so every record knows the line where it starts (for messages) and the
 * file is never held in memory whole. Quoted fields may hold the delimiter,
 * quotes ("") and line breaks; records end in LF, CRLF or a lone CR (each
 * one line end for numbering; a CR-only file is read in one piece); a UTF-8
 * byte order mark is skipped. Fields are returned exactly as written (no
 * trimming), except in whitespace mode (delimiter ' '): there runs of spaces
 * and tabs separate fields and leading/trailing whitespace is ignored (the
 * CDNOW and FIMI files). Blank lines are skipped unless keep_empty is set,
 * which turns each into a record of zero fields (a basket file's empty
 * basket).
 *
 * Ownership: crm_csv is created by crm_csv_open and released by crm_csv_close
 * (NULL accepted). Field pointers are borrowed and valid until the next
 * crm_csv_next or crm_csv_close. Not thread-safe; one reader per thread. */
#ifndef CRM_CSV_H
#define CRM_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct crm_csv crm_csv;

/* Reader options; zero means default. */
typedef struct crm_csv_opts {
    char delimiter; /* 0: ','; ' ': whitespace mode; any other single byte */
    int keep_empty; /* 1: a blank line is a record with zero fields */
    int ragged_ok;  /* 1: records may differ in field count */
} crm_csv_opts;

/* Opens path for reading (opts NULL: defaults). CRM_ENOTFOUND when the file
 * does not exist, CRM_EIO when it cannot be read, CRM_EINVAL for a delimiter
 * that is a quote, CR or LF. */
crm_status crm_csv_open(const char *path, const crm_csv_opts *opts,
                        crm_csv **out, crm_error *err);

/* Closes the file and frees the reader; NULL is accepted. */
void crm_csv_close(crm_csv *r);

/* Reads the first record as the header; later records must have as many
 * fields (unless ragged_ok). CRM_EEMPTY when the file holds no record,
 * CRM_EPARSE for malformed quoting. Call at most once, before crm_csv_next. */
crm_status crm_csv_read_header(crm_csv *r, crm_error *err);

/* Header fields, as written; valid until crm_csv_close. */
size_t crm_csv_header_count(const crm_csv *r);
const char *crm_csv_header_name(const crm_csv *r, size_t i);

/* Advances to the next record: *got = 1 when there is one, 0 at the end of
 * the file. CRM_EPARSE (err: "FILE:LINE: ...") for malformed quoting or a
 * record whose field count differs from the header's, CRM_EIO on a read
 * error, CRM_ENOMEM. */
crm_status crm_csv_next(crm_csv *r, int *got, crm_error *err);

/* The current record: its field count, field i (NUL-terminated, *len bytes
 * without the NUL; len may be NULL), and the physical line (1-based) where it
 * starts. */
size_t crm_csv_nfields(const crm_csv *r);
const char *crm_csv_field(const crm_csv *r, size_t i, size_t *len);
int64_t crm_csv_line(const crm_csv *r);

/* The path the reader was opened with, for messages. */
const char *crm_csv_path(const crm_csv *r);

#endif
