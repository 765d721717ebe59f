/* core/comm.c — the single-process comm and helpers built on any comm. */
#include "core/comm.h"

#include <stdlib.h>
#include <string.h>

static crm_status self_allreduce_i64(const crm_comm *c, int64_t *buf, size_t n,
                                     crm_op op)
{
    (void)c;
    (void)op;
    return (buf == NULL && n > 0) ? CRM_EINVAL : CRM_OK;
}

static crm_status self_allreduce_f64(const crm_comm *c, double *buf, size_t n,
                                     crm_op op)
{
    (void)c;
    if (op == CRM_OP_SUM || (buf == NULL && n > 0))
        return CRM_EINVAL;
    return CRM_OK;
}

static crm_status self_allgather_f64(const crm_comm *c, const double *mine,
                                     size_t n, double *all, size_t nall)
{
    (void)c;
    if (n != nall)
        return CRM_EINVAL;
    if (n > 0)
        memmove(all, mine, n * sizeof *all);
    return CRM_OK;
}

static crm_status self_bcast(const crm_comm *c, void *buf, size_t nbytes,
                             int root)
{
    (void)c;
    (void)buf;
    (void)nbytes;
    return root == 0 ? CRM_OK : CRM_EINVAL;
}

crm_comm crm_comm_self(void)
{
    const crm_comm c = {
        .rank = 0,
        .size = 1,
        .ctx = NULL,
        .allreduce_i64 = self_allreduce_i64,
        .allreduce_f64 = self_allreduce_f64,
        .allgather_f64 = self_allgather_f64,
        .bcast = self_bcast,
    };
    return c;
}

crm_status crm_comm_exscan_i64(const crm_comm *c, int64_t x, int64_t *before,
                               int64_t *total)
{
    if (c == NULL || c->size < 1)
        return CRM_EINVAL;
    const size_t p = (size_t)c->size;
    int64_t *all = calloc(p, sizeof *all);
    if (all == NULL)
        return CRM_ENOMEM;
    /* each rank fills only its own slot; a SUM then assembles the vector */
    all[c->rank] = x;
    crm_status rc = c->allreduce_i64(c, all, p, CRM_OP_SUM);
    if (rc == CRM_OK) {
        int64_t b = 0, t = 0;
        for (size_t r = 0; r < p; r++) {
            if ((int)r < c->rank)
                b += all[r];
            t += all[r];
        }
        if (before != NULL)
            *before = b;
        if (total != NULL)
            *total = t;
    }
    free(all);
    return rc;
}
