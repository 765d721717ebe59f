/* io/import.h — CSV and basket files into the HDF5 store (serial).
 *
 * Three imports, one per kind of input: transactions (one row per purchase
 * line), customers (one row per customer, other columns typed automatically)
 * and baskets (one basket per line, FIMI ids or item names). Each reads its
 * whole input into memory, sorts it, reads what it must merge from the
 * existing store (customers and transactions share the customer id space and
 * the /customers/tx_offset index), and writes the complete new store to a
 * temporary file beside the output that is renamed over it only on success:
 * on any error the store is left exactly as it was. Tables the import does
 * not rebuild are copied unchanged. docs/FORMAT.md ("Tables written by
 * import") describes the tables.
 *
 * Bad input fails with a one-line message in err naming file, line, column and
 * what was expected. Rows without a customer id, a time or (when an amount
 * is mapped) an amount are not errors: they are rejected, counted by reason
 * in the report, and skipped.
 *
 * Options are plain structs owned by the caller; zero means default. Not
 * thread-safe with respect to the same output path. */
#ifndef CRM_IMPORT_H
#define CRM_IMPORT_H

#include <stdint.h>

#include "core/status.h"

/* Reasons a row is rejected (skipped and counted) rather than an error. */
#define CRM_IMPORT_REASON_MAP(X)                                               \
    X(CRM_REJECT_NO_CUSTOMER, "missing customer id")                           \
    X(CRM_REJECT_NO_TIME, "missing time")                                     \
    X(CRM_REJECT_NO_AMOUNT, "missing amount")

typedef enum crm_import_reason {
#define CRM_IMPORT_REASON_ENUM(code, text) code,
    CRM_IMPORT_REASON_MAP(CRM_IMPORT_REASON_ENUM)
#undef CRM_IMPORT_REASON_ENUM
        CRM_REJECT_COUNT
} crm_import_reason;

/* The reason's text ("missing customer id"); never NULL. */
const char *crm_import_reason_text(crm_import_reason reason);

/* What an import did; filled only when it succeeds. */
typedef struct crm_import_report {
    int64_t rows_read;     /* data records in the input (header excluded) */
    int64_t rows_imported; /* records written */
    int64_t rows_rejected; /* records skipped, = sum of rejected[] */
    int64_t rejected[CRM_REJECT_COUNT]; /* per crm_import_reason */
    int64_t customers;      /* rows of /customers in the new store */
    int64_t customers_new;  /* transactions: customers added to /customers;
                               customers: customers without a CSV row (seen
                               only in /transactions) */
    int64_t transactions;   /* rows of /transactions in the new store */
    int64_t columns;        /* customers import: columns besides the id */
    int64_t baskets;        /* baskets import: baskets, empty ones included */
    int64_t items;          /* baskets import: item rows */
    int64_t distinct_items; /* baskets import: distinct item ids or names */
} crm_import_report;

/* crmine import transactions. Column options name CSV header fields. */
typedef struct crm_import_tx_opts {
    const char *csv;         /* input file */
    const char *out;         /* store, created when absent */
    const char *customer;    /* required */
    const char *time;        /* required */
    const char *order;       /* optional: order/invoice id -> order_id */
    const char *item;        /* optional -> item (dictionary) */
    const char *quantity;    /* optional -> quantity; required with price */
    const char *amount;      /* optional -> amount; excludes price */
    const char *price;       /* optional -> price, and amount = qty * price */
    char delimiter;          /* 0: ','; ' ': runs of blanks */
    const char *time_format; /* NULL: detect each value (datetime.h) */
} crm_import_tx_opts;

/* crmine import customers. */
typedef struct crm_import_cust_opts {
    const char *csv;
    const char *out;
    const char *customer;    /* required: the id column */
    const char *label;       /* optional: 0/1, yes/no, true/false, y/n */
    const char *categorical; /* optional: comma-separated names kept as text */
    char delimiter;          /* 0: ','; ' ': runs of blanks */
} crm_import_cust_opts;

typedef enum crm_basket_format {
    CRM_BASKETS_FIMI, /* space-separated non-negative integer item ids */
    CRM_BASKETS_LINES /* item names separated by the delimiter */
} crm_basket_format;

/* crmine import baskets. */
typedef struct crm_import_basket_opts {
    const char *path; /* input file, no header */
    const char *out;
    crm_basket_format format;
    char delimiter; /* LINES only; 0: ',' */
} crm_import_basket_opts;

/* Each returns CRM_OK, or: CRM_EINVAL for missing or conflicting options
 * (--amount with --price, --price without --quantity, a bad time format);
 * CRM_ENOTFOUND for a missing input file or a mapped column absent from the
 * header; CRM_EEMPTY for an empty file or no data rows; CRM_EPARSE for
 * malformed CSV, ragged rows, unparsable numbers, dates or labels;
 * CRM_EDUP for a duplicate customer id (customers) or column name;
 * CRM_EFORMAT when the output exists but is not a store, or holds an object
 * that is not a crmine table (err names it: the import would drop it);
 * CRM_EIO, CRM_EHDF5 (also when the new file cannot be completed, as on a
 * full disk), CRM_ENOMEM. rep may be NULL. */
crm_status crm_import_transactions(const crm_import_tx_opts *o,
                                   crm_import_report *rep, crm_error *err);
crm_status crm_import_customers(const crm_import_cust_opts *o,
                                crm_import_report *rep, crm_error *err);
crm_status crm_import_baskets(const crm_import_basket_opts *o,
                              crm_import_report *rep, crm_error *err);

#endif
