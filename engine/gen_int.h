/* engine/gen_int.h — what the generator's files share: gen_model.c (the
 * model, catalogue, time tables, schemas), gen_retail.c and gen_telecom.c.
 * Not for use outside them. Parameter values are docs/GENERATOR.md's. */
#ifndef CRM_GEN_INT_H
#define CRM_GEN_INT_H

#include <stdint.h>

#include "core/rng.h"
#include "engine/gen.h"

#define GEN_NCAT 24          /* product categories */
#define GEN_NSEG_RETAIL 6    /* planted retail segments */
#define GEN_NSEG_TELECOM 4   /* planted telecom segments */
#define GEN_NPAT 24          /* planted co-purchase groups */
#define GEN_PAT_MAX 4        /* items per group at most */
#define GEN_MAX_ORDERS 9999  /* orders per customer at most */
#define GEN_MAX_COLS 16
#define GEN_NDAYS 730        /* 2022-01-01 .. 2023-12-31 */
#define GEN_T0 INT64_C(1640995200) /* 2022-01-01T00:00:00Z */

/* Kinds of draws: the top byte of the rng stream, so no two kinds share a
 * key. The counter is always the global customer row. */
enum gen_draw {
    D_SEGMENT = 1, D_ACTIVITY, D_ACTIVITY2, D_START, D_LIFE, D_ORDERS,
    D_AGE, D_AGE2, D_REGION, D_BASKET, D_PATTERN, D_PATTERN_WHICH, D_DAY,
    D_HOUR, D_SECOND, D_DISCOUNT, D_CATEGORY, D_ITEM, D_QUANTITY,
    D_CONTRACT, D_TENURE, D_MINUTES, D_MINUTES2, D_CALLS, D_DATA, D_DATA2,
    D_CHARGE, D_CHARGE2, D_TOTAL, D_CHURN,
    /* catalogue draws: counter = item or group, not a customer row */
    D_ITEM_PRICE = 100, D_ITEM_PRICE2, D_ITEM_NOUN, D_PAT_ITEM, D_PAT_LEN
};

struct crm_gen {
    crm_gen_params p;
    /* catalogue */
    int32_t nitems;
    int32_t cat_first[GEN_NCAT + 1]; /* category k: items [k], [k + 1]) */
    char *name_bytes;                /* item names, NUL-separated */
    const char **names;              /* nitems pointers into name_bytes */
    double *price;                   /* catalogue price per item */
    double seg_cat_cdf[GEN_NSEG_RETAIL][GEN_NCAT]; /* category choice */
    /* segments */
    double seg_cdf[GEN_NSEG_RETAIL];
    double order_scale;              /* F: orders per unit rate and span */
    /* time */
    double day_cdf[GEN_NDAYS + 1];
    double hour_cdf[25];
    /* planted co-purchase groups */
    int32_t pat_items[GEN_NPAT][GEN_PAT_MAX];
    int pat_len[GEN_NPAT];
    double pat_prob[GEN_NPAT];       /* P(an order carries group g) */
    double pat_cdf[GEN_NPAT];
    /* schemas */
    crm_column cols[3][GEN_MAX_COLS];
    size_t ncols[3];
};

/* A draw of kind d for customer row, order k (< 2^36) and line j (< 2^20). */
static inline uint64_t gen_u64(const crm_gen *g, int d, int64_t row,
                               uint64_t k, uint64_t j)
{
    return crm_rng_u64(g->p.seed, (uint64_t)d << 56 ^ k << 20 ^ j,
                       (uint64_t)row);
}

static inline double gen_unit(const crm_gen *g, int d, int64_t row,
                              uint64_t k, uint64_t j)
{
    return (double)(gen_u64(g, d, row, k, j) >> 11) * 0x1.0p-53;
}

/* A standard normal from two draws (Box-Muller). */
double gen_normal(const crm_gen *g, int d1, int d2, int64_t row, uint64_t k,
                  uint64_t j);

/* Index of the first entry of cdf[0..n) greater than u (n - 1 at most). */
int gen_pick(const double *cdf, int n, double u);

/* Seconds since 1970 of a seasonal moment in days [day0, day1]. */
int64_t gen_time(const crm_gen *g, int64_t row, uint64_t k, int day0,
                 int day1);

/* Builders and fillers of each profile. */
crm_status gen_retail_init(crm_gen *g);
int64_t gen_retail_count(const crm_gen *g, int64_t row);
void gen_retail_customers(const crm_gen *g, int64_t row0, size_t n,
                          void *const *cols);
crm_status gen_retail_tx(const crm_gen *g, int64_t row0, size_t n,
                         const int64_t *offset, void *const *cols);
void gen_telecom_init(crm_gen *g);
void gen_telecom_customers(const crm_gen *g, int64_t row0, size_t n,
                           void *const *cols);

#endif
