/* engine/gen.h — the synthetic CRM population behind `crmine gen`.
 *
 * A model (crm_gen) is built from (profile, seed, customers, mean lines per
 * customer) and holds only small shared tables: the product catalogue, the
 * seasonal time distribution, the planted co-purchase groups and the column
 * schemas. Every generated value is a pure function of the model and the
 * global customer row (through core/rng.h's counter-based draws keyed by
 * row, order and line), so any partition of the rows gives the same table:
 * callers may generate any row range, in any order, on any rank. The exact
 * model is written down in docs/GENERATOR.md.
 *
 * Column buffers belong to the caller: `cols` is one pointer per schema
 * column, each with room for the rows asked for, in the column's type. No
 * MPI and no HDF5 here; crm_gen_transactions runs OpenMP threads over
 * customers (each customer's rows written by one thread, serially). */
#ifndef CRM_GEN_H
#define CRM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/table.h"

typedef enum crm_gen_profile {
    CRM_GEN_RETAIL,
    CRM_GEN_TELECOM
} crm_gen_profile;

typedef enum crm_gen_table {
    CRM_GEN_CUSTOMERS,    /* /customers: both profiles */
    CRM_GEN_TRANSACTIONS, /* /transactions: retail */
    CRM_GEN_PATTERNS      /* /planted_patterns: retail */
} crm_gen_table;

typedef struct crm_gen_params {
    crm_gen_profile profile;
    uint64_t seed;
    int64_t ncustomers;     /* >= 1 */
    double tx_per_customer; /* retail: mean lines per customer; 0 means 20 */
} crm_gen_params;

typedef struct crm_gen crm_gen;

/* Builds the model. CRM_EINVAL for ncustomers < 1 or a mean outside
 * [1, 10000], CRM_ENOMEM. */
crm_status crm_gen_create(const crm_gen_params *p, crm_gen **out);
void crm_gen_destroy(crm_gen *g);

/* The parameters the model was built with (tx_per_customer filled in). */
const crm_gen_params *crm_gen_get_params(const crm_gen *g);

/* The columns of a table with data NULL (names, types, dictionaries,
 * sentinels), valid while g lives; NULL with *ncols 0 when the profile has
 * no such table. */
const crm_column *crm_gen_schema(const crm_gen *g, crm_gen_table t,
                                 size_t *ncols);

/* Name of the label column (attribute `label` of /customers), or NULL. */
const char *crm_gen_label(const crm_gen *g);

/* Transactions of customer row (0 for telecom); cheap: no times or items
 * are drawn. */
int64_t crm_gen_tx_count(const crm_gen *g, int64_t row);

/* Customers rows [row0, row0 + n) into cols (customers schema). */
void crm_gen_customers(const crm_gen *g, int64_t row0, size_t n,
                       void *const *cols);

/* The transactions of customers [row0, row0 + n) into cols (transactions
 * schema): customer i's rows are offset[i] - offset[0] .. offset[i+1] -
 * offset[0] - 1, where offset[i+1] - offset[i] = crm_gen_tx_count(row0 + i).
 * Rows come sorted by (customer, time). CRM_ENOMEM for thread scratch,
 * CRM_EINVAL for offsets that disagree with the counts. */
crm_status crm_gen_transactions(const crm_gen *g, int64_t row0, size_t n,
                                const int64_t *offset, void *const *cols);

/* Rows of /planted_patterns (one per item of each planted group) and the
 * rows themselves into cols (patterns schema). */
size_t crm_gen_pattern_rows(const crm_gen *g);
void crm_gen_patterns(const crm_gen *g, void *const *cols);

#endif
