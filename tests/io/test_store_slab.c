/* tests/io/test_store_slab.c — the slab writer of io/store.h
 * (crm_store_table_create / _append / _close and the index writer), serial.
 *
 * Files go to a fresh mkdtemp directory that the suite's fini removes. The
 * parallel side (byte-identical files at 1, 2 and 4 ranks when rounds cut
 * at block boundaries) is tested end to end by tests/cli/gen.sh. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/store.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/crm_slab_XXXXXX");
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

TestSuite(store_slab, .init = make_dir, .fini = remove_dir);

static const char *in_dir(const char *name)
{
    static char path[2][512];
    static int next;
    char *p = path[next++ % 2];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

/* ---- a table of N rows: id, a coded text column and a measure --------- */

enum { N = 1000, BLOCK = 128 };
static const char *const colours[] = {"red", "grün", "青"};
static int64_t ids[N];
static int32_t colour[N];
static double amount[N];

static void fill(void)
{
    for (int i = 0; i < N; i++) {
        ids[i] = 1000 + 3 * i;
        colour[i] = i % 7 == 0 ? -1 : i % 3;
        amount[i] = i * 0.25 - 7.0;
    }
}

/* The columns of rows [row0, row0 + n). */
static crm_table slab(crm_column *cols, int64_t row0, int64_t n)
{
    cols[0] = (crm_column){
        .name = "id", .type = CRM_TYPE_INT64, .data = ids + row0};
    cols[1] = (crm_column){.name = "colour",
                           .type = CRM_TYPE_INT32,
                           .data = colour + row0,
                           .dict = colours,
                           .ndict = 3};
    cols[2] = (crm_column){
        .name = "amount", .type = CRM_TYPE_FLOAT64, .data = amount + row0};
    return (crm_table){.nrows = (size_t)n, .ncols = 3, .cols = cols};
}

static crm_store *create(const char *name)
{
    crm_store *s = NULL;
    crm_error err = {{0}};
    fill();
    cr_assert_eq(crm_store_create(in_dir(name), H5P_DEFAULT, &s, &err), CRM_OK,
                 "%s", err.msg);
    return s;
}

static crm_store_writer *open_writer(crm_store *s, int64_t total,
                                     const crm_comm *comm)
{
    crm_column cols[3];
    const crm_table schema = slab(cols, 0, 0);
    crm_store_writer *w = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_store_table_create(s, "t", &schema, total, BLOCK, comm,
                                        H5P_DEFAULT, &w, &err),
                 CRM_OK, "%s", err.msg);
    return w;
}

static crm_status append(crm_store_writer *w, int64_t row0, int64_t n)
{
    crm_column cols[3];
    const crm_table t = slab(cols, row0, n);
    crm_error err = {{0}};
    return crm_store_table_append(w, &t, &err);
}

static void assert_table(const crm_store *s)
{
    crm_frame *f = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_store_read(s, "t", NULL, 0, 0, N, H5P_DEFAULT, &f, &err),
                 CRM_OK, "%s", err.msg);
    const crm_table *t = crm_frame_table(f);
    cr_assert_eq(t->ncols, 3);
    cr_assert_str_eq(t->cols[1].name, "colour");
    cr_assert_eq(memcmp(t->cols[0].data, ids, sizeof ids), 0);
    cr_assert_eq(memcmp(t->cols[1].data, colour, sizeof colour), 0);
    cr_assert_eq(memcmp(t->cols[2].data, amount, sizeof amount), 0);
    cr_assert_eq(t->cols[1].ndict, 3);
    cr_assert_str_eq(t->cols[1].dict[2], "青");
    crm_frame_free(f);
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(in_dir(a), "rb"), *fb = fopen(in_dir(b), "rb");
    int same = fa != NULL && fb != NULL;
    while (same) {
        const int ca = fgetc(fa), cb = fgetc(fb);
        same = ca == cb;
        if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* ---- rounds ----------------------------------------------------------- */

Test(store_slab, rounds_in_order_give_the_table)
{
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    crm_store_writer *w = open_writer(s, N, &self);
    const int64_t cuts[] = {0, 256, 256, 640, 1000}; /* one empty round */
    crm_error err = {{0}};
    for (int k = 0; k < 4; k++) {
        cr_assert_eq(append(w, cuts[k], cuts[k + 1] - cuts[k]), CRM_OK);
        cr_assert_eq(crm_store_writer_rows(w), cuts[k + 1]);
    }
    cr_assert_eq(crm_store_table_close(w, &err), CRM_OK, "%s", err.msg);
    assert_table(s);
    crm_store_close(s);
}

Test(store_slab, block_aligned_rounds_give_the_bytes_of_one_write)
{
    const crm_comm self = crm_comm_self();
    crm_column cols[3];
    const crm_table whole = slab(cols, 0, N);
    crm_error err = {{0}};
    crm_store *s = create("whole.h5");
    cr_assert_eq(crm_store_write(s, "t", &whole, &self, BLOCK, H5P_DEFAULT,
                                 &err),
                 CRM_OK, "%s", err.msg);
    crm_store_close(s);
    s = create("rounds.h5");
    crm_store_writer *w = open_writer(s, N, &self);
    for (int64_t r = 0; r < N; r += 3 * BLOCK)
        cr_assert_eq(append(w, r, r + 3 * BLOCK < N ? 3 * BLOCK : N - r),
                     CRM_OK);
    cr_assert_eq(crm_store_table_close(w, &err), CRM_OK);
    crm_store_close(s);
    cr_assert(same_file("whole.h5", "rounds.h5"));
}

Test(store_slab, a_round_past_the_end_is_erange_and_writes_nothing)
{
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    crm_store_writer *w = open_writer(s, 100, &self);
    crm_error err = {{0}};
    cr_assert_eq(append(w, 0, 60), CRM_OK);
    cr_assert_eq(append(w, 60, 41), CRM_ERANGE);
    cr_assert_eq(crm_store_writer_rows(w), 60);
    cr_assert_eq(append(w, 60, 40), CRM_OK);
    cr_assert_eq(crm_store_table_close(w, &err), CRM_OK);
    crm_store_close(s);
}

Test(store_slab, closing_before_every_row_is_written_is_erange)
{
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    crm_store_writer *w = open_writer(s, N, &self);
    crm_error err = {{0}};
    cr_assert_eq(append(w, 0, 10), CRM_OK);
    cr_assert_eq(crm_store_table_close(w, &err), CRM_ERANGE);
    cr_assert(strstr(err.msg, "10 of 1000") != NULL, "%s", err.msg);
    cr_assert_eq(crm_store_table_close(NULL, &err), CRM_OK);
    crm_store_close(s);
}

Test(store_slab, a_slab_unlike_the_schema_is_einval)
{
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    crm_store_writer *w = open_writer(s, N, &self);
    crm_column cols[3];
    crm_table t = slab(cols, 0, 10);
    crm_error err = {{0}};
    cols[2].type = CRM_TYPE_FLOAT32;
    cr_assert_eq(crm_store_table_append(w, &t, &err), CRM_EINVAL);
    cols[2].type = CRM_TYPE_FLOAT64;
    cols[0].name = "other";
    cr_assert_eq(crm_store_table_append(w, &t, &err), CRM_EINVAL);
    t = slab(cols, 0, 10);
    t.ncols = 2;
    cr_assert_eq(crm_store_table_append(w, &t, &err), CRM_EINVAL);
    t.ncols = 3;
    cols[1].data = NULL;
    cr_assert_eq(crm_store_table_append(w, &t, &err), CRM_EINVAL);
    cr_assert_eq(crm_store_table_append(w, NULL, &err), CRM_EINVAL);
    cr_assert_eq(crm_store_table_append(NULL, &t, &err), CRM_EINVAL);
    cr_assert_eq(crm_store_writer_rows(w), 0);
    crm_store_table_close(w, NULL);
    crm_store_close(s);
}

Test(store_slab, bad_arguments_and_serial_files_with_ranks_are_einval)
{
    crm_comm two = crm_comm_self();
    const crm_comm self = crm_comm_self();
    crm_column cols[3];
    crm_table schema = slab(cols, 0, 0);
    crm_store_writer *w = NULL;
    crm_error err = {{0}};
    crm_store *s = create("a.h5");
    two.size = 2;
    cr_assert_eq(crm_store_table_create(s, "t", &schema, N, 0, &two,
                                        H5P_DEFAULT, &w, &err),
                 CRM_EINVAL);
    cr_assert_eq(crm_store_table_create(s, "t", &schema, -1, 0, &self,
                                        H5P_DEFAULT, &w, &err),
                 CRM_EINVAL);
    cr_assert_eq(crm_store_table_create(s, "a/b", &schema, N, 0, &self,
                                        H5P_DEFAULT, &w, &err),
                 CRM_EINVAL);
    cols[1].name = "x.dict";
    cr_assert_eq(crm_store_table_create(s, "t", &schema, N, 0, &self,
                                        H5P_DEFAULT, &w, &err),
                 CRM_EINVAL);
    cr_assert_null(w);
    cr_assert_not(crm_store_has_table(s, "t"), "nothing was created");
    crm_store_close(s);
}

Test(store_slab, an_empty_table_needs_no_round)
{
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    crm_store_writer *w = open_writer(s, 0, &self);
    crm_table_info *info = NULL;
    crm_error err = {{0}};
    cr_assert_eq(append(w, 0, 0), CRM_OK);
    cr_assert_eq(crm_store_table_close(w, &err), CRM_OK);
    cr_assert_eq(crm_store_table_info(s, "t", &info, &err), CRM_OK);
    cr_assert_eq(info->nrows, 0);
    cr_assert_eq(info->block_rows, BLOCK);
    crm_table_info_free(info);
    crm_store_close(s);
}

/* ---- index datasets ----------------------------------------------------- */

Test(store_slab, index_rounds_read_back_and_are_not_columns)
{
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    crm_store_writer *w = open_writer(s, N, &self);
    crm_store_writer *x = NULL;
    crm_table_info *info = NULL;
    int64_t got[N + 1], want[N + 1];
    crm_error err = {{0}};
    for (int i = 0; i <= N; i++)
        want[i] = 5 * (int64_t)i;
    cr_assert_eq(append(w, 0, N), CRM_OK);
    cr_assert_eq(crm_store_table_close(w, &err), CRM_OK);
    cr_assert_eq(crm_store_index_create(s, "/t", "offset", N + 1, &self,
                                        H5P_DEFAULT, &x, &err),
                 CRM_OK, "%s", err.msg);
    cr_assert_eq(crm_store_index_append(x, want, 300, &err), CRM_OK);
    cr_assert_eq(crm_store_index_append(x, want + 300, N + 1 - 300, &err),
                 CRM_OK);
    cr_assert_eq(crm_store_index_append(x, want, 1, &err), CRM_ERANGE);
    cr_assert_eq(crm_store_table_close(x, &err), CRM_OK);
    cr_assert_eq(crm_store_read_i64_strided(s, "t", "offset", 0, 1, N + 1,
                                            H5P_DEFAULT, got, &err),
                 CRM_OK, "%s", err.msg);
    cr_assert_arr_eq(got, want, sizeof got);
    cr_assert_eq(crm_store_table_info(s, "t", &info, &err), CRM_OK);
    cr_assert_eq(info->ncols, 3, "the index is not a column");
    crm_table_info_free(info);
    crm_store_close(s);
}

Test(store_slab, index_of_a_missing_table_or_with_a_bad_name_fails)
{
    const crm_comm self = crm_comm_self();
    crm_store *s = create("a.h5");
    crm_store_writer *x = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_store_index_create(s, "nothere", "offset", 3, &self,
                                        H5P_DEFAULT, &x, &err),
                 CRM_ENOTFOUND);
    cr_assert_eq(crm_store_index_create(s, "t", "a/b", 3, &self, H5P_DEFAULT,
                                        &x, &err),
                 CRM_EINVAL);
    cr_assert_eq(crm_store_index_append(NULL, NULL, 0, &err), CRM_EINVAL);
    cr_assert_null(x);
    crm_store_close(s);
}
