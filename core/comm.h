/* core/comm.h — the few collective operations kernels and io may ask for.
 *
 * crm_comm is a table of function pointers with no MPI in sight: engine fills
 * it with an MPI implementation, tests and serial tools use crm_comm_self().
 * Every operation is collective: all ranks call it in the same order with the
 * same sizes. There is deliberately no floating-point sum: a sum of doubles
 * depends on the order of its terms, so deterministic code gathers per-block
 * partials (allgather_f64, rank order = global block order) and folds them in
 * block order itself. allreduce_f64 refuses CRM_OP_SUM with CRM_EINVAL. */
#ifndef CRM_COMM_H
#define CRM_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef enum crm_op { CRM_OP_SUM, CRM_OP_MIN, CRM_OP_MAX } crm_op;

typedef struct crm_comm crm_comm;
struct crm_comm {
    int rank;  /* this process, 0 .. size-1 */
    int size;  /* number of processes */
    void *ctx; /* implementation state, owned by whoever built the comm */
    /* In place: buf[i] = op over ranks of buf[i], for i < n. */
    crm_status (*allreduce_i64)(const crm_comm *c, int64_t *buf, size_t n,
                                crm_op op);
    /* In place, CRM_OP_MIN and CRM_OP_MAX only (exact in any order). */
    crm_status (*allreduce_f64)(const crm_comm *c, double *buf, size_t n,
                                crm_op op);
    /* all = concatenation over ranks, in rank order, of each rank's n doubles;
     * nall is the total, which the caller knows. */
    crm_status (*allgather_f64)(const crm_comm *c, const double *mine,
                                size_t n, double *all, size_t nall);
    /* buf (nbytes on every rank) takes root's bytes. */
    crm_status (*bcast)(const crm_comm *c, void *buf, size_t nbytes, int root);
};

/* A one-process comm: reductions and gathers copy, nothing is sent. */
crm_comm crm_comm_self(void);

/* Sum of x over ranks before this one, and the total over all ranks, in one
 * collective (an exclusive scan built on allgather). */
crm_status crm_comm_exscan_i64(const crm_comm *c, int64_t x, int64_t *before,
                               int64_t *total);

#endif
