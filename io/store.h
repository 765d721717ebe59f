/* io/store.h — the HDF5 columnar store (docs/FORMAT.md is the exact layout).
 *
 * A store is one HDF5 file; a table is a group holding one 1-D chunked,
 * shuffle+deflate dataset per column, all nrows long, and attributes
 * `crmine_table` (format version), `nrows` and `block_rows` (= chunk length).
 * Dictionary columns keep their text in `<col>.dict` (uint8 UTF-8 bytes, each
 * entry NUL-terminated) and `<col>.dict_offsets` (int64, ndict + 1).
 *
 * Serial or parallel: engine passes the file-access and transfer property lists
 * (H5P_DEFAULT for serial, MPI-IO ones it built for parallel) and a crm_comm;
 * io itself never calls MPI. Writes are collective when the file is parallel:
 * every rank calls crm_store_write with the same columns, names and types. A
 * rank's rows follow the rows of lower ranks. Objects are created without time
 * stamps, in a fixed order, so equal data give byte-identical files.
 *
 * Ownership: crm_store and crm_frame are owned by the caller and released with
 * crm_store_close / crm_frame_free (both accept NULL). */
#ifndef CRM_STORE_H
#define CRM_STORE_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/status.h"
#include "core/table.h"

#define CRM_STORE_FORMAT_VERSION 1
#define CRM_STORE_BLOCK_ROWS 4096 /* default chunk and block length */

typedef struct crm_store crm_store;
typedef struct crm_frame crm_frame;

/* Column description without the data. */
typedef struct crm_column_info {
    char *name;         /* owned by the crm_table_info */
    crm_type type;
    int has_dict;       /* 1: codes + <name>.dict */
    int64_t ndict;      /* dictionary entries, 0 without one */
    int has_missing;    /* integer sentinel attribute present */
    int64_t missing_value;
    int dict_by_row;    /* dictionary keyed by row (dict_is_row_key) */
} crm_column_info;

typedef struct crm_table_info {
    int64_t nrows;
    int64_t block_rows;
    int version;        /* crmine_table attribute */
    size_t ncols;
    crm_column_info *cols; /* in the table's stored column order */
} crm_table_info;

/* Creates (truncating) the file at path. fapl: H5P_DEFAULT or an MPI-IO list
 * (collective then). The file is written in the HDF5 1.10 format with file
 * space never reused, and time tracking is switched off on HDF5's default
 * group-creation list too (process-wide): docs/FORMAT.md says why.
 * CRM_EHDF5 with err naming the path when HDF5 refuses. */
crm_status crm_store_create(const char *path, hid_t fapl, crm_store **out,
                            crm_error *err);

/* Opens an existing store; writable 0 = read only. CRM_ENOTFOUND when the
 * file does not exist, CRM_EFORMAT when it is not an HDF5 file, CRM_EHDF5
 * when HDF5 cannot open it. */
crm_status crm_store_open(const char *path, hid_t fapl, int writable,
                          crm_store **out, crm_error *err);

/* Flushes the file, closes it and frees s, whatever happens; NULL is
 * accepted (CRM_OK). CRM_EHDF5 when the flush or the close fails (a full
 * disk): the file on disk may then be incomplete, so a writer must check
 * this before it trusts or renames the file. Cleanup paths that already
 * fail may ignore the result. Collective when the file is parallel. */
crm_status crm_store_close(crm_store *s);

/* 1 when the store has a table (group with a crmine_table attribute) of that
 * name ("/customers" or "customers"), else 0. */
int crm_store_has_table(const crm_store *s, const char *table);

/* Names of the tables in the store, in name order; *names is a
 * malloc'ed array of malloc'ed strings, freed with crm_store_names_free. */
crm_status crm_store_tables(const crm_store *s, char ***names, size_t *n,
                            crm_error *err);

/* Names of every link in the file's root group, crmine tables or not
 * (groups, datasets, soft and external links alike), in name order; freed
 * with crm_store_names_free. Lets a writer notice objects it would lose. */
crm_status crm_store_links(const crm_store *s, char ***names, size_t *n,
                           crm_error *err);
void crm_store_names_free(char **names, size_t n);

/* Describes a table. CRM_ENOTFOUND (err names store and table) when absent,
 * CRM_EFORMAT when its version is newer than this build understands. */
crm_status crm_store_table_info(const crm_store *s, const char *table,
                                crm_table_info **out, crm_error *err);
void crm_table_info_free(crm_table_info *info);

/* Reads rows [row0, row0 + nrows) of the named columns (names NULL: all
 * columns, in stored order) into an owned frame. Collective when the file is
 * parallel (a rank may ask for nrows = 0). Dictionaries are read whole, except
 * for a column whose dictionary is keyed by row (attribute dict_is_row_key,
 * as customer_id with text ids): then only entries [row0, row0 + nrows) are
 * read and the view has dict_sliced = 1, dict_by_row = 1, dict_row0 = row0.
 * CRM_ENOTFOUND when a column is absent (err names table and column). */
crm_status crm_store_read(const crm_store *s, const char *table,
                          const char *const *names, size_t nnames,
                          int64_t row0, int64_t nrows, hid_t dxpl,
                          crm_frame **out, crm_error *err);

/* The columns of a frame; valid until crm_frame_free. */
const crm_table *crm_frame_table(const crm_frame *f);
void crm_frame_free(crm_frame *f);

/* out[i] = column[row0 + i * stride] for i < count, an integer column or
 * index dataset. Used to read index values at block boundaries without
 * reading the whole index. CRM_ENOTFOUND for an absent dataset, CRM_ERANGE
 * when the last value would pass its end; collective in a parallel file. */
crm_status crm_store_read_i64_strided(const crm_store *s, const char *table,
                                      const char *column, int64_t row0,
                                      int64_t stride, int64_t count,
                                      hid_t dxpl, int64_t *out,
                                      crm_error *err);

/* Writes t as table `table` (replacing an existing one), this rank's rows
 * following those of lower ranks in comm; block_rows is the chunk length
 * (0: CRM_STORE_BLOCK_ROWS). A serial file takes a one-rank comm
 * (crm_comm_self) and H5P_DEFAULT; a parallel one a collective dxpl, which
 * io copies and sets to linked-chunk I/O. CRM_EINVAL for bad column names
 * (empty, '/', or ending in .dict/.dict_offsets), duplicates or missing
 * data, agreed across ranks before anything is written. A column with dict_sliced contributes its slice
 * to a dictionary assembled in rank order; other dictionaries must be equal on
 * every rank and are written once. A column with dict_by_row set is stored
 * with attribute dict_is_row_key = 1. Collective over comm when the file is
 * parallel. */
crm_status crm_store_write(crm_store *s, const char *table, const crm_table *t,
                           const crm_comm *comm, int64_t block_rows,
                           hid_t dxpl, crm_error *err);

/* Integer and text attributes on a table group (created or replaced). In a
 * parallel file the setters are collective: every rank passes the same
 * value. Getters return CRM_ENOTFOUND (err names it) for an absent one. */
crm_status crm_store_set_attr_i64(crm_store *s, const char *table,
                                  const char *name, int64_t value,
                                  crm_error *err);
crm_status crm_store_get_attr_i64(const crm_store *s, const char *table,
                                  const char *name, int64_t *value,
                                  crm_error *err);

/* Text attributes (UTF-8) on a table group; *value is malloc'ed. */
crm_status crm_store_set_attr_text(crm_store *s, const char *table,
                                   const char *name, const char *value,
                                   crm_error *err);
crm_status crm_store_get_attr_text(const crm_store *s, const char *table,
                                   const char *name, char **value,
                                   crm_error *err);

/* An index dataset inside a table group that is not a column (its length is
 * not nrows), such as /customers/tx_offset (nrows + 1); attribute
 * crmine_index marks it. Written serially (import): CRM_EINVAL in a parallel
 * file (crm_store_index_create writes one in parallel). Read with
 * crm_store_read_i64_strided (stride 1 for a range). Not
 * listed among the table's columns; replaces one of the same name. */
crm_status crm_store_write_index(crm_store *s, const char *table,
                                 const char *name, const int64_t *values,
                                 int64_t n, crm_error *err);

/* ---- writing a table in slabs ------------------------------------------
 *
 * A table too large for memory is written in rounds: crm_store_table_create
 * makes the group, every column dataset (total_rows long) and the
 * dictionaries; each crm_store_table_append is one round, in which this
 * rank's slab rows follow those of lower ranks, and the round's rows follow
 * the previous round's; crm_store_table_close releases the writer.
 * crm_store_write is create + one append + close. An index dataset (such as
 * /customers/tx_offset) is written the same way through
 * crm_store_index_create and crm_store_index_append.
 *
 * Every call is collective when the file is parallel: all ranks call it in
 * the same order, a rank may append 0 rows. Files stay byte-identical across
 * rank counts when the rows of every round are the same set at any rank
 * count (docs/FORMAT.md, "Writing in slabs"). The writer borrows s and comm,
 * which must outlive it. */
typedef struct crm_store_writer crm_store_writer;

/* Creates table `table` (replacing an existing one) of total_rows rows with
 * the columns of schema: names, types, missing sentinels, dict_by_row and
 * dictionaries are taken from it; data and nrows are not, except that a
 * sliced dictionary (dict_sliced) contributes this rank's slice in rank
 * order. Whole dictionaries must be equal on every rank and are written
 * once, here. total_rows, block_rows (0: CRM_STORE_BLOCK_ROWS) and the
 * column list must be equal on every rank. CRM_EINVAL for bad arguments or
 * column names (agreed across ranks before anything is written), CRM_EHDF5
 * when HDF5 refuses. On failure *out is untouched. */
crm_status crm_store_table_create(crm_store *s, const char *table,
                                  const crm_table *schema, int64_t total_rows,
                                  int64_t block_rows, const crm_comm *comm,
                                  hid_t dxpl, crm_store_writer **out,
                                  crm_error *err);

/* Writes one round: slab's columns (the schema's, same names and types, in
 * the same order; dictionaries are ignored) at the rows after the previous
 * round and after the slabs of lower ranks in this one. CRM_EINVAL for a
 * slab that does not match the schema, CRM_ERANGE when the round would pass
 * total_rows: both agreed across ranks, nothing written. */
crm_status crm_store_table_append(crm_store_writer *w, const crm_table *slab,
                                  crm_error *err);

/* Creates the index dataset `name` (attribute crmine_index, int64, n values,
 * chunked by the table's block_rows) in an existing table, replacing one of
 * that name. n must be equal on every rank. CRM_ENOTFOUND without the
 * table, CRM_EINVAL for a bad name. */
crm_status crm_store_index_create(crm_store *s, const char *table,
                                  const char *name, int64_t n,
                                  const crm_comm *comm, hid_t dxpl,
                                  crm_store_writer **out, crm_error *err);

/* One round of an index: this rank's n values after those of the previous
 * round and of lower ranks. CRM_ERANGE past the end, CRM_EINVAL for values
 * NULL with n > 0. */
crm_status crm_store_index_append(crm_store_writer *w, const int64_t *values,
                                  int64_t n, crm_error *err);

/* Rows (or index values) written so far by all ranks; the same on every
 * rank. */
int64_t crm_store_writer_rows(const crm_store_writer *w);

/* Releases the writer (NULL accepted: CRM_OK). CRM_ERANGE (err says how many
 * rows are missing) when fewer than total rows were appended; the datasets
 * then hold fill values (0) there. Collective in a parallel file. */
crm_status crm_store_table_close(crm_store_writer *w, crm_error *err);

#endif
