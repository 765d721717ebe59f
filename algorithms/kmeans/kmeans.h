/* algorithms/kmeans/kmeans.h — Lloyd k-means and k-means++ seeding as
 * communication-free calls (STYLE rule 33).
 *
 * Data: features x are float32, row-major, n rows x d columns, the rows of
 * one rank, already standardised. Centres are float32, k x d, row-major.
 * Rows are cut into blocks of block_rows rows; a rank holds whole global
 * blocks (only the last block of the data set may be short), so its local
 * block b is global block row0 / block_rows + b.
 *
 * One Lloyd iteration: crm_kmeans_assign (labels, distances and one partial
 * per block) → crm_reduce_blocks over all ranks (core/reduce.h) →
 * crm_kmeans_finish (new centres). A partial is crm_kmeans_partial_len(k, d)
 * doubles: k*d coordinate sums, then k counts, then the inertia (the sum
 * of the block's dist2 values). Training uses crm_kmeans_step instead of
 * assign: the same labels, and partials that carry the change of the sums
 * and counts, which the caller adds to a running total.
 *
 * Parallel contract: threads split blocks (assign and step give each
 * thread one contiguous run of them, the work's scratch slot); each block's
 * partial is summed serially in row order, and a row's label and distance
 * depend only on that row and the centres, so every output is bitwise the
 * same for any thread count and any split of the blocks across ranks.
 * Ties go to the lowest centre index. Nothing here communicates; the caller
 * owns every buffer; only crm_kmeans_work_create allocates (and
 * crm_kmeanspp_pass, a d x 8 scratch per group of candidates).
 *
 * The bounds' rounding analysis assumes no float underflow: features and
 * centres whose entries are 0 or at least about 1e-18 in magnitude
 * (standardised features of real data are). */
#ifndef CRM_KMEANS_H
#define CRM_KMEANS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* Scratch and Hamerly bounds for one rank's rows, made once per training. */
typedef struct crm_kmeans_work crm_kmeans_work;

/* Doubles per block partial: k*d + k + 1. */
size_t crm_kmeans_partial_len(size_t k, size_t d);

/* Blocks covering n rows: ceil(n / block_rows) (0 when block_rows is 0). */
size_t crm_kmeans_nblocks(size_t n, size_t block_rows);

/* A work for n rows (n may be 0: an idle rank), d features, k centres,
 * calls on up to nthreads threads (the caller's OpenMP thread count; 0
 * means 1): the work holds one scratch slot per thread and its calls cut
 * the blocks into that many runs, one per thread. Results do not depend
 * on nthreads. CRM_EINVAL when d, k or block_rows is 0, k > INT32_MAX,
 * block_rows > UINT32_MAX, nthreads > INT_MAX or out is NULL; CRM_ENOMEM.
 * Release with _destroy. Holds 12 bytes per row (two bounds and a label)
 * besides O(k d) and the slots. The Hamerly bounds start on for d >= 12
 * or k >= 48, where they were measured to pay. */
crm_status crm_kmeans_work_create(size_t n, size_t d, size_t k,
                                  size_t block_rows, size_t nthreads,
                                  crm_kmeans_work **out);
void crm_kmeans_work_destroy(crm_kmeans_work *w); /* NULL is fine */

/* Forgets the bounds and the last labelling: call when the features x
 * change (the bounds belong to one x), or to make the next step start
 * afresh (a restart: its running total then starts from zero). New
 * centres and reseeded clusters need no reset. */
void crm_kmeans_work_reset(crm_kmeans_work *w);

/* on = 0 computes every distance every time (plain Lloyd); on = 1 skips
 * rows whose Hamerly bounds prove the label. Same outputs, bit for
 * bit, either way. Resets the bounds. */
void crm_kmeans_work_accelerate(crm_kmeans_work *w, int on);

/* Rows whose distances to all centres the last assign or step computed
 * (the rest were settled by bounds): for reporting the acceleration. */
size_t crm_kmeans_work_full_rows(const crm_kmeans_work *w);

/* Lloyd assignment of rows [0, n), n equal to the work's n: label[i] =
 * nearest centre (ties → lowest index), dist2[i] = its squared distance,
 * and parts (nblocks(n) x partial_len doubles, block-major) one partial per
 * block. Rows must be finite. The labels are those of the exhaustive
 * search (||c||² - 2 x·c in float, fused multiply-adds in feature order),
 * which the bounds reproduce exactly. dist2[i] is sum (x - c)² computed in
 * double (8 stripes, kmeans_int.h) and rounded to float; a partial's sums
 * and counts add its rows in row order, and its inertia adds its rows'
 * dist2 (the float values) in double in row order, so the inertia is
 * exactly the sum of the reported distances, block by block. Call with the
 * same x every time until crm_kmeans_work_reset. CRM_EINVAL on NULL or a
 * different n. */
crm_status crm_kmeans_assign(crm_kmeans_work *w, const float *x, size_t n,
                             const float *centres, int32_t *label,
                             float *dist2, double *parts);

/* One Lloyd step for training: the labels crm_kmeans_assign would give,
 * bit for bit, without the distances. parts (nblocks(n) x partial_len)
 * receive each block's change since the previous assign or step on this
 * work: the sums and counts of the rows that joined a cluster minus those
 * of the rows that left it, row by row in row order (zeros for a block
 * whose labels all stand). After create, reset or accelerate there is no
 * previous labelling and every row joins, so the parts are exactly
 * assign's sums and counts. The inertia slot is 0: not computed. The
 * caller keeps the running total (the last assign's reduced total, or
 * zero after create/reset/accelerate, plus every step's reduced change);
 * it differs from a fresh sum only by the rounding of the additions. With
 * the Hamerly bounds on, a row whose bounds prove its label is not read:
 * its bound on the distance to its centre is carried forward by the
 * centre's move, so a late step touches only the few rows near a boundary.
 * Same arguments and errors as assign. */
crm_status crm_kmeans_step(crm_kmeans_work *w, const float *x, size_t n,
                           const float *centres, int32_t *label,
                           double *parts);

/* dist2[i] = the squared distance from row i to centre label[i], exactly
 * as crm_kmeans_assign reports it (the same bits). Threads over rows. */
void crm_kmeans_distances(const float *x, size_t n, size_t d,
                          const float *centres, const int32_t *label,
                          float *dist2);

/* From the reduced partial total: centres[c] = sums / counts for every
 * non-empty cluster; the indices of empty clusters (count 0) go to
 * empty[0..*nempty) in ascending order (empty holds k) and their centres
 * stay unchanged for the caller's reseeding. *inertia = the total's
 * inertia; *max_shift2 = the largest squared move of a centre. */
void crm_kmeans_finish(const double *total, size_t k, size_t d,
                       float *centres, size_t *empty, size_t *nempty,
                       double *inertia, double *max_shift2);

/* k-means++ seeding, distributed and deterministic. mind2[i] holds the
 * squared distance from row i to its nearest chosen centre; fill it with
 * crm_kmeanspp_reset before the first centre. */
void crm_kmeanspp_reset(float *mind2, size_t n);

/* One pass of greedy k-means++ (sklearn's default; Arthur & Vassilvitskii's
 * "local trials": several candidates are drawn for the next centre and the
 * one leaving the least potential is kept; ntrials = 1 is plain
 * k-means++). e(i, c) is the squared distance from row i to c computed in
 * float by fused multiply-adds of (x - c)² in feature order: the same bits
 * in every instruction set, so nothing depends on the machine, the thread
 * count or the split of the blocks. When prev is not NULL (the centre
 * chosen last), first mind2[i] = min(mind2[i], e(i, prev)); then
 * pots[b * ntrials + t] = the sum over the rows of block b, in double in
 * row order, of min(mind2[i], e(i, cand t)) (cands: ntrials x d). The
 * winner's potentials are the block sums of mind2 once it is chosen, so
 * one pass per centre does both. Threads over blocks. CRM_EINVAL on NULL
 * (x, mind2 and pots may be NULL when n is 0), d or block_rows 0, ntrials
 * 0 or above CRM_KMEANSPP_MAX_TRIALS; CRM_ENOMEM. */
#define CRM_KMEANSPP_MAX_TRIALS 16
crm_status crm_kmeanspp_pass(const float *x, size_t n, size_t d,
                             size_t block_rows, const float *prev,
                             const float *cands, size_t ntrials,
                             float *mind2, double *pots);

/* mind2[i] = min(mind2[i], e(i, prev)) for the n rows of x, the same
 * update as crm_kmeanspp_pass's: the rank that walks a drawn block
 * (crm_kmeanspp_pick_row) applies the centre chosen last to it first. */
void crm_kmeanspp_apply(const float *x, size_t n, size_t d,
                        const float *prev, float *mind2);

/* Given every block's sum (global block order, the same on every rank) and
 * u in [0, 1): the global block whose cumulative interval holds u * total,
 * summed left to right, and the residual weight inside it. Blocks of zero
 * weight are never chosen; when the total is 0 (every row sits on a
 * centre) *block = nblocks and *residual = 0. */
void crm_kmeanspp_pick_block(const double *block_sums, size_t nblocks,
                             double u, size_t *block, double *residual);

/* Within the chosen block (its mind2 on the owning rank): the row whose
 * cumulative mind2 interval, summed in double in row order, holds
 * residual; rounding past the end falls back to the last row of positive
 * weight (0 when there is none). */
size_t crm_kmeanspp_pick_row(const float *mind2_block, size_t nrows,
                             double residual);

#endif
