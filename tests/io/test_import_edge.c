/* tests/io/test_import_edge.c — imports at the edges: ids with leading
 * zeros, missing amounts, files holding other objects, a full disk, and
 * (with CRM_DATA_DIR) the public datasets against ../shared/data/SOURCES.md.
 * Shares tests/io/import_fixture.h with test_import.c. */
#define _POSIX_C_SOURCE 200809L
#include "import_fixture.h"

TestSuite(import_edge, .init = make_dir, .fini = remove_dir, .timeout = 120);

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

Test(import_edge, ids_with_leading_zeros_stay_text_and_distinct)
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

Test(import_edge, empty_amounts_are_rejected_and_counted_as_missing_amount)
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

Test(import_edge, all_rows_without_an_amount_is_an_error)
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

Test(import_edge, a_file_holding_other_objects_is_refused_not_emptied)
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
Test(import_edge, a_full_disk_fails_the_import_and_leaves_the_store)
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

Test(import_edge, cdnow_master_has_69659_rows_and_23570_customers)
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

Test(import_edge, online_retail_reads_541909_rows_and_rejects_135080)
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

Test(import_edge, telco_customers_keep_7043_rows_and_11_blank_total_charges)
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

Test(import_edge, groceries_and_fimi_retail_match_their_published_counts)
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
