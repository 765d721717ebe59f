/* io/import_store.c — reading what an import merges with, and replacing the
 * store in one step.
 *
 * The new store is written whole to "<out>.tmp<pid>" beside the output:
 * first the tables the import built (through crm_store_write), then every
 * other table of the old store copied unchanged with H5Ocopy (columns,
 * dictionaries, attributes and index datasets alike); every close is
 * checked and the file fsync'ed, and only then is it renamed over the
 * output. rename() within one directory is atomic, so readers see the old
 * store or the new one, never a half-written file; on failure the temporary
 * file is removed and the old store is untouched. An old file holding
 * anything but crmine tables is refused, since the new one would lose it. */
#define _POSIX_C_SOURCE 200809L
#include "io/import_int.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static crm_status read_whole(crm_store *s, const char *table, crm_frame **f,
                             int64_t *nrows, crm_error *err)
{
    crm_table_info *info = NULL;
    crm_status rc = crm_store_table_info(s, table, &info, err);
    if (rc != CRM_OK)
        return rc;
    const int64_t n = info->nrows;
    crm_table_info_free(info);
    if ((rc = crm_store_read(s, table, NULL, 0, 0, n, H5P_DEFAULT, f, err)) !=
        CRM_OK)
        return rc;
    *nrows = n;
    return CRM_OK;
}

static crm_status read_label(crm_store *s, crm_imp_old *old, crm_error *err)
{
    crm_error quiet = {{0}};
    const crm_status rc =
        crm_store_get_attr_text(s, "customers", "label", &old->label, &quiet);
    if (rc == CRM_ENOTFOUND) {
        old->label = NULL;
        return CRM_OK;
    }
    if (rc != CRM_OK)
        return crm_error_set(err, rc, "%s", quiet.msg);
    return CRM_OK;
}

/* The new file keeps only crmine tables, so a file holding anything else
 * (a user's dataset, group or link beside the tables) is refused rather
 * than silently emptied of it. */
static crm_status refuse_foreign(crm_store *s, const char *path,
                                 const crm_imp_old *old, crm_error *err)
{
    char **links = NULL;
    size_t n = 0;
    crm_status rc = crm_store_links(s, &links, &n, err);
    for (size_t i = 0; rc == CRM_OK && i < n; i++)
        if (!crm_imp_old_has(old, links[i]))
            rc = crm_error_set(err, CRM_EFORMAT,
                               "%s holds /%s, which is not a crmine table; "
                               "import into a new file",
                               path, links[i]);
    crm_store_names_free(links, n);
    return rc;
}

crm_status crm_imp_old_load(const char *path, int want_customers,
                            int want_transactions, crm_imp_old *old,
                            crm_error *err)
{
    crm_store *s = NULL;
    crm_status rc = CRM_OK;
    struct stat st;
    memset(old, 0, sizeof *old);
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return CRM_OK;
        return crm_error_set(err, CRM_EIO, "%s: %s", path, strerror(errno));
    }
    if ((rc = crm_store_open(path, H5P_DEFAULT, 0, &s, err)) != CRM_OK)
        goto done;
    old->exists = 1;
    if ((rc = crm_store_tables(s, &old->tables, &old->ntables, err)) !=
            CRM_OK ||
        (rc = refuse_foreign(s, path, old, err)) != CRM_OK)
        goto done;
    if (want_customers && crm_imp_old_has(old, "customers")) {
        if ((rc = read_whole(s, "customers", &old->customers, &old->ncustomers,
                             err)) != CRM_OK ||
            (rc = read_label(s, old, err)) != CRM_OK)
            goto done;
    }
    if (want_transactions && crm_imp_old_has(old, "transactions")) {
        if ((rc = read_whole(s, "transactions", &old->transactions,
                             &old->ntransactions, err)) != CRM_OK)
            goto done;
        if (old->customers == NULL)
            rc = crm_error_set(err, CRM_EFORMAT,
                               "%s: has /transactions but no /customers", path);
    }
done:
    crm_store_close(s);
    return rc;
}

void crm_imp_old_free(crm_imp_old *old)
{
    if (old == NULL)
        return;
    crm_store_names_free(old->tables, old->ntables);
    crm_frame_free(old->customers);
    crm_frame_free(old->transactions);
    free(old->label);
    memset(old, 0, sizeof *old);
}

int crm_imp_old_has(const crm_imp_old *old, const char *table)
{
    for (size_t i = 0; i < old->ntables; i++) {
        const char *name = old->tables[i];
        while (*name == '/')
            name++;
        if (strcmp(name, table) == 0)
            return 1;
    }
    return 0;
}

static crm_status write_one(crm_store *s, const crm_imp_out *o, crm_error *err)
{
    const crm_comm self = crm_comm_self();
    crm_status rc = crm_store_write(s, o->name, o->t, &self,
                                    CRM_STORE_BLOCK_ROWS, H5P_DEFAULT, err);
    if (rc == CRM_OK && o->index_name != NULL)
        rc = crm_store_write_index(s, o->name, o->index_name, o->index,
                                   o->nindex, err);
    if (rc == CRM_OK && o->text_attr_name != NULL)
        rc = crm_store_set_attr_text(s, o->name, o->text_attr_name,
                                     o->text_attr, err);
    if (rc == CRM_OK && o->i64_attr_name != NULL)
        rc = crm_store_set_attr_i64(s, o->name, o->i64_attr_name, o->i64_attr,
                                    err);
    return rc;
}

static int written(const crm_imp_out *tabs, size_t ntabs, const char *name)
{
    while (*name == '/')
        name++;
    for (size_t i = 0; i < ntabs; i++)
        if (strcmp(tabs[i].name, name) == 0)
            return 1;
    return 0;
}

/* Copies the tables of old that the import did not rebuild from src into
 * the (closed) new file dst. */
static crm_status copy_others(const char *src, const char *dst,
                              const crm_imp_out *tabs, size_t ntabs,
                              const crm_imp_old *old, crm_error *err)
{
    hid_t in = -1, out = -1;
    crm_status rc = CRM_OK;
    for (size_t i = 0; i < old->ntables && rc == CRM_OK; i++) {
        const char *name = old->tables[i];
        if (written(tabs, ntabs, name))
            continue;
        if (in < 0 && ((in = H5Fopen(src, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0 ||
                       (out = H5Fopen(dst, H5F_ACC_RDWR, H5P_DEFAULT)) < 0))
            rc = crm_error_set(err, CRM_EHDF5,
                               "%s: HDF5 cannot reopen the store to copy "
                               "its other tables",
                               src);
        else if (H5Ocopy(in, name, out, name, H5P_DEFAULT, H5P_DEFAULT) < 0)
            rc = crm_error_set(err, CRM_EHDF5,
                               "%s:/%s: HDF5 cannot copy the table into the "
                               "new store",
                               src, name);
    }
    if (out >= 0 && H5Fclose(out) < 0 && rc == CRM_OK)
        rc = crm_error_set(err, CRM_EHDF5, "%s: HDF5 cannot close", dst);
    if (in >= 0)
        H5Fclose(in);
    return rc;
}

/* Puts the bytes of the finished file on disk before the rename makes it
 * the store, so a crash or a full disk cannot leave a store that is only
 * partly written. */
static crm_status sync_file(const char *tmp, const char *out, crm_error *err)
{
    const int fd = open(tmp, O_RDWR);
    int ok = fd >= 0 && fsync(fd) == 0;
    const int e = errno;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (ok)
        return CRM_OK;
    return crm_error_set(err, CRM_EIO,
                         "%s: cannot write the new store: %s; the store is "
                         "unchanged",
                         out, strerror(e != 0 ? e : errno));
}

static char *temp_name(const char *out)
{
    const size_t n = strlen(out) + 32;
    char *tmp = malloc(n);
    if (tmp != NULL)
        snprintf(tmp, n, "%s.tmp%ld", out, (long)getpid());
    return tmp;
}

crm_status crm_imp_commit(const char *out, const crm_imp_out *tabs,
                          size_t ntabs, const crm_imp_old *old, crm_error *err)
{
    crm_store *s = NULL;
    crm_status rc = CRM_OK;
    int made = 0;
    char *tmp = temp_name(out);
    if (tmp == NULL)
        return crm_imp_nomem(err, out);
    if ((rc = crm_store_create(tmp, H5P_DEFAULT, &s, err)) != CRM_OK)
        goto done;
    made = 1;
    for (size_t i = 0; i < ntabs && rc == CRM_OK; i++)
        rc = write_one(s, &tabs[i], err);
    const crm_status closed = crm_store_close(s);
    s = NULL;
    if (rc == CRM_OK && closed != CRM_OK)
        rc = crm_error_set(err, closed,
                           "%s: HDF5 cannot finish writing the new store "
                           "(is the disk full?); the store is unchanged",
                           out);
    if (rc != CRM_OK)
        goto done;
    if (old->exists &&
        (rc = copy_others(out, tmp, tabs, ntabs, old, err)) != CRM_OK)
        goto done;
    if ((rc = sync_file(tmp, out, err)) != CRM_OK)
        goto done;
    if (rename(tmp, out) != 0) {
        rc = crm_error_set(err, CRM_EIO, "%s: cannot replace the store: %s",
                           out, strerror(errno));
        goto done;
    }
    made = 0;
done:
    crm_store_close(s);
    if (made)
        unlink(tmp);
    free(tmp);
    return rc;
}

crm_status crm_imp_offsets(const int64_t *cust_rows, size_t ntx, size_t nrows,
                           int64_t **offsets)
{
    int64_t *off = calloc(nrows + 1, sizeof *off);
    if (off == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < ntx; i++)
        off[cust_rows[i] + 1]++;
    for (size_t r = 0; r < nrows; r++)
        off[r + 1] += off[r];
    *offsets = off;
    return CRM_OK;
}

typedef struct sort_key {
    int64_t row, time;
    size_t idx;
} sort_key;

static int cmp_key(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

crm_status crm_imp_sort_tx(const int64_t *cust_rows, const int64_t *time,
                           size_t n, size_t *perm, int64_t *dest)
{
    /* qsort is not stable; the row index as last key makes it so */
    sort_key *k = malloc((n ? n : 1) * sizeof *k);
    if (k == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        k[i] = (sort_key){cust_rows[i], time[i], i};
    qsort(k, n, sizeof *k, cmp_key);
    for (size_t i = 0; i < n; i++) {
        perm[i] = k[i].idx;
        dest[k[i].idx] = (int64_t)i;
    }
    free(k);
    return CRM_OK;
}
