/* engine/cmd_import.c — `crmine import transactions|customers|baskets`.
 *
 * Parses the command line into io/import.h option structs, runs the import
 * (serial; no MPI), and prints the report on stdout or the one-line error on
 * stderr. Exit status: 0 success, 1 bad input or failure (the store is left
 * as it was), 2 bad usage. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "engine/commands.h"
#include "io/import.h"

const char *crm_cmd_import_usage(void)
{
    return "usage: crmine import transactions --csv FILE --out STORE.h5\n"
           "           --customer COL --time COL [--order COL] [--item COL]\n"
           "           [--quantity COL] [--amount COL | --price COL]\n"
           "           [--delimiter C] [--time-format FMT]\n"
           "       crmine import customers --csv FILE --out STORE.h5\n"
           "           --customer COL [--label COL] [--categorical COL,...]\n"
           "           [--delimiter C]\n"
           "       crmine import baskets --fimi FILE --out STORE.h5\n"
           "       crmine import baskets --lines FILE [--delimiter C] "
           "--out STORE.h5\n"
           "Adds a table to STORE.h5 (created when absent; other tables are\n"
           "kept). COL names a header column. --delimiter takes one "
           "character,\n"
           "or 'tab'; ' ' (or 'space') means runs of blanks. Dates: ISO 8601,\n"
           "YYYYMMDD, M/D/YYYY [H:MM[:SS]], or --time-format with %Y %m %d\n"
           "%H %M %S. With --price, amount = quantity x price. Rows without a\n"
           "customer id, or without an amount (quantity and price with\n"
           "--price), are counted as rejected; bad values stop the import\n"
           "and leave the store unchanged.\n";
}

enum opt_id {
    O_CSV = 1,
    O_OUT,
    O_CUSTOMER,
    O_TIME,
    O_ORDER,
    O_ITEM,
    O_QUANTITY,
    O_AMOUNT,
    O_PRICE,
    O_DELIM,
    O_TIME_FORMAT,
    O_LABEL,
    O_CATEGORICAL,
    O_FIMI,
    O_LINES,
    O_HELP,
    O_COUNT
};

typedef struct args {
    const char *v[O_COUNT]; /* option values by opt_id, NULL when absent */
    char delimiter;
} args;

static const struct option long_opts[] = {
    {"csv", required_argument, NULL, O_CSV},
    {"out", required_argument, NULL, O_OUT},
    {"customer", required_argument, NULL, O_CUSTOMER},
    {"time", required_argument, NULL, O_TIME},
    {"order", required_argument, NULL, O_ORDER},
    {"item", required_argument, NULL, O_ITEM},
    {"quantity", required_argument, NULL, O_QUANTITY},
    {"amount", required_argument, NULL, O_AMOUNT},
    {"price", required_argument, NULL, O_PRICE},
    {"delimiter", required_argument, NULL, O_DELIM},
    {"time-format", required_argument, NULL, O_TIME_FORMAT},
    {"label", required_argument, NULL, O_LABEL},
    {"categorical", required_argument, NULL, O_CATEGORICAL},
    {"fimi", required_argument, NULL, O_FIMI},
    {"lines", required_argument, NULL, O_LINES},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

static const char *opt_name(int id)
{
    for (size_t i = 0; long_opts[i].name != NULL; i++)
        if (long_opts[i].val == id)
            return long_opts[i].name;
    return "?";
}

static int usage_error(const char *kind, const char *msg, const char *what)
{
    fprintf(stderr, "crmine import%s%s: %s%s\n", kind ? " " : "",
            kind ? kind : "", msg, what ? what : "");
    fputs(crm_cmd_import_usage(), stderr);
    return 2;
}

/* ',' ';' ... as given; "tab" or "\t" for a tab; "space" or " " for runs of
 * blanks. 0 when the text names no single character. */
static char parse_delimiter(const char *s)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
        return '\t';
    if (strcmp(s, "space") == 0)
        return ' ';
    return strlen(s) == 1 ? s[0] : 0;
}

static int parse_args(int argc, char **argv, args *a)
{
    int c;
    memset(a, 0, sizeof *a);
    optind = 0; /* glibc: full reset, so the command can run twice */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
        if (c == '?' || c == ':')
            return usage_error(
                argv[0], "unknown option or missing value: ", argv[optind - 1]);
        if (c == O_HELP) {
            fputs(crm_cmd_import_usage(), stdout);
            return 1;
        }
        a->v[c] = optarg;
    }
    if (optind < argc)
        return usage_error(argv[0], "unexpected argument: ", argv[optind]);
    if (a->v[O_DELIM] != NULL &&
        (a->delimiter = parse_delimiter(a->v[O_DELIM])) == 0)
        return usage_error(argv[0], "--delimiter takes one character, not ",
                           a->v[O_DELIM]);
    return 0;
}

/* Options the kind does not take are usage errors, not silently ignored. */
static int check_allowed(const char *kind, const args *a, const int *allowed,
                         size_t nallowed)
{
    for (int id = O_CSV; id < O_HELP; id++) {
        int ok = 0;
        for (size_t i = 0; i < nallowed; i++)
            ok |= allowed[i] == id;
        if (a->v[id] != NULL && !ok)
            return usage_error(kind, "this import does not take --",
                               opt_name(id));
    }
    return 0;
}

static int require(const char *kind, const args *a, int id)
{
    if (a->v[id] != NULL)
        return 0;
    return usage_error(kind, "missing --", opt_name(id));
}

static void print_rejects(const crm_import_report *r)
{
    printf("rows read:      %lld\n", (long long)r->rows_read);
    printf("rows imported:  %lld\n", (long long)r->rows_imported);
    printf("rows rejected:  %lld\n", (long long)r->rows_rejected);
    for (int i = 0; i < CRM_REJECT_COUNT; i++)
        if (r->rejected[i] > 0)
            printf("  %s: %lld\n", crm_import_reason_text((crm_import_reason)i),
                   (long long)r->rejected[i]);
}

static int finish(const char *kind, crm_status rc, const crm_error *err,
                  const crm_import_report *r, const char *out)
{
    if (rc != CRM_OK) {
        fprintf(stderr, "crmine import %s: %s\n", kind,
                err->msg[0] ? err->msg : crm_strerror(rc));
        return 1;
    }
    if (strcmp(kind, "baskets") == 0) {
        printf("baskets:        %lld\n", (long long)r->baskets);
        printf("items:          %lld\n", (long long)r->items);
        printf("distinct items: %lld\n", (long long)r->distinct_items);
    } else {
        print_rejects(r);
        const int tx = strcmp(kind, "transactions") == 0;
        printf("customers:      %lld (%lld %s)\n", (long long)r->customers,
               (long long)r->customers_new,
               tx ? "new" : "only in transactions");
        if (tx)
            printf("transactions:   %lld\n", (long long)r->transactions);
        else
            printf("columns:        %lld besides the customer id\n",
                   (long long)r->columns);
    }
    printf("output:         %s\n", out);
    return 0;
}

static int run_transactions(const args *a)
{
    static const int allowed[] = {O_CSV,   O_OUT,   O_CUSTOMER,   O_TIME,
                                  O_ORDER, O_ITEM,  O_QUANTITY,   O_AMOUNT,
                                  O_PRICE, O_DELIM, O_TIME_FORMAT};
    const char *kind = "transactions";
    int bad = check_allowed(kind, a, allowed, sizeof allowed / sizeof *allowed);
    if (bad || (bad = require(kind, a, O_CSV)) ||
        (bad = require(kind, a, O_OUT)) ||
        (bad = require(kind, a, O_CUSTOMER)) ||
        (bad = require(kind, a, O_TIME)))
        return bad;
    if (a->v[O_AMOUNT] != NULL && a->v[O_PRICE] != NULL)
        return usage_error(kind, "give --amount or --price, not both", NULL);
    if (a->v[O_PRICE] != NULL && a->v[O_QUANTITY] == NULL)
        return usage_error(kind, "--price needs --quantity", NULL);
    const crm_import_tx_opts o = {.csv = a->v[O_CSV], .out = a->v[O_OUT],
                                  .customer = a->v[O_CUSTOMER],
                                  .time = a->v[O_TIME], .order = a->v[O_ORDER],
                                  .item = a->v[O_ITEM],
                                  .quantity = a->v[O_QUANTITY],
                                  .amount = a->v[O_AMOUNT],
                                  .price = a->v[O_PRICE],
                                  .delimiter = a->delimiter,
                                  .time_format = a->v[O_TIME_FORMAT]};
    crm_import_report r = {0};
    crm_error err = {{0}};
    const crm_status rc = crm_import_transactions(&o, &r, &err);
    return finish(kind, rc, &err, &r, o.out);
}

static int run_customers(const args *a)
{
    static const int allowed[] = {O_CSV,   O_OUT,         O_CUSTOMER,
                                  O_LABEL, O_CATEGORICAL, O_DELIM};
    const char *kind = "customers";
    int bad = check_allowed(kind, a, allowed, sizeof allowed / sizeof *allowed);
    if (bad || (bad = require(kind, a, O_CSV)) ||
        (bad = require(kind, a, O_OUT)) || (bad = require(kind, a, O_CUSTOMER)))
        return bad;
    const crm_import_cust_opts o = {.csv = a->v[O_CSV], .out = a->v[O_OUT],
                                    .customer = a->v[O_CUSTOMER],
                                    .label = a->v[O_LABEL],
                                    .categorical = a->v[O_CATEGORICAL],
                                    .delimiter = a->delimiter};
    crm_import_report r = {0};
    crm_error err = {{0}};
    const crm_status rc = crm_import_customers(&o, &r, &err);
    return finish(kind, rc, &err, &r, o.out);
}

static int run_baskets(const args *a)
{
    static const int allowed[] = {O_FIMI, O_LINES, O_OUT, O_DELIM};
    const char *kind = "baskets";
    int bad = check_allowed(kind, a, allowed, sizeof allowed / sizeof *allowed);
    if (bad || (bad = require(kind, a, O_OUT)))
        return bad;
    if ((a->v[O_FIMI] == NULL) == (a->v[O_LINES] == NULL))
        return usage_error(kind, "give exactly one of --fimi and --lines",
                           NULL);
    if (a->v[O_FIMI] != NULL && a->v[O_DELIM] != NULL)
        return usage_error(kind,
                           "--fimi files are space-separated; "
                           "--delimiter applies to --lines",
                           NULL);
    const crm_import_basket_opts o = {
        .path = a->v[O_FIMI] ? a->v[O_FIMI] : a->v[O_LINES],
        .out = a->v[O_OUT],
        .format = a->v[O_FIMI] ? CRM_BASKETS_FIMI : CRM_BASKETS_LINES,
        .delimiter = a->delimiter};
    crm_import_report r = {0};
    crm_error err = {{0}};
    const crm_status rc = crm_import_baskets(&o, &r, &err);
    return finish(kind, rc, &err, &r, o.out);
}

int crm_cmd_import(int argc, char **argv)
{
    args a;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(crm_cmd_import_usage(), argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *kind = argv[1];
    if (strcmp(kind, "transactions") != 0 && strcmp(kind, "customers") != 0 &&
        strcmp(kind, "baskets") != 0)
        return usage_error(NULL,
                           "unknown kind (transactions, customers or "
                           "baskets): ",
                           kind);
    const int rc = parse_args(argc - 1, argv + 1, &a);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (strcmp(kind, "transactions") == 0)
        return run_transactions(&a);
    if (strcmp(kind, "customers") == 0)
        return run_customers(&a);
    return run_baskets(&a);
}
