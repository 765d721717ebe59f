/* core/reduce.c — the fixed binary tree of crm_reduce_blocks.
 *
 * A "piece" is a tree node whose blocks all lie in one rank's range. Pieces
 * travel as (level, index, len sums) in one allgather of doubles; the top of
 * the tree is then summed by the same recursion every rank runs. */
#include "core/reduce.h"

#include <stdlib.h>
#include <string.h>

typedef struct tree {
    int64_t total;        /* blocks in the whole tree */
    size_t len;           /* doubles per partial */
    const double *leaves; /* partials of blocks [leaf0, leaf0 + nleaves) */
    int64_t leaf0, nleaves;
    const double *pieces; /* npieces x (2 + len): level, index, sums */
    size_t npieces;
} tree;

/* Pieces are in block order, so the one starting at a block is found by
 * bisection; it is the node asked for only if its level matches too. */
static const double *find_piece(const tree *t, int level, int64_t index)
{
    const int64_t start = index << level;
    size_t lo = 0, hi = t->npieces;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const double *q = t->pieces + mid * (2 + t->len);
        const int64_t qstart = (int64_t)q[1] << (int64_t)q[0];
        if (qstart == start)
            return q[0] == (double)level ? q + 2 : NULL;
        if (qstart < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* out = sum of node (level, index); the node must hold at least one block
 * and every block under it must be a local leaf or inside a piece. */
static void node_sum(const tree *t, int level, int64_t index, double *out,
                     double *scratch)
{
    const double *known = t->pieces != NULL ? find_piece(t, level, index)
                                            : NULL;
    if (known != NULL) {
        memcpy(out, known, t->len * sizeof *out);
        return;
    }
    if (level == 0) {
        memcpy(out, t->leaves + (size_t)(index - t->leaf0) * t->len,
               t->len * sizeof *out);
        return;
    }
    node_sum(t, level - 1, 2 * index, out, scratch);
    const int64_t right0 = (2 * index + 1) << (level - 1);
    if (right0 >= t->total)
        return;
    /* scratch holds one vector per level below this one */
    node_sum(t, level - 1, 2 * index + 1, scratch, scratch + t->len);
    for (size_t i = 0; i < t->len; i++)
        out[i] += scratch[i];
}

static int tree_levels(int64_t total)
{
    int levels = 0;
    while (((int64_t)1 << levels) < total)
        levels++;
    return levels;
}

/* The largest node starting at block pos lying within [pos, end). */
static int piece_level(int64_t pos, int64_t end, int64_t total, int top)
{
    int l = 0;
    while (l < top && (pos & (((int64_t)1 << (l + 1)) - 1)) == 0) {
        int64_t stop = pos + ((int64_t)1 << (l + 1));
        if (stop > total)
            stop = total;
        if (stop > end)
            break;
        l++;
    }
    return l;
}

static size_t count_pieces(int64_t b0, int64_t b1, int64_t total, int top)
{
    size_t n = 0;
    for (int64_t pos = b0; pos < b1; n++) {
        const int l = piece_level(pos, b1, total, top);
        pos += (int64_t)1 << l;
    }
    return n;
}

/* Writes this rank's pieces (2 + len doubles each) into buf. */
static void local_pieces(const tree *local, int64_t b1, int top, double *buf,
                         double *scratch)
{
    const size_t stride = 2 + local->len;
    size_t p = 0;
    for (int64_t pos = local->leaf0; pos < b1; p++) {
        const int l = piece_level(pos, b1, local->total, top);
        double *q = buf + p * stride;
        q[0] = (double)l;
        q[1] = (double)(pos >> l);
        node_sum(local, l, pos >> l, q + 2, scratch);
        pos += (int64_t)1 << l;
    }
}

/* 1 when the gathered pieces tile [0, total) in order, else 0. */
static int pieces_tile(const tree *t)
{
    int64_t pos = 0;
    for (size_t p = 0; p < t->npieces; p++) {
        const double *q = t->pieces + p * (2 + t->len);
        const int64_t level = (int64_t)q[0], start = (int64_t)q[1] << level;
        if (level < 0 || level > 62 || start != pos)
            return 0;
        pos = start + ((int64_t)1 << level);
        pos = pos < t->total ? pos : t->total;
    }
    return pos == t->total;
}

crm_status crm_reduce_blocks(const crm_comm *c, const double *parts,
                             size_t nblocks, int64_t block0,
                             int64_t total_blocks, size_t len, double *out)
{
    if (c == NULL || out == NULL || len == 0 || block0 < 0 ||
        total_blocks < 0 || block0 + (int64_t)nblocks > total_blocks ||
        (parts == NULL && nblocks > 0))
        return CRM_EINVAL;
    const int top = tree_levels(total_blocks);
    const int64_t b1 = block0 + (int64_t)nblocks;
    const size_t stride = 2 + len;
    const size_t mine = nblocks ? count_pieces(block0, b1, total_blocks, top)
                                : 0;
    int64_t before = 0, all = 0;
    double *buf = NULL, *gathered = NULL;
    double *scratch = calloc((size_t)(top + 1) * len, sizeof *scratch);
    crm_status rc = scratch == NULL ? CRM_ENOMEM : CRM_OK;
    if (rc == CRM_OK)
        rc = crm_comm_exscan_i64(c, (int64_t)(mine * stride), &before, &all);
    if (rc != CRM_OK)
        goto done;
    buf = malloc((mine ? mine : 1) * stride * sizeof *buf);
    gathered = malloc((all ? (size_t)all : 1) * sizeof *gathered);
    /* allocation failures are local: agree before the gather */
    int64_t failed = buf == NULL || gathered == NULL;
    if ((rc = c->allreduce_i64(c, &failed, 1, CRM_OP_MAX)) != CRM_OK)
        goto done;
    if (failed) {
        rc = CRM_ENOMEM;
        goto done;
    }
    const tree local = {total_blocks, len, parts, block0,
                        (int64_t)nblocks, NULL, 0};
    local_pieces(&local, b1, top, buf, scratch);
    rc = c->allgather_f64(c, buf, mine * stride, gathered, (size_t)all);
    if (rc != CRM_OK)
        goto done;
    const tree global = {total_blocks, len, NULL, 0, 0, gathered,
                         (size_t)all / stride};
    memset(out, 0, len * sizeof *out);
    if (!pieces_tile(&global))
        rc = CRM_EINVAL;
    else if (total_blocks > 0)
        node_sum(&global, top, 0, out, scratch);
done:
    free(gathered);
    free(buf);
    free(scratch);
    return rc;
}
