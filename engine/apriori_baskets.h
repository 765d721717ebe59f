/* engine/apriori_baskets.h — the baskets [apriori] mines, for this rank.
 *
 * From /transactions: this rank's customers' purchase lines (amount > 0, or
 * quantity > 0, or every line when neither is stored), grouped per order
 * (basket = order: order_id, or the timestamp when the store has no order
 * ids) or per customer (basket = customer). A customer is never split
 * across ranks, so neither is a basket. Each customer's distinct purchased
 * items are kept too, for the recommendations.
 * From /baskets (a FIMI or basket-lines import, no customers): rank r reads
 * the blocks [r B / P, (r+1) B / P) of the B blocks of baskets.
 * Items are dense ids 0..nitems-1: dictionary codes (names from the
 * dictionary) or the stored integers (their decimal text as names). */
#ifndef CRM_APRIORI_BASKETS_H
#define CRM_APRIORI_BASKETS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/run.h"

typedef struct crm_basket_set {
    size_t n;                 /* local baskets */
    int64_t *offset;          /* n + 1 */
    int32_t *items;           /* distinct within a basket, ascending */
    int64_t nbaskets;         /* all ranks, empty baskets included */
    size_t nitems;            /* item ids 0..nitems-1 on every rank */
    crm_frame *frame;         /* /baskets' item column, when read here */
    crm_column item_col;      /* the /transactions item column (borrowed
                                 from the run's cache) */
    const crm_column *item;   /* the item column (dict -> names) */
    int64_t *cust_offset;     /* crm_run_nlocal + 1, or NULL (/baskets) */
    int32_t *cust_items;      /* each customer's items, ascending */
} crm_basket_set;

/* Builds this rank's baskets. Collective. CRM_ENOTFOUND naming the stage
 * when the store has neither /transactions nor /baskets, or no item
 * column. */
crm_status crm_baskets_load(crm_run *run, crm_basket_set **out,
                            crm_error *err);
void crm_baskets_free(crm_basket_set *b);

/* The display name of item id (the dictionary text or the number), into
 * buf; returns buf. */
const char *crm_baskets_item_name(const crm_basket_set *b, int32_t id,
                                  char *buf, size_t len);

#endif
