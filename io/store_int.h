/* io/store_int.h — what store.c (files, tables, attributes) shares with
 * store_rw.c (column reads) and store_slab.c (writes). Not for use outside
 * these three files.
 *
 * Every function returning hid_t or herr_t reports failure as a negative
 * value and leaves the message to the caller (crm_store_fail); HDF5's own
 * error printing is off. */
#ifndef CRM_STORE_INT_H
#define CRM_STORE_INT_H

#include "io/store.h"

struct crm_store {
    hid_t file;
    int parallel; /* opened through the MPI-IO driver */
    char *path;
};

/* Releases any HDF5 identifier; negative ids are ignored. */
void crm_h5_drop(hid_t id);

/* Moves count elements between dset[off + i * stride] and a buffer: writes
 * wbuf when it is not NULL, otherwise reads into rbuf. count 0 selects none;
 * the call is still made, since it is collective in a parallel file. */
herr_t crm_h5_transfer(hid_t dset, hid_t mtype, hsize_t off, hsize_t stride,
                       hsize_t count, hid_t dxpl, const void *wbuf, void *rbuf);

/* Creates or replaces the scalar attribute name on obj. */
herr_t crm_h5_put_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                       const void *value);

/* Reads a scalar attribute: 1 read, 0 absent, -1 HDF5 error. */
int crm_h5_get_attr(hid_t obj, const char *name, hid_t mtype, void *value);

/* A 1-D dataset of n values without time stamps: chunked by min(chunk, n)
 * with (shuffle and) deflate, or contiguous and empty when n is 0. */
hid_t crm_h5_dataset(hid_t g, const char *name, hid_t ftype, int64_t n,
                     int64_t chunk, int shuffle);

/* Length of a 1-D dataset, -1 when it is not 1-D. */
int64_t crm_h5_len(hid_t dset);

/* table without its leading slashes, for messages and link names. */
const char *crm_store_bare(const char *table);

/* Sets err to "<path>:/<table>[/<obj>]: HDF5 cannot <what>", CRM_EHDF5. */
crm_status crm_store_fail(crm_error *err, const crm_store *s, const char *table,
                          const char *obj, const char *what);

/* malloc'ed a followed by b, NULL when out of memory. */
char *crm_store_join(const char *a, const char *b);

/* 1 for a usable table name ("customers" or "/customers"). */
int crm_store_valid_table(const char *table);

/* 1 for a usable column name: not empty, no '/', not a dictionary suffix. */
int crm_store_valid_column(const char *name);

hid_t crm_store_file_type(crm_type t); /* little-endian file type */
hid_t crm_store_mem_type(crm_type t);  /* native memory type */

/* A copy of dxpl (H5P_DEFAULT allowed) for s; in a parallel file it is made
 * collective with one linked-chunk I/O (see docs/FORMAT.md, determinism). */
hid_t crm_store_xfer(const crm_store *s, hid_t dxpl);

/* Opens the group of a table: CRM_EINVAL for a bad name, CRM_ENOTFOUND when
 * there is no group with a crmine_table attribute of that name. */
crm_status crm_store_open_table(const crm_store *s, const char *table, hid_t *g,
                                crm_error *err);

#endif
