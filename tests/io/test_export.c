/* tests/io/test_export.c — CSV formatting and export (io/export.h), and the
 * store listing of io/inspect.h, which reads stores the same way.
 *
 * Store files live in a fresh mkdtemp directory under /tmp, removed by the
 * suites' fini. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/export.h"
#include "io/inspect.h"
#include "io/store.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/crm_export_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

/* Removes the directory; returns how many files were left in it. */
static int empty_dir(void)
{
    DIR *d = opendir(dir);
    char path[512];
    int n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
        n++;
    }
    if (d != NULL)
        closedir(d);
    return n;
}

static void remove_dir(void)
{
    empty_dir();
    rmdir(dir);
}

TestSuite(csv);
TestSuite(export, .init = make_dir, .fini = remove_dir);
TestSuite(inspect, .init = make_dir, .fini = remove_dir);

/* dir/name; four rotating buffers, so one call may take several paths */
static const char *in_dir(const char *name)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

static char *rows_text(const crm_table *t, size_t row0, size_t nrows)
{
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(crm_csv_format_rows(t, row0, nrows, &buf, &len), CRM_OK);
    cr_assert_eq(strlen(buf), len);
    return buf;
}

/* ---- formatting ---------------------------------------------------------- */

Test(csv, text_with_comma_quote_or_line_end_is_quoted_and_quotes_doubled)
{
    const char *const dict[] = {"plain",      "a,b",      "say \"hi\"",
                                "two\nlines", "cr\rhere", ""};
    int32_t code[6] = {0, 1, 2, 3, 4, 5};
    const crm_column col = {.name = "t",
                            .type = CRM_TYPE_INT32,
                            .data = code,
                            .dict = dict,
                            .ndict = 6};
    const crm_table t = {.nrows = 6, .ncols = 1, .cols = &col};
    char *got = rows_text(&t, 0, 6);
    cr_assert_str_eq(got, "plain\n\"a,b\"\n\"say \"\"hi\"\"\"\n"
                          "\"two\nlines\"\n\"cr\rhere\"\n\"\"\n");
    free(got);
}

Test(csv, header_quotes_names_that_need_it)
{
    int32_t v[1] = {0};
    const crm_column cols[3] = {
        {.name = "id", .type = CRM_TYPE_INT32, .data = v},
        {.name = "spend, total", .type = CRM_TYPE_INT32, .data = v},
        {.name = "año \"fiscal\"", .type = CRM_TYPE_INT32, .data = v}};
    const crm_table t = {.nrows = 1, .ncols = 3, .cols = cols};
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(crm_csv_format_header(&t, &buf, &len), CRM_OK);
    cr_assert_str_eq(buf, "id,\"spend, total\",\"año \"\"fiscal\"\"\"\n");
    cr_assert_eq(len, strlen(buf));
    free(buf);
}

Test(csv, every_kind_of_missing_value_is_an_empty_cell)
{
    const char *const dict[] = {"gold"};
    int32_t sentinel[2] = {-1, 7};
    int64_t big[2] = {INT64_MIN, 3};
    float f32[2] = {NAN, 0.5f};
    double f64[2] = {NAN, 2.0};
    int32_t code[2] = {-1, 0};
    const crm_column cols[5] = {
        {.name = "a",
         .type = CRM_TYPE_INT32,
         .data = sentinel,
         .has_missing = 1,
         .missing_value = -1},
        {.name = "b",
         .type = CRM_TYPE_INT64,
         .data = big,
         .has_missing = 1,
         .missing_value = INT64_MIN},
        {.name = "c", .type = CRM_TYPE_FLOAT32, .data = f32},
        {.name = "d", .type = CRM_TYPE_FLOAT64, .data = f64},
        {.name = "e",
         .type = CRM_TYPE_INT32,
         .data = code,
         .dict = dict,
         .ndict = 1}};
    const crm_table t = {.nrows = 2, .ncols = 5, .cols = cols};
    char *got = rows_text(&t, 0, 2);
    cr_assert_str_eq(got, ",,,,\n7,3,0.5,2,gold\n");
    free(got);
}

Test(csv, integers_print_in_full)
{
    int64_t v[3] = {INT64_MIN, INT64_MAX, 0};
    int32_t w[3] = {INT32_MIN, INT32_MAX, -7};
    const crm_column cols[2] = {
        {.name = "v", .type = CRM_TYPE_INT64, .data = v},
        {.name = "w", .type = CRM_TYPE_INT32, .data = w}};
    const crm_table t = {.nrows = 3, .ncols = 2, .cols = cols};
    char *got = rows_text(&t, 0, 3);
    cr_assert_str_eq(got, "-9223372036854775808,-2147483648\n"
                          "9223372036854775807,2147483647\n0,-7\n");
    free(got);
}

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

Test(csv, doubles_parse_back_to_the_same_bits)
{
    enum { N = 20000 };
    double *v = malloc(N * sizeof *v);
    uint64_t state = 42;
    for (size_t i = 0; i < N; i++) {
        uint64_t bits = splitmix(&state);
        memcpy(&v[i], &bits, sizeof bits);
        if (isnan(v[i]) || i % 4 == 0) /* also everyday magnitudes */
            v[i] = (double)(bits >> 11) / 9007199254740992.0 * 1000.0;
    }
    const crm_column col = {.name = "x", .type = CRM_TYPE_FLOAT64, .data = v};
    const crm_table t = {.nrows = N, .ncols = 1, .cols = &col};
    char *text = rows_text(&t, 0, N), *p = text;
    for (size_t i = 0; i < N; i++) {
        char *end = NULL;
        const double back = strtod(p, &end);
        cr_assert_eq(*end, '\n');
        cr_assert_eq(memcmp(&back, &v[i], sizeof back), 0, "row %zu: %.*s", i,
                     (int)(end - p), p);
        p = end + 1;
    }
    free(text);
    free(v);
}

Test(csv, floats_take_the_fewest_digits_that_round_trip)
{
    char num[CRM_CSV_NUM_LEN];
    cr_assert_eq(crm_csv_format_f64(0.1, num), 3);
    cr_assert_str_eq(num, "0.1");
    crm_csv_format_f64(0.1 + 0.2, num);
    cr_assert_str_eq(num, "0.30000000000000004");
    crm_csv_format_f64(-0.0, num);
    cr_assert_str_eq(num, "-0");
    crm_csv_format_f64(5e-324, num);
    cr_assert_eq(strtod(num, NULL), 5e-324);
    float f[3] = {0.1f, 16777216.0f, 3.4028235e38f};
    const crm_column col = {.name = "f", .type = CRM_TYPE_FLOAT32, .data = f};
    const crm_table t = {.nrows = 3, .ncols = 1, .cols = &col};
    char *got = rows_text(&t, 0, 3);
    cr_assert_str_eq(got, "0.1\n16777216\n3.4028235e+38\n");
    free(got);
}

Test(csv, a_row_formats_the_same_in_any_slice)
{
    const char *const dict[] = {"r2", "r3", "r4"}; /* sliced: rows 2..4 */
    int32_t code[3] = {2, 3, 4};
    double x[3] = {1.5, -2.25, 1e-7};
    const crm_column cols[2] = {
        {.name = "id",
         .type = CRM_TYPE_INT32,
         .data = code,
         .dict = dict,
         .ndict = 3,
         .dict_row0 = 2,
         .dict_sliced = 1,
         .dict_by_row = 1},
        {.name = "x", .type = CRM_TYPE_FLOAT64, .data = x}};
    const crm_table t = {.nrows = 3, .ncols = 2, .cols = cols};
    char *all = rows_text(&t, 0, 3), *tail = rows_text(&t, 1, 2);
    cr_assert_str_eq(all, "r2,1.5\nr3,-2.25\nr4,1e-07\n");
    cr_assert_str_eq(tail, strchr(all, '\n') + 1);
    free(tail);
    free(all);
}

Test(csv, code_without_text_here_is_erange_and_bad_range_einval)
{
    const char *const dict[] = {"only"};
    int32_t code[1] = {5};
    const crm_column col = {.name = "c",
                            .type = CRM_TYPE_INT32,
                            .data = code,
                            .dict = dict,
                            .ndict = 1};
    const crm_table t = {.nrows = 1, .ncols = 1, .cols = &col};
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(crm_csv_format_rows(&t, 0, 1, &buf, &len), CRM_ERANGE);
    cr_assert_null(buf);
    cr_assert_eq(crm_csv_format_rows(&t, 1, 1, &buf, &len), CRM_EINVAL);
}

/* ---- export and inspect over a store ------------------------------------ */

enum { NROWS = 2500 };

typedef struct sample {
    int64_t id[NROWS];
    int32_t city[NROWS];
    double spend[NROWS];
    crm_column cols[3];
    crm_table t;
} sample;

static const char *const cities[] = {"北京市", "Ñandú, señor", "café"};

static void fill(sample *x)
{
    for (int i = 0; i < NROWS; i++) {
        x->id[i] = 1000 + i;
        x->city[i] = i % 7 == 0 ? -1 : i % 3;
        x->spend[i] = i % 11 == 0 ? NAN : i * 0.37;
    }
    x->cols[0] = (crm_column){
        .name = "customer_id", .type = CRM_TYPE_INT64, .data = x->id};
    x->cols[1] = (crm_column){.name = "city",
                              .type = CRM_TYPE_INT32,
                              .data = x->city,
                              .dict = cities,
                              .ndict = 3};
    x->cols[2] = (crm_column){
        .name = "spend", .type = CRM_TYPE_FLOAT64, .data = x->spend};
    x->t = (crm_table){.nrows = NROWS, .ncols = 3, .cols = x->cols};
}

/* A store at name with /customers (block_rows 256) and a tx_offset index. */
static void write_store(const char *name, const sample *x)
{
    crm_store *s = NULL;
    crm_error err = {{0}};
    const crm_comm self = crm_comm_self();
    int64_t off[NROWS + 1] = {0};
    cr_assert_eq(crm_store_create(in_dir(name), H5P_DEFAULT, &s, &err), CRM_OK);
    cr_assert_eq(
        crm_store_write(s, "customers", &x->t, &self, 256, H5P_DEFAULT, &err),
        CRM_OK, "%s", err.msg);
    cr_assert_eq(crm_store_write_index(s, "customers", "tx_offset", off,
                                       NROWS + 1, &err),
                 CRM_OK);
    crm_store_close(s);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    const size_t n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc(n + 1, 1);
    cr_assert_eq(fread(buf, 1, n, f), n);
    fclose(f);
    return buf;
}

Test(export, csv_file_holds_header_and_every_row_but_no_index)
{
    static sample x;
    crm_error err = {{0}};
    char *head = NULL;
    size_t len = 0;
    fill(&x);
    write_store("s.h5", &x);
    cr_assert_eq(
        crm_export_csv(in_dir("s.h5"), "/customers", in_dir("out.csv"), &err),
        CRM_OK, "%s", err.msg);
    char *got = slurp(in_dir("out.csv"));
    char *rows = rows_text(&x.t, 0, NROWS);
    cr_assert_eq(crm_csv_format_header(&x.t, &head, &len), CRM_OK);
    cr_assert_str_eq(head, "customer_id,city,spend\n", "tx_offset excluded");
    cr_assert_eq(strncmp(got, head, len), 0);
    cr_assert_str_eq(got + len, rows);
    cr_assert(strstr(got, "\n1007,,2.59\n") != NULL, "missing city empty");
    free(head);
    free(rows);
    free(got);
}

Test(export, missing_table_leaves_no_output_file)
{
    static sample x;
    crm_error err = {{0}};
    fill(&x);
    write_store("s.h5", &x);
    cr_assert_eq(
        crm_export_csv(in_dir("s.h5"), "scores", in_dir("out.csv"), &err),
        CRM_ENOTFOUND);
    cr_assert(strstr(err.msg, "scores") != NULL, "%s", err.msg);
    cr_assert_neq(access(in_dir("out.csv"), F_OK), 0);
    cr_assert_eq(empty_dir(), 1, "only s.h5 remains: no temporary file");
}

Test(export, missing_store_is_enotfound)
{
    crm_error err = {{0}};
    cr_assert_eq(
        crm_export_csv(in_dir("none.h5"), "customers", in_dir("out.csv"), &err),
        CRM_ENOTFOUND);
    cr_assert_neq(access(in_dir("out.csv"), F_OK), 0);
}

Test(export, unwritable_target_is_eio)
{
    static sample x;
    crm_error err = {{0}};
    fill(&x);
    write_store("s.h5", &x);
    cr_assert_eq(crm_export_csv(in_dir("s.h5"), "customers",
                                in_dir("no/such/dir/out.csv"), &err),
                 CRM_EIO);
    cr_assert(strstr(err.msg, "out.csv") != NULL, "%s", err.msg);
}

Test(inspect, lists_tables_columns_types_and_missing_counts)
{
    static sample x;
    crm_error err = {{0}};
    fill(&x);
    write_store("s.h5", &x);
    char *got = NULL;
    size_t len = 0;
    cr_assert_eq(crm_inspect(in_dir("s.h5"), &got, &len, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert_eq(len, strlen(got));
    cr_assert(strncmp(got, "store ", 6) == 0, "%s", got);
    int missing_city = 0, missing_spend = 0;
    for (int i = 0; i < NROWS; i++) {
        missing_city += i % 7 == 0;
        missing_spend += i % 11 == 0;
    }
    char want[256];
    cr_assert(strstr(got, "table /customers: 2500 rows, block_rows 256, "
                          "3 columns\n") != NULL,
              "%s", got);
    snprintf(want, sizeof want, "  city         dict(3)  %12d\n", missing_city);
    cr_assert(strstr(got, want) != NULL, "%s", got);
    snprintf(want, sizeof want, "  spend        float64  %12d\n",
             missing_spend);
    cr_assert(strstr(got, want) != NULL, "%s", got);
    cr_assert(strstr(got, "  customer_id  int64    ") != NULL, "%s", got);
    free(got);
}

Test(inspect, non_hdf5_file_is_eformat)
{
    crm_error err = {{0}};
    FILE *f = fopen(in_dir("x.h5"), "w");
    fputs("not hdf5\n", f);
    fclose(f);
    char *text = NULL;
    cr_assert_eq(crm_inspect(in_dir("x.h5"), &text, NULL, &err), CRM_EFORMAT);
    cr_assert(strstr(err.msg, "x.h5") != NULL, "%s", err.msg);
    cr_assert_null(text);
}

Test(inspect, returns_its_listing_as_text_and_prints_nothing)
{
    static sample x;
    crm_error err = {{0}};
    fill(&x);
    write_store("s.h5", &x);
    fflush(stdout);
    FILE *saved = freopen(in_dir("stdout.txt"), "w", stdout);
    cr_assert_not_null(saved);
    char *text = NULL;
    const crm_status rc = crm_inspect(in_dir("s.h5"), &text, NULL, &err);
    fflush(stdout);
    cr_assert_eq(rc, CRM_OK, "%s", err.msg);
    cr_assert(strstr(text, "table /customers") != NULL, "%s", text);
    char *printed = slurp(in_dir("stdout.txt"));
    cr_assert_str_eq(printed, "");
    free(printed);
    free(text);
    cr_assert_eq(crm_inspect(NULL, &text, NULL, &err), CRM_EINVAL);
    cr_assert_eq(crm_inspect(in_dir("s.h5"), NULL, NULL, &err), CRM_EINVAL);
}
