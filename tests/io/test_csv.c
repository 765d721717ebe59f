/* tests/io/test_csv.c — the RFC 4180 reader: quoting, line ends, line
 * numbers, whitespace mode, and the errors that name file and line. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csv.h"

static char dir[64];
static char path[128];

static void make_dir(void)
{
    strcpy(dir, "/tmp/crm_csv_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/in.csv", dir);
}

static void remove_dir(void)
{
    unlink(path);
    rmdir(dir);
}

TestSuite(csv, .init = make_dir, .fini = remove_dir);

static void write_bytes(const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

static void write_text(const char *text)
{
    write_bytes(text, strlen(text));
}

static crm_csv *open_with(char delim, int keep_empty, int ragged_ok)
{
    crm_csv *r = NULL;
    crm_error err = {{0}};
    const crm_csv_opts o = {
        .delimiter = delim, .keep_empty = keep_empty, .ragged_ok = ragged_ok};
    cr_assert_eq(crm_csv_open(path, &o, &r, &err), CRM_OK, "%s", err.msg);
    return r;
}

static void expect_record(crm_csv *r, int64_t line, size_t n,
                          const char *const *fields)
{
    crm_error err = {{0}};
    int got = 0;
    cr_assert_eq(crm_csv_next(r, &got, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(got, 1);
    cr_assert_eq(crm_csv_nfields(r), n);
    cr_assert_eq(crm_csv_line(r), line);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *f = crm_csv_field(r, i, &len);
        cr_assert_eq(len, strlen(fields[i]));
        cr_assert_str_eq(f, fields[i]);
    }
}

static void expect_end(crm_csv *r)
{
    crm_error err = {{0}};
    int got = 1;
    cr_assert_eq(crm_csv_next(r, &got, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(got, 0);
}

static crm_status next_status(crm_csv *r, crm_error *err)
{
    int got = 0;
    crm_status rc = CRM_OK;
    while ((rc = crm_csv_next(r, &got, err)) == CRM_OK && got)
        ;
    return rc;
}

Test(csv, header_and_records_keep_fields_exactly)
{
    write_text("a,b,c\n1, two ,\n\"x\",\"\",3\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    cr_assert_eq(crm_csv_header_count(r), 3);
    cr_assert_str_eq(crm_csv_header_name(r, 2), "c");
    cr_assert_null(crm_csv_header_name(r, 3));
    expect_record(r, 2, 3, (const char *[]){"1", " two ", ""});
    expect_record(r, 3, 3, (const char *[]){"x", "", "3"});
    expect_end(r);
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, quoted_fields_hold_delimiters_quotes_and_newlines)
{
    write_text("id,text\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n"
               "3,\"line one\nline two\r\nline three\"\n4,end\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    expect_record(r, 2, 2, (const char *[]){"1", "a,b"});
    expect_record(r, 3, 2, (const char *[]){"2", "say \"hi\""});
    expect_record(r, 4, 2,
                  (const char *[]){"3", "line one\nline two\r\nline three"});
    expect_record(r, 7, 2, (const char *[]){"4", "end"});
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, crlf_lines_and_a_missing_final_newline_are_read)
{
    write_text("a,b\r\n1,2\r\n\"q\r\n\",4\r\n5,6");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    expect_record(r, 2, 2, (const char *[]){"1", "2"});
    expect_record(r, 3, 2, (const char *[]){"q\r\n", "4"});
    expect_record(r, 5, 2, (const char *[]){"5", "6"});
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, utf8_bom_is_skipped_and_text_bytes_are_kept)
{
    write_text("\xEF\xBB\xBFname,city\n\xE5\xBC\xA0\xE4\xB8\x89,"
               "Espa\xC3\xB1"
               "a\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    cr_assert_str_eq(crm_csv_header_name(r, 0), "name");
    expect_record(r, 2, 2, (const char *[]){"张三", "España"});
    crm_csv_close(r);
}

Test(csv, blank_lines_are_skipped_but_counted)
{
    write_text("a\n\n1\n\r\n2\n\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    expect_record(r, 3, 1, (const char *[]){"1"});
    expect_record(r, 5, 1, (const char *[]){"2"});
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, keep_empty_turns_blank_lines_into_empty_records)
{
    write_text("x;y\n\nz\n");
    crm_csv *r = open_with(';', 1, 1);
    expect_record(r, 1, 2, (const char *[]){"x", "y"});
    expect_record(r, 2, 0, NULL);
    expect_record(r, 3, 1, (const char *[]){"z"});
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, semicolon_delimiter_leaves_commas_in_fields)
{
    write_text("a;b\n1,5;\"x;y\"\n");
    crm_csv *r = open_with(';', 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    expect_record(r, 2, 2, (const char *[]){"1,5", "x;y"});
    crm_csv_close(r);
}

Test(csv, whitespace_mode_splits_on_runs_of_blanks)
{
    write_text("customer_id date number_of_cds dollar_value\r\n"
               "    00001 19970101  1  11.77\r\n"
               "\t00002\t\t19970112 1 12.00   \r\n"
               "   \r\n"
               "00003 \"two words\" \"tab\there\" 1\r\n");
    crm_csv *r = open_with(' ', 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    cr_assert_eq(crm_csv_header_count(r), 4);
    cr_assert_str_eq(crm_csv_header_name(r, 3), "dollar_value");
    expect_record(r, 2, 4, (const char *[]){"00001", "19970101", "1", "11.77"});
    expect_record(r, 3, 4, (const char *[]){"00002", "19970112", "1", "12.00"});
    expect_record(r, 5, 4,
                  (const char *[]){"00003", "two words", "tab\there", "1"});
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, whitespace_mode_keeps_empty_lines_as_empty_baskets)
{
    write_text("1 2 3 \n\n4\n");
    crm_csv *r = open_with(' ', 1, 1);
    expect_record(r, 1, 3, (const char *[]){"1", "2", "3"});
    expect_record(r, 2, 0, NULL);
    expect_record(r, 3, 1, (const char *[]){"4"});
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, ragged_row_names_file_line_and_counts)
{
    write_text("a,b,c\n1,2,3\n\"x\ny\",2,3\n1,2\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    cr_assert_eq(next_status(r, &err), CRM_EPARSE);
    char want[256];
    snprintf(want, sizeof want,
             "%s:5: expected 3 fields (as in the header), "
             "got 2",
             path);
    cr_assert_str_eq(err.msg, want);
    crm_csv_close(r);
}

Test(csv, ragged_ok_accepts_any_field_count)
{
    write_text("a,b,c\n1\n1,2,3,4\n");
    crm_csv *r = open_with(0, 0, 1);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    expect_record(r, 2, 1, (const char *[]){"1"});
    expect_record(r, 3, 4, (const char *[]){"1", "2", "3", "4"});
    crm_csv_close(r);
}

Test(csv, quote_inside_unquoted_field_is_malformed_at_its_line)
{
    write_text("a,b\n1,2\n3,ab\"c\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    cr_assert_eq(next_status(r, &err), CRM_EPARSE);
    cr_assert(strstr(err.msg, ":3: malformed quoting") != NULL, "%s", err.msg);
    crm_csv_close(r);
}

Test(csv, text_after_closing_quote_is_malformed)
{
    write_text("a,b\n\"x\"y,2\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    cr_assert_eq(next_status(r, &err), CRM_EPARSE);
    cr_assert(strstr(err.msg, ":2: malformed quoting") != NULL, "%s", err.msg);
    crm_csv_close(r);
}

Test(csv, unclosed_quote_names_the_line_where_it_opened)
{
    write_text("a,b\n1,2\n3,\"open\n4,5\n6,7\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    cr_assert_eq(next_status(r, &err), CRM_EPARSE);
    cr_assert(strstr(err.msg, ":3: quoted field not closed") != NULL, "%s",
              err.msg);
    crm_csv_close(r);
}

Test(csv, empty_file_has_no_header)
{
    write_text("");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_EEMPTY);
    cr_assert(strstr(err.msg, "empty file") != NULL, "%s", err.msg);
    crm_csv_close(r);
}

Test(csv, header_only_file_ends_at_once)
{
    write_text("a,b\n");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, long_fields_and_many_records_stream_through)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    static char big[701];
    for (int i = 0; i < 700; i++)
        big[i] = i % 50 == 7 ? ',' : 'x';
    fputs("k,v\n", f);
    for (int i = 0; i < 20000; i++)
        fprintf(f, "%d,\"%.*s\"\n", i, 1 + i % 700, big);
    fclose(f);
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK);
    for (int i = 0; i < 20000; i++) {
        int got = 0;
        cr_assert_eq(crm_csv_next(r, &got, &err), CRM_OK);
        cr_assert_eq(got, 1);
        size_t len = 0;
        crm_csv_field(r, 1, &len);
        cr_assert_eq(len, (size_t)(1 + i % 700));
        cr_assert_eq(atoi(crm_csv_field(r, 0, NULL)), i);
        cr_assert_eq(crm_csv_line(r), i + 2);
    }
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, cr_only_line_ends_keep_every_field_and_count_as_lines)
{
    write_text("milk,bread\rbeer,chips,salsa\rapples,pears,plums");
    crm_csv *r = open_with(0, 1, 1);
    expect_record(r, 1, 2, (const char *[]){"milk", "bread"});
    expect_record(r, 2, 3, (const char *[]){"beer", "chips", "salsa"});
    expect_record(r, 3, 3, (const char *[]){"apples", "pears", "plums"});
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, cr_only_file_with_header_quotes_and_blank_lines)
{
    write_text("id,text\r1,\"a\rb\"\r\r2,\"x,y\"\r3,z\r");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK, "%s", err.msg);
    expect_record(r, 2, 2, (const char *[]){"1", "a\rb"});
    expect_record(r, 5, 2, (const char *[]){"2", "x,y"});
    expect_record(r, 6, 2, (const char *[]){"3", "z"});
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, cr_only_error_names_the_line_of_the_record)
{
    write_text("a,b\r1,2\r3\r");
    crm_csv *r = open_with(0, 0, 0);
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_read_header(r, &err), CRM_OK, "%s", err.msg);
    expect_record(r, 2, 2, (const char *[]){"1", "2"});
    cr_assert_eq(next_status(r, &err), CRM_EPARSE);
    cr_assert(strstr(err.msg, "in.csv:3: expected 2 fields") != NULL, "%s",
              err.msg);
    crm_csv_close(r);
}

/* A chunk that completes records and leaves a long one open: the open
 * record's fields (far more than the first batch holds) survive the
 * refill that hands out the completed ones. */
Test(csv, a_record_longer_than_the_refill_batch_keeps_every_field)
{
    enum { NFIELDS = 5000 };
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("x,y\rshort\r", f);
    for (int i = 0; i < NFIELDS; i++)
        fprintf(f, "%sitem%d", i ? "," : "", i);
    fputs("\rlast\nafter,\"a\nb\"\r\"open\n", f);
    for (int i = 0; i < NFIELDS; i++)
        fprintf(f, "part%d\n", i);
    fputs("\",end", f);
    fclose(f);
    crm_csv *r = open_with(0, 0, 1);
    expect_record(r, 1, 2, (const char *[]){"x", "y"});
    expect_record(r, 2, 1, (const char *[]){"short"});
    crm_error err = {{0}};
    int got = 0;
    cr_assert_eq(crm_csv_next(r, &got, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(got, 1);
    cr_assert_eq(crm_csv_line(r), 3);
    cr_assert_eq(crm_csv_nfields(r), (size_t)NFIELDS);
    for (int i = 0; i < NFIELDS; i++) {
        char want[32];
        snprintf(want, sizeof want, "item%d", i);
        cr_assert_str_eq(crm_csv_field(r, (size_t)i, NULL), want);
    }
    expect_record(r, 4, 1, (const char *[]){"last"});
    expect_record(r, 5, 2, (const char *[]){"after", "a\nb"});
    cr_assert_eq(crm_csv_next(r, &got, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(got, 1);
    cr_assert_eq(crm_csv_line(r), 7);
    cr_assert_eq(crm_csv_nfields(r), (size_t)2);
    size_t len = 0;
    const char *open = crm_csv_field(r, 0, &len);
    cr_assert(strncmp(open, "open\npart0\npart1\n", 17) == 0);
    cr_assert_str_eq(crm_csv_field(r, 1, NULL), "end");
    expect_end(r);
    crm_csv_close(r);
}

Test(csv, missing_file_and_bad_delimiter_are_reported)
{
    crm_csv *r = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_csv_open("/nonexistent/x.csv", NULL, &r, &err),
                 CRM_ENOTFOUND);
    cr_assert(strstr(err.msg, "/nonexistent/x.csv") != NULL);
    cr_assert_null(r);
    crm_error_clear(&err);
    const crm_csv_opts o = {.delimiter = '"'};
    write_text("a\n");
    cr_assert_eq(crm_csv_open(path, &o, &r, &err), CRM_EINVAL);
    cr_assert_null(r);
    crm_csv_close(NULL);
}
