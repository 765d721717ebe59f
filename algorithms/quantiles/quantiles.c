/* algorithms/quantiles/quantiles.c — radix select over order-preserving keys.
 *
 * Every wanted rank j carries the key prefix fixed so far (prefix[j]) and its
 * rank among the values that share that prefix (left[j]). A round counts, for
 * each distinct prefix, the values with that prefix into 256 buckets by the
 * next key byte, sums the counts over ranks, and moves each left[j] into its
 * bucket. Threads count into private histograms that are then added: integer
 * counts, so neither the thread count nor the rank split can change a result.
 * The last slot of every reduced buffer is a failure flag, so that a rank that
 * ran out of memory makes all ranks fail together instead of leaving them
 * waiting in the next collective. */
#include "algorithms/quantiles/quantiles.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 256
#define NROUNDS 8
#define SIGN_BIT (UINT64_C(1) << 63)
/* cut ranks live on the stack, so bins is bounded */
#define MAX_BINS 1024

uint64_t crm_quantiles_key(double v)
{
    uint64_t bits;
    if (v == 0.0)
        v = 0.0; /* -0.0 == +0.0 numerically, so they must share a key */
    memcpy(&bits, &v, sizeof bits);
    /* negatives: reversed magnitude order below all non-negatives */
    return (bits & SIGN_BIT) ? ~bits : bits | SIGN_BIT;
}

double crm_quantiles_value(uint64_t key)
{
    const uint64_t bits = (key & SIGN_BIT) ? key & ~SIGN_BIT : ~key;
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static int64_t local_count(const double *v, size_t n)
{
    int64_t count = 0;
#pragma omp parallel for schedule(static) reduction(+ : count)
    for (size_t i = 0; i < n; i++)
        count += !isnan(v[i]);
    return count;
}

/* The total count over ranks, with local argument and memory failures agreed
 * in the same collective (integer SUM of {count, bad, nomem}). */
static crm_status agree_count(const crm_comm *c, const double *v, size_t n,
                              int bad, int nomem, int64_t *total)
{
    bad = bad || (v == NULL && n > 0);
    int64_t buf[3] = {bad ? 0 : local_count(v, n), bad, nomem};
    crm_status rc = c->allreduce_i64(c, buf, 3, CRM_OP_SUM);
    if (rc != CRM_OK)
        return rc;
    if (buf[1] != 0)
        return CRM_EINVAL;
    if (buf[2] != 0)
        return CRM_ENOMEM;
    *total = buf[0];
    return CRM_OK;
}

crm_status crm_quantiles_count(const crm_comm *c, const double *v, size_t n,
                               int64_t *total)
{
    if (c == NULL)
        return CRM_EINVAL;
    int64_t t = 0;
    crm_status rc = agree_count(c, v, n, total == NULL, 0, &t);
    if (rc == CRM_OK)
        *total = t;
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Index of p in the sorted distinct g[0..m), or m when absent. */
static size_t find_group(const uint64_t *g, size_t m, uint64_t p)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (g[mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < m && g[lo] == p) ? lo : m;
}

/* Sorted distinct prefixes into gprefix; group[j] = index of prefix[j]. */
static size_t make_groups(const uint64_t *prefix, size_t nk, uint64_t *gprefix,
                          size_t *group)
{
    memcpy(gprefix, prefix, nk * sizeof *gprefix);
    qsort(gprefix, nk, sizeof *gprefix, cmp_u64);
    size_t m = 0;
    for (size_t j = 0; j < nk; j++)
        if (m == 0 || gprefix[m - 1] != gprefix[j])
            gprefix[m++] = gprefix[j];
    for (size_t j = 0; j < nk; j++)
        group[j] = find_group(gprefix, m, prefix[j]);
    return m;
}

/* Adds to hist[g * 256 + byte] the local values whose key matches gprefix[g]
 * on the bits in mask; byte is the key's byte at shift. Returns 1 when a
 * thread could not get its private histogram (the counts are then short). */
static int count_round(const double *v, size_t n, const uint64_t *gprefix,
                       size_t m, uint64_t mask, unsigned shift, int64_t *hist)
{
    const size_t len = m * NBUCKETS;
    int failed = 0;
#pragma omp parallel
    {
        int64_t *mine = calloc(len, sizeof *mine);
        if (mine == NULL) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            if (mine == NULL || isnan(v[i]))
                continue;
            const uint64_t k = crm_quantiles_key(v[i]);
            const size_t g = find_group(gprefix, m, k & mask);
            if (g < m)
                mine[g * NBUCKETS + ((k >> shift) & 0xFF)]++;
        }
        if (mine != NULL) {
#pragma omp critical(crm_quantiles_hist)
            for (size_t t = 0; t < len; t++)
                hist[t] += mine[t];
        }
        free(mine);
    }
    return failed;
}

/* Scratch of one select: per target and per group arrays, one histogram. */
typedef struct select_state {
    uint64_t *prefix;  /* nk: key bits fixed so far */
    int64_t *left;     /* nk: rank among values sharing prefix */
    uint64_t *gprefix; /* nk: distinct prefixes, sorted */
    size_t *group;     /* nk: index into gprefix */
    int64_t *hist;     /* nk * 256 + 1: counts, then the failure flag */
} select_state;

static int state_alloc(select_state *s, size_t nk)
{
    if (nk > (SIZE_MAX / sizeof(int64_t) - 1) / NBUCKETS)
        return 0;
    s->prefix = malloc(nk * sizeof *s->prefix);
    s->left = malloc(nk * sizeof *s->left);
    s->gprefix = malloc(nk * sizeof *s->gprefix);
    s->group = malloc(nk * sizeof *s->group);
    s->hist = malloc((nk * NBUCKETS + 1) * sizeof *s->hist);
    return s->prefix && s->left && s->gprefix && s->group && s->hist;
}

static void state_free(select_state *s)
{
    free(s->hist);
    free(s->group);
    free(s->gprefix);
    free(s->left);
    free(s->prefix);
}

/* Moves left[j] into its bucket of the reduced histogram and fixes the byte. */
static void descend(select_state *s, size_t nk, unsigned shift)
{
    for (size_t j = 0; j < nk; j++) {
        const int64_t *h = s->hist + s->group[j] * NBUCKETS;
        unsigned b = 0;
        /* left < the group's total; the bound only guards a faulty comm */
        while (b < NBUCKETS - 1 && s->left[j] >= h[b])
            s->left[j] -= h[b++];
        s->prefix[j] |= (uint64_t)b << shift;
    }
}

static crm_status radix_select(const crm_comm *c, const double *v, size_t n,
                               const int64_t *ranks, size_t nk,
                               select_state *s, double *out)
{
    for (size_t j = 0; j < nk; j++) {
        s->prefix[j] = 0;
        s->left[j] = ranks[j];
    }
    for (unsigned round = 0; round < NROUNDS; round++) {
        const unsigned shift = 56 - 8 * round;
        const uint64_t mask = round == 0 ? 0 : ~UINT64_C(0) << (shift + 8);
        const size_t m = make_groups(s->prefix, nk, s->gprefix, s->group);
        const size_t len = m * NBUCKETS;
        memset(s->hist, 0, (len + 1) * sizeof *s->hist);
        s->hist[len] = count_round(v, n, s->gprefix, m, mask, shift, s->hist);
        crm_status rc = c->allreduce_i64(c, s->hist, len + 1, CRM_OP_SUM);
        if (rc != CRM_OK)
            return rc;
        if (s->hist[len] != 0)
            return CRM_ENOMEM;
        descend(s, nk, shift);
    }
    for (size_t j = 0; j < nk; j++)
        out[j] = crm_quantiles_value(s->prefix[j]);
    return CRM_OK;
}

crm_status crm_quantiles_select(const crm_comm *c, const double *v, size_t n,
                                const int64_t *ranks, size_t nk, double *out)
{
    if (c == NULL)
        return CRM_EINVAL;
    if (nk == 0)
        return CRM_OK; /* nk is the same everywhere: no rank waits */
    select_state s = {0};
    const int bad = ranks == NULL || out == NULL;
    const int nomem = !state_alloc(&s, nk);
    int64_t total = 0;
    crm_status rc = agree_count(c, v, n, bad, nomem, &total);
    if (rc != CRM_OK)
        goto done;
    for (size_t j = 0; j < nk; j++) {
        if (ranks[j] < 0 || ranks[j] >= total) {
            rc = CRM_ERANGE;
            goto done;
        }
    }
    rc = radix_select(c, v, n, ranks, nk, &s, out);
done:
    state_free(&s);
    return rc;
}

crm_status crm_quantiles_cuts(const crm_comm *c, const double *v, size_t n,
                              int bins, double *cuts, int64_t *total)
{
    if (c == NULL || bins < 2 || bins > MAX_BINS)
        return CRM_EINVAL;
    int64_t count = 0;
    crm_status rc = agree_count(c, v, n, cuts == NULL || total == NULL, 0,
                                &count);
    if (rc != CRM_OK)
        return rc;
    const size_t ncuts = (size_t)bins - 1;
    if (count == 0) {
        for (size_t j = 0; j < ncuts; j++)
            cuts[j] = NAN;
        *total = 0;
        return CRM_OK;
    }
    /* ceil((j+1) * N / bins) split as (j+1) * q + ceil((j+1) * r / bins),
     * N = q * bins + r, so that (j+1) * N cannot overflow */
    int64_t ranks[MAX_BINS - 1];
    const int64_t q = count / bins, r = count % bins;
    for (int64_t j = 0; j < (int64_t)ncuts; j++)
        ranks[j] = (j + 1) * q + ((j + 1) * r + bins - 1) / bins - 1;
    rc = crm_quantiles_select(c, v, n, ranks, ncuts, cuts);
    if (rc == CRM_OK)
        *total = count;
    return rc;
}

int crm_quantiles_bin(double v, const double *cuts, int bins)
{
    if (isnan(v))
        return 0;
    int b = 1;
    for (int j = 0; j + 1 < bins; j++)
        b += v > cuts[j];
    return b;
}
