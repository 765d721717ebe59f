/* tests/io/test_store.c — the HDF5 columnar store, serial (io/store.h).
 *
 * Every test writes its files under a fresh mkdtemp directory in /tmp that
 * the suite's fini removes. The parallel write (and its byte identity across
 * rank counts) is tested by mpi_store_write.c under mpiexec. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/store.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/crm_store_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    char path[512];
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

TestSuite(store, .init = make_dir, .fini = remove_dir);

/* dir/name; four rotating buffers, so one call may take several paths */
static const char *in_dir(const char *name)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

/* ---- a sample table with every kind of column -------------------------- */

enum { NROWS = 10 };
static const char *const places[] = {"北京市", "Ñandú señor", "café", ""};
static int32_t ages[NROWS] = {31, -999, 45, 18, -999, 70, 22, 39, 51, 64};
static int64_t ids[NROWS] = {INT64_MIN + 1, -5, 0, 1, 2, 3, 4, 5, 6, INT64_MAX};
static float scores[NROWS] = {0.1f,  NAN,  -1.5f, 3.25f, 1e-30f,
                              2e30f, 0.0f, -0.0f, 7.0f,  NAN};
static double values[NROWS] = {0.1,     1.0 / 3.0, NAN,      -0.0, 1e300,
                               -1e-300, 5e-324,    INFINITY, 42.0, NAN};
static int32_t place[NROWS] = {0, 1, 2, 3, -1, 0, 1, -1, 2, 0};

static crm_table sample(crm_column *cols)
{
    cols[0] = (crm_column){.name = "age",
                           .type = CRM_TYPE_INT32,
                           .data = ages,
                           .has_missing = 1,
                           .missing_value = -999};
    cols[1] = (crm_column){.name = "id", .type = CRM_TYPE_INT64, .data = ids};
    cols[2] =
        (crm_column){.name = "score", .type = CRM_TYPE_FLOAT32, .data = scores};
    cols[3] =
        (crm_column){.name = "value", .type = CRM_TYPE_FLOAT64, .data = values};
    cols[4] = (crm_column){.name = "place",
                           .type = CRM_TYPE_INT32,
                           .data = place,
                           .dict = places,
                           .ndict = 4};
    return (crm_table){.nrows = NROWS, .ncols = 5, .cols = cols};
}

static crm_store *create(const char *name)
{
    crm_store *s = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_store_create(in_dir(name), H5P_DEFAULT, &s, &err), CRM_OK,
                 "%s", err.msg);
    return s;
}

static void write_table(crm_store *s, const char *table, const crm_table *t,
                        int64_t block_rows)
{
    const crm_comm self = crm_comm_self();
    crm_error err = {{0}};
    cr_assert_eq(
        crm_store_write(s, table, t, &self, block_rows, H5P_DEFAULT, &err),
        CRM_OK, "%s", err.msg);
}

static crm_frame *read_rows(const crm_store *s, const char *table,
                            const char *const *names, size_t n, int64_t row0,
                            int64_t nrows)
{
    crm_frame *f = NULL;
    crm_error err = {{0}};
    cr_assert_eq(
        crm_store_read(s, table, names, n, row0, nrows, H5P_DEFAULT, &f, &err),
        CRM_OK, "%s", err.msg);
    return f;
}

static void assert_same_column(const crm_column *got, const crm_column *want,
                               size_t row0, size_t nrows)
{
    const size_t size = crm_type_size(want->type);
    cr_assert_str_eq(got->name, want->name);
    cr_assert_eq(got->type, want->type);
    cr_assert_eq(
        memcmp(got->data, (const char *)want->data + row0 * size, nrows * size),
        0, "column %s differs", want->name);
    cr_assert_eq(got->has_missing, want->has_missing);
    if (want->has_missing)
        cr_assert_eq(got->missing_value, want->missing_value);
}

/* ---- round trips -------------------------------------------------------- */

Test(store, roundtrip_preserves_every_type_and_missing_value)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    write_table(s, "/customers", &t, 4);
    crm_frame *f = read_rows(s, "customers", NULL, 0, 0, NROWS);
    const crm_table *got = crm_frame_table(f);
    cr_assert_eq(got->nrows, (size_t)NROWS);
    cr_assert_eq(got->ncols, (size_t)5);
    for (size_t i = 0; i < 5; i++)
        assert_same_column(&got->cols[i], &cols[i], 0, NROWS);
    cr_assert(crm_column_is_missing(&got->cols[0], 1)); /* sentinel */
    cr_assert(crm_column_is_missing(&got->cols[2], 1)); /* float32 NaN */
    cr_assert(crm_column_is_missing(&got->cols[3], 2)); /* float64 NaN */
    cr_assert(crm_column_is_missing(&got->cols[4], 4)); /* code -1 */
    cr_assert_not(crm_column_is_missing(&got->cols[3], 3));
    crm_frame_free(f);
    crm_store_close(s);
}

Test(store, dictionary_text_survives_utf8_and_empty_entries)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    write_table(s, "customers", &t, 0);
    const char *const names[] = {"place"};
    crm_frame *f = read_rows(s, "customers", names, 1, 0, NROWS);
    const crm_column *c = &crm_frame_table(f)->cols[0];
    cr_assert_eq(c->ndict, (size_t)4);
    cr_assert_eq(c->dict_sliced, 0);
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(c->dict[i], places[i]);
    cr_assert_str_eq(crm_column_dict_text(c, place[1]), "Ñandú señor");
    crm_frame_free(f);
    crm_store_close(s);
}

Test(store, table_info_lists_columns_in_written_order)
{
    int32_t a[3] = {1, 2, 3};
    crm_column cols[3] = {{.name = "zeta", .type = CRM_TYPE_INT32, .data = a},
                          {.name = "alpha",
                           .type = CRM_TYPE_INT32,
                           .data = a,
                           .dict = places,
                           .ndict = 4},
                          {.name = "mid",
                           .type = CRM_TYPE_INT32,
                           .data = a,
                           .has_missing = 1,
                           .missing_value = -1}};
    const crm_table t = {.nrows = 3, .ncols = 3, .cols = cols};
    crm_store *s = create("a.h5");
    crm_table_info *info = NULL;
    crm_error err = {{0}};
    write_table(s, "t", &t, 2);
    cr_assert_eq(crm_store_table_info(s, "/t", &info, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert_eq(info->ncols, (size_t)3, "dictionary parts are not columns");
    cr_assert_str_eq(info->cols[0].name, "zeta");
    cr_assert_str_eq(info->cols[1].name, "alpha");
    cr_assert_str_eq(info->cols[2].name, "mid");
    cr_assert(info->cols[1].has_dict && info->cols[1].ndict == 4);
    cr_assert(info->cols[2].has_missing && info->cols[2].missing_value == -1);
    cr_assert_eq(info->nrows, 3);
    cr_assert_eq(info->block_rows, 2);
    cr_assert_eq(info->version, CRM_STORE_FORMAT_VERSION);
    crm_table_info_free(info);
    crm_store_close(s);
}

/* Text customer ids: code == row, dictionary entry i names row i. */
Test(store, dict_by_row_read_returns_the_slice_of_the_rows_read)
{
    enum { N = 9 };
    int32_t code[N];
    char text[N][8];
    const char *dict[N];
    for (int i = 0; i < N; i++) {
        code[i] = i;
        snprintf(text[i], sizeof text[i], "C%03d", i);
        dict[i] = text[i];
    }
    crm_column col = {.name = "customer_id",
                      .type = CRM_TYPE_INT32,
                      .data = code,
                      .dict = dict,
                      .ndict = N,
                      .dict_by_row = 1};
    const crm_table t = {.nrows = N, .ncols = 1, .cols = &col};
    crm_store *s = create("a.h5");
    write_table(s, "customers", &t, 4);
    crm_frame *f = read_rows(s, "customers", NULL, 0, 3, 4);
    const crm_column *c = &crm_frame_table(f)->cols[0];
    cr_assert(c->dict_sliced && c->dict_by_row);
    cr_assert_eq(c->dict_row0, 3);
    cr_assert_eq(c->ndict, (size_t)4);
    cr_assert_str_eq(crm_column_dict_text(c, 5), "C005");
    cr_assert_null(crm_column_dict_text(c, 2), "row 2 was not read");
    crm_frame_free(f);
    crm_store_close(s);
}

Test(store, column_subset_comes_back_in_the_order_asked)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    write_table(s, "customers", &t, 3);
    const char *const names[] = {"value", "age"};
    crm_frame *f = read_rows(s, "customers", names, 2, 0, NROWS);
    const crm_table *got = crm_frame_table(f);
    cr_assert_eq(got->ncols, (size_t)2);
    assert_same_column(&got->cols[0], &cols[3], 0, NROWS);
    assert_same_column(&got->cols[1], &cols[0], 0, NROWS);
    crm_frame_free(f);
    crm_store_close(s);
}

Test(store, row_range_reads_exactly_those_rows)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    write_table(s, "customers", &t, 4);
    crm_frame *f = read_rows(s, "customers", NULL, 0, 5, 4);
    const crm_table *got = crm_frame_table(f);
    cr_assert_eq(got->nrows, (size_t)4);
    for (size_t i = 0; i < 5; i++)
        assert_same_column(&got->cols[i], &cols[i], 5, 4);
    crm_frame_free(f);
    f = read_rows(s, "customers", NULL, 0, NROWS, 0);
    cr_assert_eq(crm_frame_table(f)->nrows, (size_t)0);
    crm_frame_free(f);
    crm_store_close(s);
}

Test(store, rows_outside_the_table_are_erange)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    crm_frame *f = NULL;
    crm_error err = {{0}};
    write_table(s, "customers", &t, 4);
    cr_assert_eq(
        crm_store_read(s, "customers", NULL, 0, 8, 3, H5P_DEFAULT, &f, &err),
        CRM_ERANGE);
    cr_assert_null(f);
    cr_assert_eq(
        crm_store_read(s, "customers", NULL, 0, -1, 1, H5P_DEFAULT, &f, &err),
        CRM_ERANGE);
    crm_store_close(s);
}

Test(store, empty_table_round_trips_with_zero_rows)
{
    crm_column cols[5];
    crm_table t = sample(cols);
    t.nrows = 0;
    crm_store *s = create("a.h5");
    crm_table_info *info = NULL;
    crm_error err = {{0}};
    write_table(s, "scores", &t, 0);
    cr_assert_eq(crm_store_table_info(s, "scores", &info, &err), CRM_OK);
    cr_assert_eq(info->nrows, 0);
    cr_assert_eq(info->ncols, (size_t)5);
    cr_assert_eq(info->block_rows, CRM_STORE_BLOCK_ROWS);
    crm_table_info_free(info);
    crm_frame *f = read_rows(s, "scores", NULL, 0, 0, 0);
    cr_assert_eq(crm_frame_table(f)->nrows, (size_t)0);
    cr_assert_eq(crm_frame_table(f)->cols[4].ndict, (size_t)4);
    crm_frame_free(f);
    crm_store_close(s);
}

/* ---- index, strided reads, attributes ---------------------------------- */

Test(store, strided_read_picks_every_stride_th_index_value)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    int64_t offsets[NROWS + 1], got[4] = {0};
    crm_store *s = create("a.h5");
    crm_table_info *info = NULL;
    crm_error err = {{0}};
    for (int i = 0; i <= NROWS; i++)
        offsets[i] = 10 * i;
    write_table(s, "customers", &t, 4);
    cr_assert_eq(crm_store_write_index(s, "customers", "tx_offset", offsets,
                                       NROWS + 1, &err),
                 CRM_OK, "%s", err.msg);
    cr_assert_eq(crm_store_read_i64_strided(s, "customers", "tx_offset", 1, 3,
                                            4, H5P_DEFAULT, got, &err),
                 CRM_OK, "%s", err.msg);
    const int64_t want[4] = {10, 40, 70, 100};
    cr_assert_arr_eq(got, want, sizeof want);
    cr_assert_eq(crm_store_read_i64_strided(s, "customers", "tx_offset", 2, 3,
                                            4, H5P_DEFAULT, got, &err),
                 CRM_ERANGE, "11 values end at 10");
    cr_assert_eq(crm_store_table_info(s, "customers", &info, &err), CRM_OK);
    for (size_t i = 0; i < info->ncols; i++)
        cr_assert_str_neq(info->cols[i].name, "tx_offset");
    crm_table_info_free(info);
    crm_store_close(s);
}

Test(store, attributes_round_trip_and_are_replaced)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    crm_error err = {{0}};
    int64_t v = 0;
    char *text = NULL;
    write_table(s, "scores", &t, 0);
    cr_assert_eq(crm_store_set_attr_i64(s, "scores", "seed", 7, &err), CRM_OK);
    cr_assert_eq(crm_store_set_attr_i64(s, "scores", "seed", -42, &err),
                 CRM_OK);
    cr_assert_eq(crm_store_get_attr_i64(s, "/scores", "seed", &v, &err),
                 CRM_OK);
    cr_assert_eq(v, -42);
    cr_assert_eq(crm_store_set_attr_text(s, "scores", "job", "first", &err),
                 CRM_OK);
    cr_assert_eq(
        crm_store_set_attr_text(s, "scores", "job", "Ñandú 北京 café", &err),
        CRM_OK);
    cr_assert_eq(crm_store_get_attr_text(s, "scores", "job", &text, &err),
                 CRM_OK, "%s", err.msg);
    cr_assert_str_eq(text, "Ñandú 北京 café");
    free(text);
    cr_assert_eq(crm_store_get_attr_i64(s, "scores", "nope", &v, &err),
                 CRM_ENOTFOUND);
    cr_assert(strstr(err.msg, "nope") != NULL, "%s", err.msg);
    crm_store_close(s);
}

Test(store, writing_a_table_again_replaces_it)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    const crm_table small = {.nrows = 3, .ncols = 1, .cols = &cols[1]};
    crm_store *s = create("a.h5");
    crm_table_info *info = NULL;
    crm_error err = {{0}};
    write_table(s, "scores", &t, 0);
    write_table(s, "scores", &small, 2);
    cr_assert_eq(crm_store_table_info(s, "scores", &info, &err), CRM_OK);
    cr_assert_eq(info->nrows, 3);
    cr_assert_eq(info->ncols, (size_t)1);
    cr_assert_str_eq(info->cols[0].name, "id");
    crm_table_info_free(info);
    crm_frame *f = read_rows(s, "scores", NULL, 0, 0, 3);
    assert_same_column(&crm_frame_table(f)->cols[0], &cols[1], 0, 3);
    crm_frame_free(f);
    crm_store_close(s);
}

Test(store, tables_are_listed_by_name_and_reopened_files_keep_them)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    char **names = NULL;
    size_t n = 0;
    crm_error err = {{0}};
    write_table(s, "transactions", &t, 0);
    write_table(s, "customers", &t, 0);
    crm_store_close(s);
    s = NULL;
    cr_assert_eq(crm_store_open(in_dir("a.h5"), H5P_DEFAULT, 0, &s, &err),
                 CRM_OK, "%s", err.msg);
    cr_assert_eq(crm_store_tables(s, &names, &n, &err), CRM_OK);
    cr_assert_eq(n, (size_t)2);
    cr_assert_str_eq(names[0], "customers");
    cr_assert_str_eq(names[1], "transactions");
    cr_assert(crm_store_has_table(s, "/customers"));
    cr_assert_not(crm_store_has_table(s, "baskets"));
    crm_store_names_free(names, n);
    crm_store_close(s);
}

/* ---- errors ------------------------------------------------------------- */

Test(store, opening_a_missing_file_is_enotfound)
{
    crm_store *s = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_store_open(in_dir("none.h5"), H5P_DEFAULT, 0, &s, &err),
                 CRM_ENOTFOUND);
    cr_assert_null(s);
    cr_assert(strstr(err.msg, "none.h5") != NULL, "%s", err.msg);
}

Test(store, opening_a_file_that_is_not_hdf5_is_eformat)
{
    crm_store *s = NULL;
    crm_error err = {{0}};
    FILE *f = fopen(in_dir("text.h5"), "w");
    cr_assert_not_null(f);
    fputs("customer_id,amount\n1,2.5\n", f);
    fclose(f);
    cr_assert_eq(crm_store_open(in_dir("text.h5"), H5P_DEFAULT, 0, &s, &err),
                 CRM_EFORMAT);
    cr_assert_null(s);
}

Test(store, unknown_table_or_column_is_enotfound_naming_it)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    crm_frame *f = NULL;
    crm_table_info *info = NULL;
    crm_error err = {{0}};
    write_table(s, "customers", &t, 0);
    cr_assert_eq(crm_store_table_info(s, "baskets", &info, &err),
                 CRM_ENOTFOUND);
    cr_assert(strstr(err.msg, "baskets") != NULL, "%s", err.msg);
    crm_error_clear(&err);
    const char *const names[] = {"age", "churn_risk"};
    cr_assert_eq(
        crm_store_read(s, "customers", names, 2, 0, 1, H5P_DEFAULT, &f, &err),
        CRM_ENOTFOUND);
    cr_assert_null(f);
    cr_assert(strstr(err.msg, "churn_risk") != NULL, "%s", err.msg);
    crm_error_clear(&err);
    int64_t v[1];
    cr_assert_eq(crm_store_read_i64_strided(s, "customers", "tx_offset", 0, 1,
                                            1, H5P_DEFAULT, v, &err),
                 CRM_ENOTFOUND);
    cr_assert(strstr(err.msg, "tx_offset") != NULL, "%s", err.msg);
    crm_store_close(s);
}

Test(store, bad_column_names_and_duplicates_are_einval)
{
    int32_t a[2] = {1, 2};
    const char *bad[] = {"a/b", "x.dict", "x.dict_offsets", "", "dup"};
    crm_column cols[2] = {{.name = "dup", .type = CRM_TYPE_INT32, .data = a},
                          {.type = CRM_TYPE_INT32, .data = a}};
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        crm_error err = {{0}};
        cols[1].name = bad[i];
        const crm_table t = {.nrows = 2, .ncols = 2, .cols = cols};
        cr_assert_eq(crm_store_write(s, "t", &t, &self, 0, H5P_DEFAULT, &err),
                     CRM_EINVAL, "name '%s'", bad[i]);
    }
    cr_assert_not(crm_store_has_table(s, "t"), "nothing was written");
    crm_store_close(s);
}

Test(store, serial_file_refuses_a_write_from_several_ranks)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_comm two = crm_comm_self();
    crm_error err = {{0}};
    two.size = 2;
    crm_store *s = create("a.h5");
    cr_assert_eq(crm_store_write(s, "t", &t, &two, 0, H5P_DEFAULT, &err),
                 CRM_EINVAL);
    crm_store_close(s);
}

Test(store, newer_format_version_is_eformat)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    crm_table_info *info = NULL;
    crm_error err = {{0}};
    write_table(s, "scores", &t, 0);
    cr_assert_eq(crm_store_set_attr_i64(s, "scores", "crmine_table",
                                        CRM_STORE_FORMAT_VERSION + 1, &err),
                 CRM_OK);
    cr_assert_eq(crm_store_table_info(s, "scores", &info, &err), CRM_EFORMAT);
    cr_assert_null(info);
    crm_store_close(s);
}

/* A dictionary whose last entry lacks its NUL, written with plain HDF5. */
Test(store, corrupt_dictionary_is_eformat)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    crm_frame *f = NULL;
    crm_error err = {{0}};
    write_table(s, "customers", &t, 0);
    crm_store_close(s);
    const hid_t file = H5Fopen(in_dir("a.h5"), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t d = H5Dopen2(file, "/customers/place.dict", H5P_DEFAULT);
    const unsigned char x = 'x';
    const hid_t space = H5Dget_space(d);
    hsize_t last = (hsize_t)H5Sget_simple_extent_npoints(space) - 1, one = 1;
    const hid_t mem = H5Screate_simple(1, &one, NULL);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, &last, NULL, &one, NULL);
    cr_assert_geq(H5Dwrite(d, H5T_NATIVE_UCHAR, mem, space, H5P_DEFAULT, &x),
                  0);
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(file);
    cr_assert_eq(crm_store_open(in_dir("a.h5"), H5P_DEFAULT, 0, &s, &err),
                 CRM_OK);
    cr_assert_eq(crm_store_read(s, "customers", NULL, 0, 0, NROWS, H5P_DEFAULT,
                                &f, &err),
                 CRM_EFORMAT);
    cr_assert(strstr(err.msg, "place") != NULL, "%s", err.msg);
    crm_store_close(s);
}

/* ---- determinism -------------------------------------------------------- */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(*n + 1);
    cr_assert_eq(fread(buf, 1, *n, f), *n);
    fclose(f);
    return buf;
}

static void write_file(const char *name)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create(name);
    crm_error err = {{0}};
    write_table(s, "customers", &t, 4);
    write_table(s, "scores", &t, 3);
    write_table(s, "scores", &t, 3); /* a replaced table too */
    cr_assert_eq(crm_store_set_attr_text(s, "scores", "job", "x", &err),
                 CRM_OK);
    crm_store_close(s);
}

/* Over a second apart, so a time stamp anywhere would show. */
Test(store, identical_writes_give_byte_identical_files)
{
    size_t na = 0, nb = 0;
    write_file("a.h5");
    const struct timespec pause = {.tv_sec = 1, .tv_nsec = 100000000};
    nanosleep(&pause, NULL);
    write_file("b.h5");
    char *a = slurp(in_dir("a.h5"), &na), *b = slurp(in_dir("b.h5"), &nb);
    cr_assert_eq(na, nb);
    cr_assert_eq(memcmp(a, b, na), 0, "the files differ");
    free(a);
    free(b);
}

/* ---- listing every link, and a full disk ------------------------------- */

Test(store, links_lists_every_root_object_tables_or_not)
{
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    crm_error err = {{0}};
    write_table(s, "customers", &t, 0);
    cr_assert_eq(crm_store_close(s), CRM_OK);
    hid_t f = H5Fopen(in_dir("a.h5"), H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    hid_t g = H5Gcreate2(f, "precious", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(g, 0);
    cr_assert_geq(H5Lcreate_soft("/customers", f, "alias", H5P_DEFAULT,
                                 H5P_DEFAULT),
                  0);
    H5Gclose(g);
    H5Fclose(f);
    s = NULL;
    cr_assert_eq(crm_store_open(in_dir("a.h5"), H5P_DEFAULT, 0, &s, &err),
                 CRM_OK, "%s", err.msg);
    char **names = NULL;
    size_t n = 0;
    cr_assert_eq(crm_store_links(s, &names, &n, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(n, (size_t)3);
    cr_assert_str_eq(names[0], "alias");
    cr_assert_str_eq(names[1], "customers");
    cr_assert_str_eq(names[2], "precious");
    crm_store_names_free(names, n);
    cr_assert_eq(crm_store_tables(s, &names, &n, &err), CRM_OK);
    cr_assert_eq(n, (size_t)1); /* only the crmine table */
    crm_store_names_free(names, n);
    cr_assert_eq(crm_store_links(NULL, &names, &n, &err), CRM_EINVAL);
    cr_assert_eq(crm_store_close(s), CRM_OK); /* read only: nothing to lose */
}

static struct rlimit saved_limit;

/* Files may grow to nbytes at most: a write past that fails with EFBIG, as
 * on a full disk (SIGXFSZ is ignored so the write just fails). */
static void limit_file_size(rlim_t nbytes)
{
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &saved_limit), 0);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = saved_limit;
    lim.rlim_cur = nbytes;
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void unlimit_file_size(void)
{
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &saved_limit), 0);
}

static rlim_t file_size(const char *name)
{
    struct stat st;
    cr_assert_eq(stat(in_dir(name), &st), 0);
    return (rlim_t)st.st_size;
}

/* HDF5 1.10.8 crashes in its exit-time shutdown after a failed flush or
 * close; the tests that make one skip that shutdown (first HDF5 call). */
Test(store, close_reports_metadata_that_cannot_be_written)
{
    H5dont_atexit();
    crm_column cols[5];
    const crm_table t = sample(cols);
    crm_store *s = create("a.h5");
    crm_error err = {{0}};
    char text[256];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    cr_assert_eq(crm_store_close(NULL), CRM_OK);
    write_table(s, "customers", &t, 0);
    limit_file_size(file_size("a.h5") + 1024);
    for (int i = 0; i < 400; i++) { /* held in HDF5's metadata cache */
        char name[32];
        snprintf(name, sizeof name, "note%03d", i);
        cr_assert_eq(crm_store_set_attr_text(s, "customers", name, text, &err),
                     CRM_OK, "%s", err.msg);
    }
    const crm_status rc = crm_store_close(s); /* and freed all the same */
    unlimit_file_size();
    cr_assert_eq(rc, CRM_EHDF5);
}

Test(store, write_reports_data_that_cannot_be_written)
{
    H5dont_atexit();
    enum { N = 200000 };
    static double v[N];
    for (size_t i = 0; i < N; i++)
        v[i] = (double)((i * 2654435761u) % 1000003u) / 7.0;
    crm_column c = {.name = "v", .type = CRM_TYPE_FLOAT64, .data = v};
    const crm_table t = {.nrows = N, .ncols = 1, .cols = &c};
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    crm_error err = {{0}};
    limit_file_size(file_size("a.h5") + 40000);
    const crm_status rc =
        crm_store_write(s, "big", &t, &self, 4096, H5P_DEFAULT, &err);
    crm_store_close(s);
    unlimit_file_size();
    cr_assert_eq(rc, CRM_EHDF5);
    cr_assert(strstr(err.msg, "a.h5:/big/v") != NULL, "%s", err.msg);
}
