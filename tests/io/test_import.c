/* tests/io/test_import.c — the three imports end to end: CSV fixtures
 * written into a fresh temporary folder, imported, and read back through the
 * store API; bad input must name file, line and column and leave the store
 * byte for byte as it was. With CRM_DATA_DIR set, the public datasets are
 * imported and checked against the facts in ../shared/data/SOURCES.md. */
#define _POSIX_C_SOURCE 200809L
#include "import_fixture.h"

TestSuite(import, .init = make_dir, .fini = remove_dir, .timeout = 120);

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
