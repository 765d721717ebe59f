/* tests/io/import_fixture.h — what the import tests share: a fresh
 * temporary folder per test, CSV fixtures, reading tables back, and the
 * bad-input harness (message, status, and the store left as it was).
 * Helpers are static inline so each test file takes what it uses. */
#ifndef CRM_IMPORT_FIXTURE_H
#define CRM_IMPORT_FIXTURE_H

#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "io/import.h"
#include "io/store.h"


static char dir[64];

static inline void make_dir(void)
{
    strcpy(dir, "/tmp/crm_import_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static inline void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}


/* A path inside the test folder; four rotating buffers. */
static inline const char *at(const char *name)
{
    static char bufs[4][256];
    static int k = 0;
    k = (k + 1) % 4;
    snprintf(bufs[k], sizeof bufs[k], "%s/%s", dir, name);
    return bufs[k];
}

static inline void write_file(const char *name, const char *text)
{
    FILE *f = fopen(at(name), "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(*n + 1);
    cr_assert_eq(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static inline int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Only the store itself is left in the folder: no temporary file. */
static inline void assert_no_temp_files(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q '\\.tmp'", dir);
    cr_assert_neq(system(cmd), 0, "a temporary file was left behind");
}

typedef struct table_view {
    crm_store *s;
    crm_frame *f;
    const crm_table *t;
} table_view;

static inline table_view open_table(const char *store, const char *table)
{
    table_view v = {0};
    crm_error err = {{0}};
    crm_table_info *info = NULL;
    cr_assert_eq(crm_store_open(store, H5P_DEFAULT, 0, &v.s, &err), CRM_OK,
                 "%s", err.msg);
    cr_assert_eq(crm_store_table_info(v.s, table, &info, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert_eq(crm_store_read(v.s, table, NULL, 0, 0, info->nrows,
                                H5P_DEFAULT, &v.f, &err),
                 CRM_OK, "%s", err.msg);
    crm_table_info_free(info);
    v.t = crm_frame_table(v.f);
    return v;
}

static inline void close_table(table_view *v)
{
    crm_frame_free(v->f);
    crm_store_close(v->s);
}

static inline const crm_column *col(const table_view *v, const char *name)
{
    const crm_column *c = crm_table_find(v->t, name);
    cr_assert_not_null(c, "no column %s", name);
    return c;
}

/* The values of a column that must have the given type. */
static inline const void *typed(const table_view *v, const char *name, crm_type type)
{
    const crm_column *c = col(v, name);
    cr_assert_eq(c->type, type, "%s is %s", name, crm_type_name(c->type));
    return c->data;
}

#define i64s(v, name) ((const int64_t *)typed(v, name, CRM_TYPE_INT64))
#define i32s(v, name) ((const int32_t *)typed(v, name, CRM_TYPE_INT32))
#define f64s(v, name) ((const double *)typed(v, name, CRM_TYPE_FLOAT64))

static inline const char *text_of(const table_view *v, const char *name, size_t row)
{
    const crm_column *c = col(v, name);
    return crm_column_dict_text(c, crm_column_get_i64(c, row));
}

/* An index dataset of s.h5 holds exactly want[0..n). */
static inline void expect_index(const char *table, const char *name,
                         const int64_t *want, int64_t n)
{
    table_view v = open_table(at("s.h5"), table);
    crm_error err = {{0}};
    int64_t got[16];
    cr_assert_leq(n, 16);
    cr_assert_eq(crm_store_read_i64_strided(v.s, table, name, 0, 1, n,
                                            H5P_DEFAULT, got, &err),
                 CRM_OK, "%s", err.msg);
    cr_assert_arr_eq(got, want, (size_t)n * sizeof *want);
    close_table(&v);
}

static inline crm_status import_tx(const char *csv, const char *out,
                            const char *extra_price, crm_import_report *rep,
                            crm_error *err)
{
    const crm_import_tx_opts o = {.csv = at(csv), .out = at(out),
                                  .customer = "cust", .time = "when",
                                  .order = "order", .item = "item",
                                  .quantity = "qty", .price = extra_price};
    return crm_import_transactions(&o, rep, err);
}

static const char *const SMALL_TX =
    "order,cust,when,item,qty,price\r\n"
    "1,20,2011-01-05 10:00:00,B,2,1.5\r\n"
    "2,10,2011-01-06 09:00:00,A,1,3\r\n"
    "3,20,2011-01-02 08:00:00,\"C, large\",-1,2.5\r\n"
    "4,,2011-01-03 08:00:00,A,1,1\r\n"
    "5,10,2011-01-06 09:00:00,\"A\nB\",4,0.25\r\n"
    "6,30,20110101,B,1,10\r\n";


static inline crm_status import_cust(const char *csv, const char *label,
                              const char *categorical, crm_import_report *rep,
                              crm_error *err)
{
    const crm_import_cust_opts o = {.csv = at(csv), .out = at("s.h5"),
                                    .customer = "id", .label = label,
                                    .categorical = categorical};
    return crm_import_customers(&o, rep, err);
}


/* ---- bad input: message, status, and the store left as it was ---- */

/* One bad-input case: the file, which import reads it, and what must come
 * back. Transactions map columns cust and when; customers map id. */
typedef struct bad_case {
    const char *text;
    char kind; /* 't' transactions, 'c' customers, 'f' FIMI baskets */
    const char *quantity, *amount, *price, *time_format, *label;
    crm_status want;
    const char *frags[6]; /* each must be in the message */
} bad_case;

static inline crm_status run_case(const bad_case *b, crm_error *err)
{
    const crm_import_tx_opts t = {.csv = at("in.csv"), .out = at("s.h5"),
                                  .customer = "cust", .time = "when",
                                  .quantity = b->quantity, .amount = b->amount,
                                  .price = b->price,
                                  .time_format = b->time_format};
    const crm_import_cust_opts c = {.csv = at("in.csv"), .out = at("s.h5"),
                                    .customer = "id", .label = b->label};
    const crm_import_basket_opts f = {
        .path = at("in.csv"), .out = at("s.h5"), .format = CRM_BASKETS_FIMI};
    if (b->kind == 't')
        return crm_import_transactions(&t, NULL, err);
    if (b->kind == 'c')
        return crm_import_customers(&c, NULL, err);
    return crm_import_baskets(&f, NULL, err);
}

/* Imports into a store that holds SMALL_TX; the import must fail with the
 * status and message wanted, on one line, and leave the store's bytes. */
static inline void check_bad(const bad_case *b)
{
    crm_error err = {{0}};
    size_t n = 0, m = 0;
    write_file("seed.csv", SMALL_TX);
    cr_assert_eq(import_tx("seed.csv", "s.h5", "price", NULL, &err), CRM_OK);
    char *before = slurp(at("s.h5"), &n);
    write_file("in.csv", b->text);
    const crm_status rc = run_case(b, &err);
    cr_assert_eq(rc, b->want, "status %d, message: %s", rc, err.msg);
    for (size_t i = 0; i < 6 && b->frags[i] != NULL; i++)
        cr_assert(strstr(err.msg, b->frags[i]) != NULL, "\"%s\" not in: %s",
                  b->frags[i], err.msg);
    cr_assert(strchr(err.msg, '\n') == NULL, "not one line: %s", err.msg);
    char *after = slurp(at("s.h5"), &m);
    cr_assert(m == n && memcmp(before, after, n) == 0, "the store changed");
    free(after);
    free(before);
    assert_no_temp_files();
}

/* A case with no options beyond the column mapping. */
static inline void expect_bad(char kind, const char *text, crm_status want,
                       const char *frag, const char *frag2)
{
    check_bad(&(bad_case){
        .text = text, .kind = kind, .want = want, .frags = {frag, frag2}});
}


#endif
