/* io/store.c — HDF5 store files, table listing and description, table
 * attributes, and the small HDF5 helpers store_rw.c shares (docs/FORMAT.md
 * is the layout).
 *
 * A table is a group whose links are tracked in creation order, so columns
 * list in the order they were written. A column is a 1-D dataset of nrows
 * values, chunked by block_rows, shuffle + deflate; its dictionary lives in
 * `<col>.dict` (NUL-terminated UTF-8 bytes) and `<col>.dict_offsets` (int64,
 * ndict + 1). Index datasets (attribute crmine_index) are not columns.
 *
 * Determinism (measured at 1-4 ranks, docs/FORMAT.md): no object carries a
 * time stamp, files use the HDF5 1.10 format, file space is always taken at
 * the end of the file and never reused, and parallel transfers use one
 * linked-chunk collective I/O. Equal tables then give byte-identical files,
 * serially across runs and in parallel across rank counts.
 *
 * Every hid_t starts at -1 and is released by crm_h5_drop() after `done:`. */
#define _POSIX_C_SOURCE 200809L
#include "io/store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/store_int.h"

#define DEFLATE_LEVEL 4

/* Releases any HDF5 identifier; negative ids are ignored. */
void crm_h5_drop(hid_t id)
{
    if (id < 0)
        return;
    switch (H5Iget_type(id)) {
    case H5I_FILE: H5Fclose(id); break;
    case H5I_GROUP: H5Gclose(id); break;
    case H5I_DATASET: H5Dclose(id); break;
    case H5I_DATATYPE: H5Tclose(id); break;
    case H5I_DATASPACE: H5Sclose(id); break;
    case H5I_ATTR: H5Aclose(id); break;
    case H5I_GENPROP_LST: H5Pclose(id); break;
    default: break;
    }
}

const char *crm_store_bare(const char *table)
{
    while (*table == '/')
        table++;
    return table;
}

crm_status crm_store_fail(crm_error *err, const crm_store *s, const char *table,
                          const char *obj, const char *what)
{
    return crm_error_set(err, CRM_EHDF5, "%s:/%s%s%s: HDF5 cannot %s", s->path,
                         crm_store_bare(table), obj ? "/" : "", obj ? obj : "",
                         what);
}

char *crm_store_join(const char *a, const char *b)
{
    const size_t na = strlen(a), nb = strlen(b);
    char *p = malloc(na + nb + 1);
    if (p != NULL) {
        memcpy(p, a, na);
        memcpy(p + na, b, nb + 1);
    }
    return p;
}

static int has_suffix(const char *s, const char *suffix)
{
    const size_t ns = strlen(s), nx = strlen(suffix);
    return ns >= nx && strcmp(s + ns - nx, suffix) == 0;
}

int crm_store_valid_table(const char *table)
{
    return table != NULL && crm_store_bare(table)[0] != '\0' &&
           strchr(crm_store_bare(table), '/') == NULL;
}

int crm_store_valid_column(const char *name)
{
    return name != NULL && name[0] != '\0' && strchr(name, '/') == NULL &&
           strcmp(name, ".") != 0 && !has_suffix(name, ".dict") &&
           !has_suffix(name, ".dict_offsets");
}

hid_t crm_store_file_type(crm_type t)
{
    switch (t) {
    case CRM_TYPE_INT32: return H5T_STD_I32LE;
    case CRM_TYPE_INT64: return H5T_STD_I64LE;
    case CRM_TYPE_FLOAT32: return H5T_IEEE_F32LE;
    case CRM_TYPE_FLOAT64: return H5T_IEEE_F64LE;
    }
    return -1;
}

hid_t crm_store_mem_type(crm_type t)
{
    switch (t) {
    case CRM_TYPE_INT32: return H5T_NATIVE_INT32;
    case CRM_TYPE_INT64: return H5T_NATIVE_INT64;
    case CRM_TYPE_FLOAT32: return H5T_NATIVE_FLOAT;
    case CRM_TYPE_FLOAT64: return H5T_NATIVE_DOUBLE;
    }
    return -1;
}

/* The crm_type of a stored dataset type; 0 when it has none. */
static int type_of(hid_t dtype, crm_type *t)
{
    const H5T_class_t cls = H5Tget_class(dtype);
    const size_t size = H5Tget_size(dtype);
    if (cls == H5T_INTEGER && H5Tget_sign(dtype) == H5T_SGN_2 &&
        (size == 4 || size == 8)) {
        *t = size == 4 ? CRM_TYPE_INT32 : CRM_TYPE_INT64;
        return 1;
    }
    if (cls == H5T_FLOAT && (size == 4 || size == 8)) {
        *t = size == 4 ? CRM_TYPE_FLOAT32 : CRM_TYPE_FLOAT64;
        return 1;
    }
    return 0;
}

/* ---- small HDF5 helpers ------------------------------------------------ */

/* Moves count elements between dset[off + i * stride] and buf. count 0
 * selects none: in a parallel file the call is still made, it is collective.
 * wbuf != NULL writes, otherwise reads into rbuf. */
herr_t crm_h5_transfer(hid_t dset, hid_t mtype, hsize_t off, hsize_t stride,
                       hsize_t count, hid_t dxpl, const void *wbuf, void *rbuf)
{
    hid_t fspace = -1, mspace = -1;
    herr_t st = -1;
    const hsize_t mdim = count > 0 ? count : 1;
    double dummy[1] = {0};
    if ((fspace = H5Dget_space(dset)) < 0 ||
        (mspace = H5Screate_simple(1, &mdim, NULL)) < 0)
        goto done;
    if (H5Sget_simple_extent_npoints(fspace) == 0) {
        st = 0; /* an empty dataset has no storage; every rank sees that */
        goto done;
    }
    if (count == 0) {
        if (H5Sselect_none(fspace) < 0 || H5Sselect_none(mspace) < 0)
            goto done;
    } else if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &off, &stride,
                                   &count, NULL) < 0) {
        goto done;
    }
    if (wbuf != NULL)
        st = H5Dwrite(dset, mtype, mspace, fspace, dxpl, wbuf);
    else
        st = H5Dread(dset, mtype, mspace, fspace, dxpl,
                     count > 0 ? rbuf : (void *)dummy);
done:
    crm_h5_drop(mspace);
    crm_h5_drop(fspace);
    return st;
}

/* Creates or replaces the scalar attribute name on obj. */
herr_t crm_h5_put_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                       const void *value)
{
    hid_t space = -1, attr = -1;
    herr_t st = -1;
    const htri_t exists = H5Aexists(obj, name);
    if (exists < 0 || (exists > 0 && H5Adelete(obj, name) < 0))
        return -1;
    if ((space = H5Screate(H5S_SCALAR)) < 0 ||
        (attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT)) <
            0)
        goto done;
    st = H5Awrite(attr, mtype, value);
done:
    crm_h5_drop(attr);
    crm_h5_drop(space);
    return st;
}

/* Reads a scalar numeric attribute: 1 read, 0 absent, -1 HDF5 error. */
int crm_h5_get_attr(hid_t obj, const char *name, hid_t mtype, void *value)
{
    hid_t attr = -1;
    const htri_t exists = H5Aexists(obj, name);
    if (exists <= 0)
        return exists < 0 ? -1 : 0;
    int rc = -1;
    if ((attr = H5Aopen(obj, name, H5P_DEFAULT)) >= 0 &&
        H5Aread(attr, mtype, value) >= 0)
        rc = 1;
    crm_h5_drop(attr);
    return rc;
}

/* A 1-D dataset of n values: chunked by min(chunk, n) with (shuffle and)
 * deflate, contiguous and empty when n is 0; no time stamps. */
hid_t crm_h5_dataset(hid_t g, const char *name, hid_t ftype, int64_t n,
                     int64_t chunk, int shuffle)
{
    hid_t dcpl = -1, space = -1, dset = -1;
    const hsize_t dim = (hsize_t)n;
    const hsize_t cdim = (hsize_t)(chunk < n ? chunk : n);
    if ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
        H5Pset_obj_track_times(dcpl, 0) < 0)
        goto done;
    if (n > 0 && (H5Pset_chunk(dcpl, 1, &cdim) < 0 ||
                  (shuffle && H5Pset_shuffle(dcpl) < 0) ||
                  H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0))
        goto done;
    if ((space = H5Screate_simple(1, &dim, NULL)) < 0)
        goto done;
    dset = H5Dcreate2(g, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
done:
    crm_h5_drop(space);
    crm_h5_drop(dcpl);
    return dset;
}

/* Length of a 1-D dataset, -1 when it is not 1-D. */
int64_t crm_h5_len(hid_t dset)
{
    hid_t space = H5Dget_space(dset);
    hsize_t dim = 0;
    int64_t n = -1;
    if (space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
        H5Sget_simple_extent_dims(space, &dim, NULL) == 1)
        n = (int64_t)dim;
    crm_h5_drop(space);
    return n;
}

/* A transfer list for parallel files: the caller's, plus one linked-chunk
 * I/O so chunks are allocated in chunk order at any rank count. */
hid_t crm_store_xfer(const crm_store *s, hid_t dxpl)
{
    hid_t p = H5Pcopy(dxpl == H5P_DEFAULT ? H5P_DATASET_XFER_DEFAULT : dxpl);
#ifdef H5_HAVE_PARALLEL
    if (p >= 0 && s->parallel &&
        (H5Pset_dxpl_mpio(p, H5FD_MPIO_COLLECTIVE) < 0 ||
         H5Pset_dxpl_mpio_chunk_opt(p, H5FD_MPIO_CHUNK_ONE_IO) < 0)) {
        crm_h5_drop(p);
        p = -1;
    }
#else
    (void)s;
#endif
    return p;
}

/* ---- files ------------------------------------------------------------- */

static int is_parallel(hid_t file)
{
    int par = 0;
#ifdef H5_HAVE_PARALLEL
    hid_t fapl = H5Fget_access_plist(file);
    if (fapl >= 0)
        par = H5Pget_driver(fapl) == H5FD_MPIO;
    crm_h5_drop(fapl);
#else
    (void)file;
#endif
    return par;
}

static crm_status wrap_file(const char *path, hid_t file, crm_store **out,
                            crm_error *err)
{
    crm_store *s = malloc(sizeof *s);
    char *p = malloc(strlen(path) + 1);
    if (s == NULL || p == NULL) {
        free(p);
        free(s);
        crm_h5_drop(file);
        return crm_error_set(err, CRM_ENOMEM, "%s: out of memory", path);
    }
    s->file = file;
    s->parallel = is_parallel(file);
    s->path = strcpy(p, path);
    *out = s;
    return CRM_OK;
}

/* A copy of the caller's access list (H5P_DEFAULT allowed) that writes the
 * HDF5 1.10 format: its chunk indexes and headers are fully initialised on
 * disk, unlike the 1.8 v1 B-tree nodes (see docs/FORMAT.md). */
static hid_t access_list(hid_t fapl)
{
    hid_t p = H5Pcopy(fapl == H5P_DEFAULT ? H5P_FILE_ACCESS_DEFAULT : fapl);
    if (p >= 0 &&
        H5Pset_libver_bounds(p, H5F_LIBVER_V110, H5F_LIBVER_V110) < 0) {
        crm_h5_drop(p);
        p = -1;
    }
    return p;
}

/* No time stamp on the root group; file space always taken at the end of
 * the file, never reused (docs/FORMAT.md, determinism). */
static hid_t creation_list(void)
{
    hid_t p = H5Pcreate(H5P_FILE_CREATE);
    if (p >= 0 &&
        (H5Pset_obj_track_times(p, 0) < 0 ||
         H5Pset_file_space_strategy(p, H5F_FSPACE_STRATEGY_NONE, 0, 1) < 0)) {
        crm_h5_drop(p);
        p = -1;
    }
    return p;
}

/* HDF5 builds the superblock extension (which strategy NONE needs) from its
 * default group-creation list, not from ours: without this its object
 * header carries the creation time. Process-wide, and what crmine wants for
 * every object anyway. */
static herr_t quiet_defaults(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return H5Pset_obj_track_times(H5P_GROUP_CREATE_DEFAULT, 0);
}

crm_status crm_store_create(const char *path, hid_t fapl, crm_store **out,
                            crm_error *err)
{
    hid_t fcpl = -1, access = -1, file = -1;
    crm_status rc = CRM_OK;
    if (path == NULL || out == NULL)
        return crm_error_set(err, CRM_EINVAL, "store create: no path");
    if (quiet_defaults() < 0 || (fcpl = creation_list()) < 0 ||
        (access = access_list(fapl)) < 0 ||
        (file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, access)) < 0)
        rc = crm_error_set(err, CRM_EHDF5, "%s: HDF5 cannot create the file",
                           path);
    else
        rc = wrap_file(path, file, out, err);
    crm_h5_drop(access);
    crm_h5_drop(fcpl);
    return rc;
}

crm_status crm_store_open(const char *path, hid_t fapl, int writable,
                          crm_store **out, crm_error *err)
{
    struct stat st;
    hid_t access = -1, file = -1;
    if (path == NULL || out == NULL)
        return crm_error_set(err, CRM_EINVAL, "store open: no path");
    if (quiet_defaults() < 0)
        return crm_error_set(err, CRM_EHDF5, "%s: HDF5 refuses settings", path);
    if (stat(path, &st) != 0)
        return crm_error_set(err, CRM_ENOTFOUND, "%s: no such file", path);
    if (H5Fis_hdf5(path) <= 0)
        return crm_error_set(err, CRM_EFORMAT, "%s: not an HDF5 file", path);
    if ((access = access_list(fapl)) >= 0)
        file = H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, access);
    crm_h5_drop(access);
    if (file < 0)
        return crm_error_set(err, CRM_EHDF5, "%s: HDF5 cannot open the file%s",
                             path, writable ? " for writing" : "");
    return wrap_file(path, file, out, err);
}

crm_status crm_store_close(crm_store *s)
{
    if (s == NULL)
        return CRM_OK;
    /* A full disk shows first in the flush, which writes the metadata
     * cache; the close is checked too. Either way s is released. (After
     * a failed flush, HDF5 1.10.8 leaves the file id half closed and
     * crashes in its own shutdown at exit; nothing here avoids that.) */
    const herr_t flushed = H5Fflush(s->file, H5F_SCOPE_LOCAL);
    const herr_t closed = H5Fclose(s->file);
    free(s->path);
    free(s);
    return flushed < 0 || closed < 0 ? CRM_EHDF5 : CRM_OK;
}

/* ---- tables ------------------------------------------------------------ */

/* Opens the group of a table; CRM_ENOTFOUND when there is no such table. */
crm_status crm_store_open_table(const crm_store *s, const char *table, hid_t *g,
                                crm_error *err)
{
    hid_t obj = -1;
    if (s == NULL || !crm_store_valid_table(table))
        return crm_error_set(err, CRM_EINVAL, "invalid table name '%s'",
                             table ? table : "(null)");
    const htri_t exists =
        H5Lexists(s->file, crm_store_bare(table), H5P_DEFAULT);
    if (exists > 0 &&
        (obj = H5Oopen(s->file, crm_store_bare(table), H5P_DEFAULT)) >= 0 &&
        H5Iget_type(obj) == H5I_GROUP && H5Aexists(obj, "crmine_table") > 0) {
        *g = obj;
        return CRM_OK;
    }
    crm_h5_drop(obj);
    if (exists < 0)
        return crm_store_fail(err, s, table, NULL, "look the table up");
    return crm_error_set(err, CRM_ENOTFOUND, "%s: no table '%s'", s->path,
                         crm_store_bare(table));
}

int crm_store_has_table(const crm_store *s, const char *table)
{
    hid_t g = -1;
    const int found = crm_store_open_table(s, table, &g, NULL) == CRM_OK;
    crm_h5_drop(g);
    return found;
}

typedef struct name_list {
    char **v;
    size_t n, cap;
    int failed;
    int every; /* 1: every link, not only hard links outside dictionaries */
} name_list;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info,
                           void *op)
{
    name_list *l = op;
    (void)g;
    if (!l->every &&
        (info->type != H5L_TYPE_HARD || has_suffix(name, ".dict") ||
         has_suffix(name, ".dict_offsets")))
        return 0;
    if (l->n == l->cap) {
        const size_t cap = l->cap ? 2 * l->cap : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return (l->failed = 1, -1);
        l->v = v;
        l->cap = cap;
    }
    if ((l->v[l->n] = crm_store_join(name, "")) == NULL)
        return (l->failed = 1, -1);
    l->n++;
    return 0;
}

/* The links of g (not dictionary parts), in creation order when tracked. */
static herr_t list_links(hid_t g, name_list *l)
{
    hsize_t idx = 0;
    if (H5Literate(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_name, l) >=
        0)
        return 0;
    if (l->failed)
        return -1;
    crm_store_names_free(l->v, l->n);
    *l = (name_list){0};
    idx = 0;
    return H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, l);
}

void crm_store_names_free(char **names, size_t n)
{
    for (size_t i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
}

crm_status crm_store_tables(const crm_store *s, char ***names, size_t *n,
                            crm_error *err)
{
    name_list l = {0};
    hsize_t idx = 0;
    if (s == NULL || names == NULL || n == NULL)
        return crm_error_set(err, CRM_EINVAL, "store tables: no store");
    if (H5Literate(s->file, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name,
                   &l) < 0) {
        crm_store_names_free(l.v, l.n);
        return l.failed ? crm_error_set(err, CRM_ENOMEM, "out of memory")
                        : crm_store_fail(err, s, "", NULL, "list the tables");
    }
    size_t kept = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (crm_store_has_table(s, l.v[i]))
            l.v[kept++] = l.v[i];
        else
            free(l.v[i]);
    }
    *names = l.v;
    *n = kept;
    return CRM_OK;
}

crm_status crm_store_links(const crm_store *s, char ***names, size_t *n,
                           crm_error *err)
{
    name_list l = {.every = 1};
    hsize_t idx = 0;
    if (s == NULL || names == NULL || n == NULL)
        return crm_error_set(err, CRM_EINVAL, "store links: no store");
    if (H5Literate(s->file, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name,
                   &l) < 0) {
        crm_store_names_free(l.v, l.n);
        return l.failed ? crm_error_set(err, CRM_ENOMEM, "out of memory")
                        : crm_store_fail(err, s, "", NULL, "list the file");
    }
    *names = l.v;
    *n = l.n;
    return CRM_OK;
}

/* ---- describing a table ------------------------------------------------ */

/* The column's attributes and dictionary size: 0, or -1 on an HDF5 error. */
static int describe_extras(hid_t g, hid_t d, const char *name,
                           crm_column_info *ci)
{
    hid_t off = -1;
    int64_t by_row = 0;
    char *oname = crm_store_join(name, ".dict_offsets");
    const int got = crm_h5_get_attr(d, "missing_value", H5T_NATIVE_INT64,
                                    &ci->missing_value);
    const int got_key =
        crm_h5_get_attr(d, "dict_is_row_key", H5T_NATIVE_INT64, &by_row);
    const htri_t has_dict = oname ? H5Lexists(g, oname, H5P_DEFAULT) : -1;
    if (has_dict > 0 && (off = H5Dopen2(g, oname, H5P_DEFAULT)) >= 0)
        ci->ndict = crm_h5_len(off) - 1;
    crm_h5_drop(off);
    free(oname);
    if (got < 0 || got_key < 0 || has_dict < 0 ||
        (has_dict > 0 && ci->ndict < 0))
        return -1;
    ci->has_missing = got;
    ci->has_dict = has_dict > 0;
    ci->dict_by_row = ci->has_dict && got_key > 0 && by_row != 0;
    return 0;
}

/* Fills ci from dataset name of g; *is_col stays 0 for objects that are not
 * columns (groups, index datasets). */
static crm_status describe(const crm_store *s, const char *table, hid_t g,
                           const char *name, int64_t nrows, crm_column_info *ci,
                           int *is_col, crm_error *err)
{
    hid_t d = -1, t = -1;
    crm_status rc = CRM_OK;
    if ((d = H5Oopen(g, name, H5P_DEFAULT)) < 0) {
        rc = crm_store_fail(err, s, table, name, "open the object");
        goto done;
    }
    if (H5Iget_type(d) != H5I_DATASET || H5Aexists(d, "crmine_index") != 0)
        goto done;
    if ((t = H5Dget_type(d)) < 0 || !type_of(t, &ci->type) ||
        crm_h5_len(d) != nrows) {
        rc = crm_error_set(err, CRM_EFORMAT,
                           "%s:/%s/%s: not a column of %lld int32, int64, "
                           "float32 or float64 values",
                           s->path, crm_store_bare(table), name,
                           (long long)nrows);
        goto done;
    }
    if (describe_extras(g, d, name, ci) < 0)
        rc = crm_store_fail(err, s, table, name, "read the description");
    else if (ci->dict_by_row && ci->ndict != nrows)
        rc = crm_error_set(err, CRM_EFORMAT,
                           "%s:/%s/%s: row-keyed dictionary has %lld entries "
                           "for %lld rows",
                           s->path, crm_store_bare(table), name,
                           (long long)ci->ndict, (long long)nrows);
    else
        *is_col = 1;
done:
    crm_h5_drop(t);
    crm_h5_drop(d);
    return rc;
}

static crm_status read_table_attrs(const crm_store *s, const char *table,
                                   hid_t g, crm_table_info *info,
                                   crm_error *err)
{
    if (crm_h5_get_attr(g, "crmine_table", H5T_NATIVE_INT, &info->version) <=
            0 ||
        crm_h5_get_attr(g, "nrows", H5T_NATIVE_INT64, &info->nrows) <= 0 ||
        crm_h5_get_attr(g, "block_rows", H5T_NATIVE_INT64, &info->block_rows) <=
            0 ||
        info->nrows < 0 || info->block_rows < 1)
        return crm_error_set(err, CRM_EFORMAT,
                             "%s:/%s: table lacks valid crmine_table, nrows "
                             "and block_rows attributes",
                             s->path, crm_store_bare(table));
    if (info->version > CRM_STORE_FORMAT_VERSION)
        return crm_error_set(err, CRM_EFORMAT,
                             "%s:/%s: table format %d is newer than this "
                             "build reads (%d)",
                             s->path, crm_store_bare(table), info->version,
                             CRM_STORE_FORMAT_VERSION);
    return CRM_OK;
}

crm_status crm_store_table_info(const crm_store *s, const char *table,
                                crm_table_info **out, crm_error *err)
{
    hid_t g = -1;
    name_list l = {0};
    crm_table_info *info = NULL;
    crm_status rc;
    if (out == NULL)
        return crm_error_set(err, CRM_EINVAL, "table info: no output");
    if ((rc = crm_store_open_table(s, table, &g, err)) != CRM_OK)
        return rc;
    if ((info = calloc(1, sizeof *info)) == NULL) {
        rc = crm_error_set(err, CRM_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = read_table_attrs(s, table, g, info, err)) != CRM_OK)
        goto done;
    if (list_links(g, &l) < 0 ||
        (info->cols = calloc(l.n + 1, sizeof *info->cols)) == NULL) {
        rc = l.failed || l.n > 0
                 ? crm_error_set(err, CRM_ENOMEM, "out of memory")
                 : crm_store_fail(err, s, table, NULL, "list columns");
        goto done;
    }
    for (size_t i = 0; i < l.n; i++) {
        int is_col = 0;
        crm_column_info *ci = &info->cols[info->ncols];
        rc = describe(s, table, g, l.v[i], info->nrows, ci, &is_col, err);
        if (rc != CRM_OK)
            goto done;
        if (is_col) {
            ci->name = l.v[i];
            l.v[i] = NULL;
            info->ncols++;
        } else {
            *ci = (crm_column_info){0};
        }
    }
    *out = info;
    info = NULL;
done:
    crm_table_info_free(info);
    crm_store_names_free(l.v, l.n);
    crm_h5_drop(g);
    return rc;
}

void crm_table_info_free(crm_table_info *info)
{
    if (info == NULL)
        return;
    for (size_t i = 0; i < info->ncols; i++)
        free(info->cols[i].name);
    free(info->cols);
    free(info);
}

/* ---- attributes -------------------------------------------------------- */

static crm_status attr_table(const crm_store *s, const char *table,
                             const char *name, hid_t *g, crm_error *err)
{
    if (name == NULL || name[0] == '\0')
        return crm_error_set(err, CRM_EINVAL, "attribute without a name");
    return crm_store_open_table(s, table, g, err);
}

crm_status crm_store_set_attr_i64(crm_store *s, const char *table,
                                  const char *name, int64_t value,
                                  crm_error *err)
{
    hid_t g = -1;
    crm_status rc = attr_table(s, table, name, &g, err);
    if (rc == CRM_OK &&
        crm_h5_put_attr(g, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value) < 0)
        rc = crm_store_fail(err, s, table, name, "write the attribute");
    crm_h5_drop(g);
    return rc;
}

crm_status crm_store_get_attr_i64(const crm_store *s, const char *table,
                                  const char *name, int64_t *value,
                                  crm_error *err)
{
    hid_t g = -1;
    int64_t v = 0;
    crm_status rc = value ? attr_table(s, table, name, &g, err)
                          : crm_error_set(err, CRM_EINVAL, "no output");
    const int got =
        rc == CRM_OK ? crm_h5_get_attr(g, name, H5T_NATIVE_INT64, &v) : 1;
    if (got == 0)
        rc = crm_error_set(err, CRM_ENOTFOUND, "%s:/%s: no attribute '%s'",
                           s->path, crm_store_bare(table), name);
    else if (got < 0)
        rc = crm_store_fail(err, s, table, name, "read an integer attribute");
    else if (rc == CRM_OK)
        *value = v;
    crm_h5_drop(g);
    return rc;
}

crm_status crm_store_set_attr_text(crm_store *s, const char *table,
                                   const char *name, const char *value,
                                   crm_error *err)
{
    hid_t g = -1, type = -1;
    crm_status rc = value ? attr_table(s, table, name, &g, err)
                          : crm_error_set(err, CRM_EINVAL, "no text");
    if (rc != CRM_OK)
        goto done;
    if ((type = H5Tcopy(H5T_C_S1)) < 0 ||
        H5Tset_size(type, strlen(value) + 1) < 0 ||
        H5Tset_strpad(type, H5T_STR_NULLTERM) < 0 ||
        H5Tset_cset(type, H5T_CSET_UTF8) < 0 ||
        crm_h5_put_attr(g, name, type, type, value) < 0)
        rc = crm_store_fail(err, s, table, name, "write the attribute");
done:
    crm_h5_drop(type);
    crm_h5_drop(g);
    return rc;
}

/* Reads a string attribute, fixed-length or variable-length (as h5py
 * writes them), into a malloc'ed NUL-terminated copy; NULL on failure. */
static char *read_text(hid_t attr)
{
    hid_t ftype = H5Aget_type(attr), mtype = -1;
    char *text = NULL, *vlen = NULL;
    if (ftype < 0 || H5Tget_class(ftype) != H5T_STRING)
        goto done;
    if (H5Tis_variable_str(ftype) > 0) {
        if ((mtype = H5Tcopy(H5T_C_S1)) >= 0 &&
            H5Tset_size(mtype, H5T_VARIABLE) >= 0 &&
            H5Aread(attr, mtype, &vlen) >= 0 && vlen != NULL)
            text = crm_store_join(vlen, "");
        H5free_memory(vlen);
        goto done;
    }
    const size_t size = H5Tget_size(ftype);
    if (size > 0 && (text = calloc(size + 1, 1)) != NULL &&
        H5Aread(attr, ftype, text) < 0) {
        free(text);
        text = NULL;
    }
done:
    crm_h5_drop(mtype);
    crm_h5_drop(ftype);
    return text;
}

crm_status crm_store_get_attr_text(const crm_store *s, const char *table,
                                   const char *name, char **value,
                                   crm_error *err)
{
    hid_t g = -1, attr = -1;
    char *text = NULL;
    crm_status rc = value ? attr_table(s, table, name, &g, err)
                          : crm_error_set(err, CRM_EINVAL, "no output");
    if (rc != CRM_OK)
        goto done;
    const htri_t exists = H5Aexists(g, name);
    if (exists == 0) {
        rc = crm_error_set(err, CRM_ENOTFOUND, "%s:/%s: no attribute '%s'",
                           s->path, crm_store_bare(table), name);
        goto done;
    }
    if (exists < 0 || (attr = H5Aopen(g, name, H5P_DEFAULT)) < 0 ||
        (text = read_text(attr)) == NULL) {
        rc = crm_store_fail(err, s, table, name, "read a text attribute");
        goto done;
    }
    *value = text;
done:
    crm_h5_drop(attr);
    crm_h5_drop(g);
    return rc;
}
