/* tests/io/test_import.c — the three imports end to end: CSV fixtures
 * written into a fresh temporary folder, imported, and read back through the
 * store API; bad input must name file, line and column and leave the store
 * byte for byte as it was. With CRM_DATA_DIR set, the public datasets are
 * imported and checked against the facts in ../shared/data/SOURCES.md. */
#define _POSIX_C_SOURCE 200809L
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

static void make_dir(void)
{
    strcpy(dir, "/tmp/crm_import_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(import, .init = make_dir, .fini = remove_dir, .timeout = 120);

/* A path inside the test folder; four rotating buffers. */
static const char *at(const char *name)
{
    static char bufs[4][256];
    static int k = 0;
    k = (k + 1) % 4;
    snprintf(bufs[k], sizeof bufs[k], "%s/%s", dir, name);
    return bufs[k];
}

static void write_file(const char *name, const char *text)
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

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Only the store itself is left in the folder: no temporary file. */
static void assert_no_temp_files(void)
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

static table_view open_table(const char *store, const char *table)
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

static void close_table(table_view *v)
{
    crm_frame_free(v->f);
    crm_store_close(v->s);
}

static const crm_column *col(const table_view *v, const char *name)
{
    const crm_column *c = crm_table_find(v->t, name);
    cr_assert_not_null(c, "no column %s", name);
    return c;
}

/* The values of a column that must have the given type. */
static const void *typed(const table_view *v, const char *name, crm_type type)
{
    const crm_column *c = col(v, name);
    cr_assert_eq(c->type, type, "%s is %s", name, crm_type_name(c->type));
    return c->data;
}

#define i64s(v, name) ((const int64_t *)typed(v, name, CRM_TYPE_INT64))
#define i32s(v, name) ((const int32_t *)typed(v, name, CRM_TYPE_INT32))
#define f64s(v, name) ((const double *)typed(v, name, CRM_TYPE_FLOAT64))

static const char *text_of(const table_view *v, const char *name, size_t row)
{
    const crm_column *c = col(v, name);
    return crm_column_dict_text(c, crm_column_get_i64(c, row));
}

/* An index dataset of s.h5 holds exactly want[0..n). */
static void expect_index(const char *table, const char *name,
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

static crm_status import_tx(const char *csv, const char *out,
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

Test(import, transactions_are_sorted_by_customer_then_time_then_file_order)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    write_file("tx.csv", SMALL_TX);
    cr_assert_eq(import_tx("tx.csv", "s.h5", "price", &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert(rep.rows_read == 6 && rep.rows_imported == 5);
    cr_assert(rep.rows_rejected == 1 &&
              rep.rejected[CRM_REJECT_NO_CUSTOMER] == 1);
    cr_assert(rep.customers == 3 && rep.transactions == 5);
    table_view t = open_table(at("s.h5"), "transactions");
    const int64_t want_cust[] = {10, 10, 20, 20, 30};
    const int64_t want_order[] = {2, 5, 3, 1, 6};
    const double want_amount[] = {3, 1, -2.5, 3, 10};
    cr_assert_eq(t.t->nrows, 5);
    cr_assert_arr_eq(i64s(&t, "customer_id"), want_cust, sizeof want_cust);
    cr_assert_arr_eq(i64s(&t, "order_id"), want_order, sizeof want_order);
    cr_assert_arr_eq(f64s(&t, "amount"), want_amount, sizeof want_amount);
    cr_assert_eq(i64s(&t, "time")[2], 1293955200); /* 2011-01-02 08:00 */
    cr_assert_eq(i64s(&t, "time")[4], 1293840000); /* 20110101 */
    cr_assert_str_eq(text_of(&t, "item", 1), "A\nB");
    cr_assert_str_eq(text_of(&t, "item", 2), "C, large");
    close_table(&t);
    expect_index("customers", "tx_offset", (int64_t[]){0, 2, 4, 5}, 4);
    assert_no_temp_files();
}

Test(import, item_dictionary_is_sorted_bytewise_and_columns_are_named)
{
    crm_error err = {{0}};
    write_file("tx.csv", SMALL_TX);
    cr_assert_eq(import_tx("tx.csv", "s.h5", NULL, NULL, &err), CRM_OK, "%s",
                 err.msg);
    table_view t = open_table(at("s.h5"), "transactions");
    const crm_column *item = col(&t, "item");
    const char *dict[] = {"A", "A\nB", "B", "C, large"};
    const char *names[] = {"customer_id", "time", "order_id", "item",
                           "quantity"};
    cr_assert_eq(item->ndict, 4);
    cr_assert_eq(t.t->ncols, 5); /* no price, no amount without them */
    for (size_t i = 0; i < 5; i++) {
        cr_assert_str_eq(t.t->cols[i].name, names[i]);
        cr_assert(i == 4 || strcmp(item->dict[i], dict[i]) == 0);
    }
    close_table(&t);
}

Test(import, text_customer_ids_become_row_codes_with_a_row_keyed_dictionary)
{
    crm_error err = {{0}};
    write_file("tx.csv", "cust,when,order\n"
                         "b-2,2011-01-01,X1\n"
                         "a-1,2011-01-02,7\n"
                         "b-2,2010-12-31,X1\n");
    const crm_import_tx_opts o = {.csv = at("tx.csv"), .out = at("s.h5"),
                                  .customer = "cust", .time = "when",
                                  .order = "order"};
    cr_assert_eq(crm_import_transactions(&o, NULL, &err), CRM_OK, "%s",
                 err.msg);
    table_view c = open_table(at("s.h5"), "customers");
    const crm_column *id = col(&c, "customer_id");
    cr_assert_eq(id->type, CRM_TYPE_INT64);
    cr_assert(id->dict_by_row);
    cr_assert_arr_eq(i64s(&c, "customer_id"), ((int64_t[]){0, 1}), 16);
    cr_assert_str_eq(text_of(&c, "customer_id", 0), "a-1");
    cr_assert_str_eq(text_of(&c, "customer_id", 1), "b-2");
    close_table(&c);
    table_view t = open_table(at("s.h5"), "transactions");
    const int64_t want[] = {0, 1, 1};
    cr_assert_arr_eq(i64s(&t, "customer_id"), want, sizeof want);
    cr_assert_str_eq(text_of(&t, "order_id", 1), "X1"); /* text, not int */
    cr_assert_str_eq(text_of(&t, "order_id", 0), "7");
    close_table(&t);
}

Test(import, whitespace_delimiter_reads_cdnow_style_lines)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    write_file("cd.txt", "customer_id date number_of_cds dollar_value\r\n"
                         "    00001 19970101  1  11.77\r\n"
                         "    00002 19970112  1  12.00\r\n"
                         "    00002 19970112  5  77.00\r\n");
    const crm_import_tx_opts o = {.csv = at("cd.txt"), .out = at("s.h5"),
                                  .customer = "customer_id", .time = "date",
                                  .quantity = "number_of_cds",
                                  .amount = "dollar_value", .delimiter = ' '};
    cr_assert_eq(crm_import_transactions(&o, &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert_eq(rep.customers, 2);
    table_view t = open_table(at("s.h5"), "transactions");
    const int64_t codes[] = {0, 1, 1}; /* "00001" is text: zeros are kept */
    cr_assert_arr_eq(i64s(&t, "customer_id"), codes, sizeof codes);
    close_table(&t);
    table_view c = open_table(at("s.h5"), "customers");
    cr_assert_str_eq(text_of(&c, "customer_id", 0), "00001");
    cr_assert_str_eq(text_of(&c, "customer_id", 1), "00002");
    close_table(&c);
    t = open_table(at("s.h5"), "transactions");
    cr_assert(f64s(&t, "amount")[2] == 77.0 && f64s(&t, "quantity")[2] == 5);
    cr_assert_eq(i64s(&t, "time")[0], 852076800);
    close_table(&t);
}

Test(import, explicit_time_format_is_used_for_every_value)
{
    crm_error err = {{0}};
    write_file("tx.csv", "cust;when\n1;10.12.2011 08:26\n2;01.02.2011 00:00\n");
    const crm_import_tx_opts o = {.csv = at("tx.csv"), .out = at("s.h5"),
                                  .customer = "cust", .time = "when",
                                  .delimiter = ';',
                                  .time_format = "%d.%m.%Y %H:%M"};
    cr_assert_eq(crm_import_transactions(&o, NULL, &err), CRM_OK, "%s",
                 err.msg);
    table_view t = open_table(at("s.h5"), "transactions");
    const int64_t want[] = {1323505560, 1296518400};
    cr_assert_arr_eq(i64s(&t, "time"), want, sizeof want);
    close_table(&t);
}

static crm_status import_cust(const char *csv, const char *label,
                              const char *categorical, crm_import_report *rep,
                              crm_error *err)
{
    const crm_import_cust_opts o = {.csv = at(csv), .out = at("s.h5"),
                                    .customer = "id", .label = label,
                                    .categorical = categorical};
    return crm_import_customers(&o, rep, err);
}

Test(import, customer_columns_are_typed_from_their_values)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    write_file("c.csv", "id,age,big,charges,plan,zip,churn\n"
                        "3,41,5000000000,12.5,gold,01234,Yes\n"
                        "1,,1,\" \",silver,20000,no\n"
                        "2,37,-7,1e3,,30000,TRUE\n");
    cr_assert_eq(import_cust("c.csv", "churn", "zip", &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert(rep.customers == 3 && rep.columns == 6);
    table_view c = open_table(at("s.h5"), "customers");
    const int64_t ids[] = {1, 2, 3};
    cr_assert_arr_eq(i64s(&c, "customer_id"), ids, sizeof ids);
    const crm_column *age = col(&c, "age");
    cr_assert(age->has_missing && age->missing_value == INT32_MIN);
    cr_assert(crm_column_is_missing(age, 0));
    cr_assert_eq(i32s(&c, "age")[1], 37);
    cr_assert_eq(i64s(&c, "big")[2], 5000000000LL);
    cr_assert_eq(i64s(&c, "big")[1], -7);
    cr_assert(!col(&c, "big")->has_missing);
    cr_assert(isnan(f64s(&c, "charges")[0]));
    cr_assert_eq(f64s(&c, "charges")[1], 1000.0);
    cr_assert_eq(i32s(&c, "plan")[1], -1);
    cr_assert_str_eq(text_of(&c, "plan", 2), "gold");
    cr_assert_str_eq(text_of(&c, "zip", 2), "01234"); /* --categorical */
    const int32_t churn[] = {0, 1, 1};
    cr_assert_arr_eq(i32s(&c, "churn"), churn, sizeof churn);
    char *label = NULL;
    cr_assert_eq(
        crm_store_get_attr_text(c.s, "customers", "label", &label, &err),
        CRM_OK);
    cr_assert_str_eq(label, "churn");
    free(label);
    close_table(&c);
}

Test(import, chinese_and_spanish_text_round_trip_byte_for_byte)
{
    crm_error err = {{0}};
    const char *names[] = {"张伟", "José Muñoz", "Ñandú ñoño", "李小龙"};
    write_file("c.csv", "id,name,city\n"
                        "c1,张伟,北京市\n"
                        "c2,\"José Muñoz\",\"A Coruña, España\"\n"
                        "c3,Ñandú ñoño,São Paulo\n"
                        "李,李小龙,香港\n");
    cr_assert_eq(import_cust("c.csv", NULL, NULL, NULL, &err), CRM_OK, "%s",
                 err.msg);
    table_view c = open_table(at("s.h5"), "customers");
    for (size_t r = 0; r < 4; r++)
        cr_assert_str_eq(text_of(&c, "name", r), names[r]);
    cr_assert_str_eq(text_of(&c, "city", 1), "A Coruña, España");
    cr_assert_str_eq(text_of(&c, "customer_id", 3), "李");
    close_table(&c);
}

Test(import, customers_seen_only_in_transactions_get_a_row_with_missing_values)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    write_file("c.csv", "id,age,plan\n10,40,gold\n99,50,silver\n");
    cr_assert_eq(import_cust("c.csv", NULL, NULL, NULL, &err), CRM_OK, "%s",
                 err.msg);
    write_file("tx.csv", SMALL_TX);
    cr_assert_eq(import_tx("tx.csv", "s.h5", "price", &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert(rep.customers == 4 && rep.customers_new == 2);
    table_view c = open_table(at("s.h5"), "customers");
    const int64_t ids[] = {10, 20, 30, 99};
    cr_assert_arr_eq(i64s(&c, "customer_id"), ids, sizeof ids);
    cr_assert_eq(i32s(&c, "age")[0], 40);
    cr_assert(crm_column_is_missing(col(&c, "age"), 1));
    cr_assert_eq(i32s(&c, "plan")[2], -1);
    cr_assert_str_eq(text_of(&c, "plan", 3), "silver");
    close_table(&c);
    expect_index("customers", "tx_offset", (int64_t[]){0, 2, 4, 5, 5}, 5);
}

Test(import, text_customer_ids_rekey_and_resort_existing_transactions)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    write_file("tx.csv", SMALL_TX); /* integer ids 10, 20, 30 */
    cr_assert_eq(import_tx("tx.csv", "s.h5", "price", NULL, &err), CRM_OK);
    write_file("c.csv", "id,seg\n9,a\nx7,b\n100,c\n");
    cr_assert_eq(import_cust("c.csv", NULL, NULL, &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert(rep.customers == 6 && rep.customers_new == 3);
    cr_assert_eq(rep.transactions, 5);
    /* bytewise: "10" < "100" < "20" < "30" < "9" < "x7" */
    const char *order[] = {"10", "100", "20", "30", "9", "x7"};
    table_view c = open_table(at("s.h5"), "customers");
    for (size_t r = 0; r < 6; r++)
        cr_assert_str_eq(text_of(&c, "customer_id", r), order[r]);
    cr_assert_str_eq(text_of(&c, "seg", 1), "c");
    cr_assert_eq(i32s(&c, "seg")[0], -1);
    close_table(&c);
    table_view t = open_table(at("s.h5"), "transactions");
    const int64_t codes[] = {0, 0, 2, 2, 3};
    cr_assert_arr_eq(i64s(&t, "customer_id"), codes, sizeof codes);
    const int64_t orders[] = {2, 5, 3, 1, 6};
    cr_assert_arr_eq(i64s(&t, "order_id"), orders, sizeof orders);
    cr_assert_str_eq(text_of(&t, "item", 2), "C, large");
    close_table(&t);
    expect_index("customers", "tx_offset", (int64_t[]){0, 2, 2, 4, 5, 5, 5}, 7);
}

Test(import, reimporting_transactions_keeps_customer_columns_and_label)
{
    crm_error err = {{0}};
    write_file("c.csv", "id,churn\n10,yes\n20,no\n");
    cr_assert_eq(import_cust("c.csv", "churn", NULL, NULL, &err), CRM_OK);
    write_file("tx.csv", SMALL_TX);
    cr_assert_eq(import_tx("tx.csv", "s.h5", NULL, NULL, &err), CRM_OK);
    cr_assert_eq(import_tx("tx.csv", "s.h5", "price", NULL, &err), CRM_OK);
    table_view c = open_table(at("s.h5"), "customers");
    cr_assert_eq(c.t->nrows, 3);
    cr_assert_eq(i32s(&c, "churn")[0], 1);
    cr_assert(crm_column_is_missing(col(&c, "churn"), 2));
    char *label = NULL;
    cr_assert_eq(
        crm_store_get_attr_text(c.s, "customers", "label", &label, &err),
        CRM_OK, "%s", err.msg);
    cr_assert_str_eq(label, "churn");
    free(label);
    close_table(&c);
    table_view t = open_table(at("s.h5"), "transactions");
    cr_assert_eq(t.t->nrows, 5); /* replaced, not appended */
    close_table(&t);
}

Test(import, fimi_baskets_keep_empty_lines_and_repeated_items)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    write_file("b.dat", "3 1 2 \n\n7 7\n5\n");
    const crm_import_basket_opts o = {
        .path = at("b.dat"), .out = at("s.h5"), .format = CRM_BASKETS_FIMI};
    cr_assert_eq(crm_import_baskets(&o, &rep, &err), CRM_OK, "%s", err.msg);
    cr_assert(rep.baskets == 4 && rep.items == 6 && rep.distinct_items == 5);
    table_view b = open_table(at("s.h5"), "baskets");
    const int64_t basket[] = {0, 0, 0, 2, 2, 3};
    const int32_t item[] = {3, 1, 2, 7, 7, 5};
    cr_assert_arr_eq(i64s(&b, "basket"), basket, sizeof basket);
    cr_assert_arr_eq(i32s(&b, "item"), item, sizeof item);
    int64_t n = 0;
    cr_assert_eq(crm_store_get_attr_i64(b.s, "baskets", "nbaskets", &n, &err),
                 CRM_OK);
    cr_assert_eq(n, 4);
    close_table(&b);
    expect_index("baskets", "item_offset", (int64_t[]){0, 3, 3, 5, 6}, 5);
}

Test(import, basket_lines_encode_item_names_and_keep_other_tables)
{
    crm_error err = {{0}};
    write_file("tx.csv", SMALL_TX);
    cr_assert_eq(import_tx("tx.csv", "s.h5", "price", NULL, &err), CRM_OK);
    write_file("g.csv", "whole milk,yogurt,\"rolls/buns\"\nsoda\n\n"
                        "yogurt, whole milk\n");
    const crm_import_basket_opts o = {.path = at("g.csv"), .out = at("s.h5"),
                                      .format = CRM_BASKETS_LINES,
                                      .delimiter = ','};
    crm_import_report rep = {0};
    cr_assert_eq(crm_import_baskets(&o, &rep, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(rep.baskets, 4);
    cr_assert_eq(rep.distinct_items, 4);
    table_view b = open_table(at("s.h5"), "baskets");
    const crm_column *item = col(&b, "item");
    const char *dict[] = {"rolls/buns", "soda", "whole milk", "yogurt"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(item->dict[i], dict[i]);
    cr_assert_str_eq(text_of(&b, "item", 5), "whole milk");
    close_table(&b);
    table_view t = open_table(at("s.h5"), "transactions");
    cr_assert_eq(t.t->nrows, 5);
    close_table(&t);
    expect_index("customers", "tx_offset", (int64_t[]){0, 2, 4, 5}, 4);
    /* and a transactions import keeps the baskets */
    cr_assert_eq(import_tx("tx.csv", "s.h5", NULL, NULL, &err), CRM_OK);
    table_view b2 = open_table(at("s.h5"), "baskets");
    cr_assert_eq(b2.t->nrows, 6);
    close_table(&b2);
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

static crm_status run_case(const bad_case *b, crm_error *err)
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
static void check_bad(const bad_case *b)
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
static void expect_bad(char kind, const char *text, crm_status want,
                       const char *frag, const char *frag2)
{
    check_bad(&(bad_case){
        .text = text, .kind = kind, .want = want, .frags = {frag, frag2}});
}

Test(import, rejects_duplicate_customer_ids_naming_line_and_column)
{
    expect_bad('c', "id,x\n7,1\n8,2\n 7 ,3\n", CRM_EDUP,
               "in.csv:4: column \"id\": duplicate customer id \"7\" "
               "(first on line 2)",
               NULL);
    expect_bad('c', "id,x\nA-7,1\n007,2\nA-7,3\n", CRM_EDUP,
               "in.csv:4: column \"id\": duplicate customer id \"A-7\" "
               "(first on line 2)",
               NULL);
}

Test(import, rejects_unparsable_numbers_naming_line_column_and_value)
{
    check_bad(&(bad_case){
        .text = "cust,when,amount\n1,2011-01-01,10\n2,2011-01-01,\"12,5x\"\n",
        .kind = 't', .amount = "amount", .want = CRM_EPARSE,
        .frags = {"in.csv:3: column \"amount\": expected a number, got "
                  "\"12,5x\""}});
}

Test(import, rejects_nan_and_infinite_amounts)
{
    const char *bad[] = {"NaN", "inf", "-Infinity", "1e999", "0x10"};
    for (size_t i = 0; i < 5; i++) {
        char text[200];
        snprintf(text, sizeof text,
                 "cust,when,amount\n1,2011-01-01,5\n2,2011-01-01,%s\n",
                 bad[i]);
        check_bad(&(bad_case){
            .text = text, .kind = 't', .amount = "amount", .want = CRM_EPARSE,
            .frags = {"in.csv:3: column \"amount\": expected a", bad[i]}});
    }
}

Test(import, rejects_unparsable_and_impossible_dates)
{
    const char *bad[] = {"2011-02-30", "yesterday", "2011-13-01 10:00"};
    for (size_t i = 0; i < 3; i++) {
        char text[200];
        snprintf(text, sizeof text, "cust,when\n1,2011-01-01\n1,%s\n", bad[i]);
        expect_bad('t', text, CRM_EPARSE,
                   "in.csv:3: column \"when\": expected a date/time", bad[i]);
    }
}

Test(import, rejects_ragged_rows_with_expected_and_actual_counts)
{
    expect_bad('t', "cust,when,qty\n1,2011-01-01,1\n2,2011-01-01\n",
               CRM_EPARSE,
               "in.csv:3: expected 3 fields (as in the header), got 2", NULL);
}

Test(import, rejects_malformed_quoting_with_its_line)
{
    expect_bad('c', "id,name\n1,ok\n2,\"bad\"x\n", CRM_EPARSE,
               "in.csv:3: malformed quoting", NULL);
}

Test(import, rejects_an_empty_file_as_having_no_header)
{
    expect_bad('c', "", CRM_EEMPTY, "in.csv: empty file", NULL);
}

Test(import, rejects_a_header_without_data_rows)
{
    expect_bad('t', "cust,when\r\n", CRM_EEMPTY,
               "in.csv: no data rows after the header", NULL);
    expect_bad('c', "id,x\n", CRM_EEMPTY,
               "in.csv: no data rows after the header", NULL);
}

Test(import, rejects_a_mapped_column_missing_from_the_header_listing_it)
{
    check_bad(&(bad_case){
        .text = "cust,when,Quantity\n1,2011-01-01,2\n", .kind = 't',
        .quantity = "qty", .want = CRM_ENOTFOUND,
        .frags = {"in.csv: column \"qty\" (--quantity) not found in the "
                  "header; the columns are \"cust\", \"when\", "
                  "\"Quantity\""}});
}

Test(import, rejects_amount_with_price_price_without_quantity_bad_format)
{
    const char *text = "cust,when,q,p,a\n1,2011-01-01,1,2,2\n";
    check_bad(&(bad_case){.text = text, .kind = 't', .quantity = "q",
                          .price = "p", .amount = "a", .want = CRM_EINVAL,
                          .frags = {"give --amount or --price, not both"}});
    check_bad(&(bad_case){.text = text, .kind = 't', .price = "p",
                          .want = CRM_EINVAL,
                          .frags = {"--price needs --quantity"}});
    check_bad(&(bad_case){.text = text, .kind = 't', .time_format = "%Y-%q",
                          .want = CRM_EINVAL, .frags = {"--time-format"}});
}

Test(import, rejects_label_values_that_are_not_binary)
{
    check_bad(&(bad_case){
        .text = "id,churn\n1,yes\n2,maybe\n", .kind = 'c', .label = "churn",
        .want = CRM_EPARSE,
        .frags = {"in.csv:3: column \"churn\": expected a label", "maybe"}});
}

Test(import, rejects_bad_fimi_item_ids)
{
    expect_bad('f', "1 2\n3 x4\n", CRM_EPARSE,
               "in.csv:2: column \"item 2\": expected an item id", "x4");
}

Test(import, all_rows_rejected_is_an_error_not_an_empty_table)
{
    expect_bad('t', "cust,when\n,2011-01-01\n\" \",2011-01-01\n", CRM_EEMPTY,
               "no rows to import: all 2 rows", NULL);
}

Test(import, a_failed_import_creates_no_store)
{
    crm_error err = {{0}};
    write_file("tx.csv", "cust,when\n1,never\n");
    const crm_import_tx_opts o = {.csv = at("tx.csv"), .out = at("new.h5"),
                                  .customer = "cust", .time = "when"};
    cr_assert_eq(crm_import_transactions(&o, NULL, &err), CRM_EPARSE);
    cr_assert(!exists(at("new.h5")));
    assert_no_temp_files();
}

Test(import, an_output_that_is_not_a_store_is_left_alone)
{
    crm_error err = {{0}};
    write_file("s.h5", "not hdf5\n");
    write_file("tx.csv", SMALL_TX);
    cr_assert_neq(import_tx("tx.csv", "s.h5", NULL, NULL, &err), CRM_OK);
    size_t n = 0;
    char *after = slurp(at("s.h5"), &n);
    cr_assert_eq(n, 9);
    cr_assert(memcmp(after, "not hdf5\n", 9) == 0);
    free(after);
}

Test(import, reimporting_the_same_file_gives_identical_bytes)
{
    crm_error err = {{0}};
    write_file("tx.csv", SMALL_TX);
    cr_assert_eq(import_tx("tx.csv", "a.h5", "price", NULL, &err), CRM_OK);
    cr_assert_eq(import_tx("tx.csv", "b.h5", "price", NULL, &err), CRM_OK);
    size_t na = 0, nb = 0;
    char *a = slurp(at("a.h5"), &na), *b = slurp(at("b.h5"), &nb);
    cr_assert_eq(na, nb);
    cr_assert(memcmp(a, b, na) == 0);
    free(a);
    free(b);
}

/* ---- line ends, ids, amounts, foreign objects, a full disk ---- */

Test(import, cr_only_baskets_keep_every_item)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    write_file("g.csv", "milk,bread\rbeer,chips,salsa\rapples,pears,plums");
    const crm_import_basket_opts o = {.path = at("g.csv"), .out = at("s.h5"),
                                      .format = CRM_BASKETS_LINES};
    cr_assert_eq(crm_import_baskets(&o, &rep, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(rep.baskets, 3);
    cr_assert_eq(rep.items, 8);
    table_view b = open_table(at("s.h5"), "baskets");
    const int64_t basket[] = {0, 0, 1, 1, 1, 2, 2, 2};
    cr_assert_arr_eq(i64s(&b, "basket"), basket, sizeof basket);
    cr_assert_str_eq(text_of(&b, "item", 5), "apples");
    cr_assert_str_eq(text_of(&b, "item", 7), "plums");
    close_table(&b);
    expect_index("baskets", "item_offset", (int64_t[]){0, 2, 5, 8}, 4);
}

Test(import, cr_only_transactions_are_read_and_numbered_by_line)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    write_file("tx.csv", "cust,when,amount\r1,2011-01-01,5\r2,2011-01-02,7\r"
                         "1,2011-01-03,1.5");
    const crm_import_tx_opts o = {.csv = at("tx.csv"), .out = at("s.h5"),
                                  .customer = "cust", .time = "when",
                                  .amount = "amount"};
    cr_assert_eq(crm_import_transactions(&o, &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert(rep.rows_read == 3 && rep.transactions == 3);
    table_view t = open_table(at("s.h5"), "transactions");
    const double amount[] = {5, 1.5, 7};
    cr_assert_arr_eq(f64s(&t, "amount"), amount, sizeof amount);
    close_table(&t);
    check_bad(&(bad_case){
        .text = "cust,when,amount\r1,2011-01-01,5\r2,2011-01-02,x\r",
        .kind = 't', .amount = "amount", .want = CRM_EPARSE,
        .frags = {"in.csv:3: column \"amount\": expected a number"}});
}

/* A fresh s.h5 from transactions text with columns cust, when (and order). */
static void import_fresh(const char *text, int with_order,
                         crm_import_report *rep)
{
    crm_error err = {{0}};
    remove(at("s.h5"));
    write_file("tx.csv", text);
    const crm_import_tx_opts o = {.csv = at("tx.csv"), .out = at("s.h5"),
                                  .customer = "cust", .time = "when",
                                  .order = with_order ? "order" : NULL};
    cr_assert_eq(crm_import_transactions(&o, rep, &err), CRM_OK, "%s",
                 err.msg);
}

Test(import, ids_with_leading_zeros_stay_text_and_distinct)
{
    crm_import_report rep = {0};
    import_fresh("cust,when,order\n"
                 "00123,2011-01-01,007\n"
                 "123,2011-01-02,7\n"
                 "0042,2011-01-03,8\n",
                 1, &rep);
    cr_assert_eq(rep.customers, 3); /* "00123" and "123" are two */
    table_view c = open_table(at("s.h5"), "customers");
    cr_assert(col(&c, "customer_id")->dict_by_row);
    cr_assert_str_eq(text_of(&c, "customer_id", 0), "00123"); /* bytewise */
    cr_assert_str_eq(text_of(&c, "customer_id", 1), "0042");
    cr_assert_str_eq(text_of(&c, "customer_id", 2), "123");
    close_table(&c);
    table_view t = open_table(at("s.h5"), "transactions");
    cr_assert_str_eq(text_of(&t, "order_id", 0), "007");
    cr_assert_str_eq(text_of(&t, "order_id", 1), "8");
    cr_assert_str_eq(text_of(&t, "order_id", 2), "7");
    close_table(&t);
    /* '+' and "-0" are not canonical either; "-5" and "0" are */
    import_fresh("cust,when\n+5,2011-01-01\n-0,2011-01-01\n", 0, NULL);
    c = open_table(at("s.h5"), "customers");
    cr_assert(col(&c, "customer_id")->dict_by_row);
    cr_assert_str_eq(text_of(&c, "customer_id", 0), "+5");
    close_table(&c);
    import_fresh("cust,when\n-5,2011-01-01\n0,2011-01-01\n", 0, NULL);
    c = open_table(at("s.h5"), "customers");
    cr_assert_arr_eq(i64s(&c, "customer_id"), ((int64_t[]){-5, 0}), 16);
    cr_assert_null(col(&c, "customer_id")->dict);
    close_table(&c);
}

Test(import, empty_amounts_are_rejected_and_counted_as_missing_amount)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    cr_assert_str_eq(crm_import_reason_text(CRM_REJECT_NO_AMOUNT),
                     "missing amount");
    write_file("tx.csv", "cust,when,amount\n1,2011-01-01,5\n2,2011-01-02,\n"
                         "3,2011-01-03,\" \"\n,2011-01-04,\n4,2011-01-05,2\n");
    crm_import_tx_opts o = {.csv = at("tx.csv"), .out = at("s.h5"),
                            .customer = "cust", .time = "when",
                            .amount = "amount"};
    cr_assert_eq(crm_import_transactions(&o, &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert(rep.rows_read == 5 && rep.rows_imported == 2);
    cr_assert_eq(rep.rows_rejected, 3);
    cr_assert_eq(rep.rejected[CRM_REJECT_NO_AMOUNT], 2);
    cr_assert_eq(rep.rejected[CRM_REJECT_NO_CUSTOMER], 1);
    /* amount = quantity x price: an empty quantity or price is no amount */
    write_file("tx.csv", "cust,when,qty,price\n1,2011-01-01,2,1.5\n"
                         "2,2011-01-02,,3\n3,2011-01-03,1,\n4,,1,1\n");
    o = (crm_import_tx_opts){.csv = at("tx.csv"), .out = at("s.h5"),
                             .customer = "cust", .time = "when",
                             .quantity = "qty", .price = "price"};
    cr_assert_eq(crm_import_transactions(&o, &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert(rep.rows_imported == 1 && rep.rows_rejected == 3);
    cr_assert_eq(rep.rejected[CRM_REJECT_NO_AMOUNT], 2);
    cr_assert_eq(rep.rejected[CRM_REJECT_NO_TIME], 1);
    table_view t = open_table(at("s.h5"), "transactions");
    cr_assert_eq(f64s(&t, "amount")[0], 3.0);
    close_table(&t);
    /* a quantity alone is not an amount: empty stays missing (NaN) */
    write_file("tx.csv", "cust,when,qty\n1,2011-01-01,\n");
    o = (crm_import_tx_opts){.csv = at("tx.csv"), .out = at("s.h5"),
                             .customer = "cust", .time = "when",
                             .quantity = "qty"};
    cr_assert_eq(crm_import_transactions(&o, &rep, &err), CRM_OK, "%s",
                 err.msg);
    t = open_table(at("s.h5"), "transactions");
    cr_assert(isnan(f64s(&t, "quantity")[0]));
    close_table(&t);
}

Test(import, all_rows_without_an_amount_is_an_error)
{
    check_bad(&(bad_case){.text = "cust,when,a\n1,2011-01-01,\n",
                          .kind = 't', .amount = "a", .want = CRM_EEMPTY,
                          .frags = {"no rows to import: all 1 rows lack",
                                    "an amount"}});
}

/* Adds the group /precious (or a dataset /data when as_dataset) to the
 * HDF5 file at path, created when absent. */
static void add_foreign(const char *path, int as_dataset)
{
    hid_t f = exists(path) ? H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT)
                           : H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT,
                                       H5P_DEFAULT);
    cr_assert_geq(f, 0);
    if (as_dataset) {
        const hsize_t n = 3;
        const int v[3] = {1, 2, 3};
        hid_t sp = H5Screate_simple(1, &n, NULL);
        hid_t d = H5Dcreate2(f, "data", H5T_NATIVE_INT, sp, H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT);
        cr_assert_geq(d, 0);
        cr_assert_geq(
            H5Dwrite(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0);
        H5Dclose(d);
        H5Sclose(sp);
    } else {
        hid_t g =
            H5Gcreate2(f, "precious", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        cr_assert_geq(g, 0);
        H5Gclose(g);
    }
    cr_assert_geq(H5Fclose(f), 0);
}

Test(import, a_file_holding_other_objects_is_refused_not_emptied)
{
    crm_error err = {{0}};
    write_file("seed.csv", SMALL_TX);
    cr_assert_eq(import_tx("seed.csv", "s.h5", "price", NULL, &err), CRM_OK);
    add_foreign(at("s.h5"), 0);
    size_t n = 0, m = 0;
    char *before = slurp(at("s.h5"), &n);
    cr_assert_eq(import_tx("seed.csv", "s.h5", "price", NULL, &err),
                 CRM_EFORMAT);
    cr_assert(strstr(err.msg, "s.h5 holds /precious, which is not a crmine "
                              "table; import into a new file") != NULL,
              "%s", err.msg);
    char *after = slurp(at("s.h5"), &m);
    cr_assert(m == n && memcmp(before, after, n) == 0, "the file changed");
    free(after);
    free(before);
    assert_no_temp_files();
    /* a plain HDF5 file with a dataset and no tables */
    crm_error_clear(&err);
    add_foreign(at("plain.h5"), 1);
    const crm_import_basket_opts o = {.path = at("seed.csv"),
                                      .out = at("plain.h5"),
                                      .format = CRM_BASKETS_LINES};
    cr_assert_eq(crm_import_baskets(&o, NULL, &err), CRM_EFORMAT);
    cr_assert(strstr(err.msg, "plain.h5 holds /data") != NULL, "%s", err.msg);
}

/* The file size limit makes writes past it fail (EFBIG), as a full disk
 * would (ENOSPC): HDF5 fails while writing chunks or at the close. HDF5
 * 1.10.8 crashes in its exit-time shutdown after a failed flush, so the
 * test skips that shutdown (H5dont_atexit, before any other HDF5 call). */
Test(import, a_full_disk_fails_the_import_and_leaves_the_store)
{
    H5dont_atexit();
    crm_error err = {{0}};
    write_file("seed.csv", SMALL_TX);
    cr_assert_eq(import_tx("seed.csv", "s.h5", "price", NULL, &err), CRM_OK);
    FILE *f = fopen(at("big.csv"), "wb");
    cr_assert_not_null(f);
    fputs("order,cust,when,item,qty,price\n", f);
    for (int i = 0; i < 8000; i++)
        fprintf(f, "%d,%d,2011-%02d-%02d,I%d,%d,%d.%02d\n", i,
                (i * 7919) % 3001, 1 + i % 12, 1 + i % 28, i % 97, 1 + i % 5,
                i % 50, i % 100);
    fclose(f);
    size_t n = 0, m = 0;
    char *before = slurp(at("s.h5"), &n);
    struct rlimit saved, lim;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, SIG_IGN);
    lim = saved;
    lim.rlim_cur = 40 * 1024;
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    const crm_status rc = import_tx("big.csv", "s.h5", "price", NULL, &err);
    crm_error err2 = {{0}};
    const crm_status rc2 = import_tx("big.csv", "new.h5", "price", NULL, &err2);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
    cr_assert_eq(rc, CRM_EHDF5, "status %d: %s", rc, err.msg);
    cr_assert_eq(rc2, CRM_EHDF5, "status %d: %s", rc2, err2.msg);
    char *after = slurp(at("s.h5"), &m);
    cr_assert(m == n && memcmp(before, after, n) == 0, "the store changed");
    free(after);
    free(before);
    cr_assert(!exists(at("new.h5")));
    assert_no_temp_files();
}

/* ---- the public datasets (../shared/data) ---- */

static const char *data_file(const char *rel)
{
    static char path[512];
    const char *d = getenv("CRM_DATA_DIR");
    if (d == NULL)
        cr_skip_test("CRM_DATA_DIR is not set");
    snprintf(path, sizeof path, "%s/%s", d, rel);
    if (!exists(path))
        cr_skip_test("%s is absent", path);
    return path;
}

Test(import, cdnow_master_has_69659_rows_and_23570_customers)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    const crm_import_tx_opts o = {.csv = data_file("cdnow/CDNOW_master.txt"),
                                  .out = at("s.h5"), .customer = "customer_id",
                                  .time = "date", .quantity = "number_of_cds",
                                  .amount = "dollar_value", .delimiter = ' '};
    cr_assert_eq(crm_import_transactions(&o, &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert_eq(rep.rows_read, 69659);
    cr_assert_eq(rep.rows_rejected, 0);
    cr_assert_eq(rep.customers, 23570);
    table_view t = open_table(at("s.h5"), "transactions");
    const int64_t *tm = i64s(&t, "time");
    const double *q = f64s(&t, "quantity");
    double cds = 0;
    int64_t lo = tm[0], hi = tm[0];
    for (size_t i = 0; i < t.t->nrows; i++) {
        cds += q[i];
        lo = tm[i] < lo ? tm[i] : lo;
        hi = tm[i] > hi ? tm[i] : hi;
    }
    cr_assert_eq(cds, 167881.0);
    cr_assert_eq(lo, 852076800); /* 1997-01-01 */
    cr_assert_eq(hi, 899164800); /* 1998-06-30 */
    close_table(&t);
}

Test(import, online_retail_reads_541909_rows_and_rejects_135080)
{
    const char *gz = data_file("online_retail/online_retail.csv.gz");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "gzip -dc '%s' > '%s'", gz, at("or.csv"));
    cr_assert_eq(system(cmd), 0);
    crm_import_report rep = {0};
    crm_error err = {{0}};
    const crm_import_tx_opts o = {.csv = at("or.csv"), .out = at("s.h5"),
                                  .customer = "CustomerID",
                                  .time = "InvoiceDate", .order = "InvoiceNo",
                                  .item = "StockCode", .quantity = "Quantity",
                                  .price = "UnitPrice"};
    cr_assert_eq(crm_import_transactions(&o, &rep, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert_eq(rep.rows_read, 541909);
    cr_assert_eq(rep.rows_rejected, 135080);
    cr_assert_eq(rep.rejected[CRM_REJECT_NO_CUSTOMER], 135080);
    cr_assert_eq(rep.customers, 4372);
    cr_assert_eq(rep.transactions, 541909 - 135080);
    table_view t = open_table(at("s.h5"), "transactions");
    int64_t cancels = 0; /* cancellations (invoice C...) are kept */
    for (size_t i = 0; i < t.t->nrows; i++)
        cancels += text_of(&t, "order_id", i)[0] == 'C';
    cr_assert_gt(cancels, 0);
    close_table(&t);
}

Test(import, telco_customers_keep_7043_rows_and_11_blank_total_charges)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    const crm_import_cust_opts o = {
        .csv =
            data_file("telco_churn_ibm/WA_Fn-UseC_-Telco-Customer-Churn.csv"),
        .out = at("s.h5"),
        .customer = "customerID",
        .label = "Churn"};
    cr_assert_eq(crm_import_customers(&o, &rep, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(rep.customers, 7043);
    table_view c = open_table(at("s.h5"), "customers");
    int64_t blank = 0, churn = 0;
    for (size_t i = 0; i < c.t->nrows; i++) {
        blank += isnan(f64s(&c, "TotalCharges")[i]);
        churn += i32s(&c, "Churn")[i];
    }
    cr_assert_eq(blank, 11);
    cr_assert_eq(churn, 1869);
    cr_assert_eq(col(&c, "tenure")->type, CRM_TYPE_INT32);
    cr_assert_str_eq(text_of(&c, "customer_id", 0), "0002-ORFBO");
    close_table(&c);
}

Test(import, groceries_and_fimi_retail_match_their_published_counts)
{
    crm_import_report rep = {0};
    crm_error err = {{0}};
    crm_import_basket_opts o = {.path = data_file("groceries/groceries.csv"),
                                .out = at("s.h5"), .format = CRM_BASKETS_LINES};
    cr_assert_eq(crm_import_baskets(&o, &rep, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(rep.baskets, 9835);
    cr_assert_eq(rep.distinct_items, 169);
    cr_assert_eq(rep.items, 43367); /* mean 4.409 */
    o.path = data_file("fimi_retail/retail.dat");
    o.format = CRM_BASKETS_FIMI;
    o.out = at("r.h5");
    cr_assert_eq(crm_import_baskets(&o, &rep, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(rep.baskets, 88162);
    cr_assert_eq(rep.distinct_items, 16470);
    cr_assert_eq(rep.items, 908576);
}
