/* engine/tree_bins.c — bin edges of the numeric features and the bin matrix.
 *
 * Edges come from a sample of the training rows: a row is drawn when its key
 * (tree_data.c) falls below CRM_TREE_BIN_SAMPLE / training rows, so the
 * sample depends only on the customer ids and the seed. The sampled values
 * are gathered on every rank (one allgather), and each feature's values are
 * sorted: the multiset is the same at any rank count, so are the edges. With
 * at most max_bins distinct sampled values the edges are the midpoints
 * between them (rules read "tenure <= 5.5"), else equal-frequency cuts. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/quantiles/quantiles.h"
#include "engine/tree_int.h"

crm_tree_keyed *crm_tree_sort_keyed(crm_tree_keyed *rows, crm_tree_keyed *tmp,
                                    size_t n)
{
    uint64_t all_or = 0, all_and = ~UINT64_C(0);
    for (size_t i = 0; i < n; i++) {
        all_or |= rows[i].key;
        all_and &= rows[i].key;
    }
    for (int shift = 0; shift < 64; shift += 8) {
        if ((((all_or ^ all_and) >> shift) & 0xff) == 0)
            continue; /* every key has the same byte here */
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((rows[i].key >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            tmp[count[(rows[i].key >> shift) & 0xff]++] = rows[i];
        crm_tree_keyed *swap = rows;
        rows = tmp;
        tmp = swap;
    }
    return rows;
}

/* Sorts v[0..n) (finite) ascending through their keys; key holds 2n. */
static void sort_values(double *v, size_t n, crm_tree_keyed *key)
{
    for (size_t i = 0; i < n; i++)
        key[i] = (crm_tree_keyed){crm_quantiles_key(v[i]), 0};
    const crm_tree_keyed *sorted = crm_tree_sort_keyed(key, key + n, n);
    for (size_t i = 0; i < n; i++)
        v[i] = crm_quantiles_value(sorted[i].key);
}

static int sampled(const crm_tree_data *d, size_t i, double p)
{
    /* a second, independent view of the key: its low 53 bits */
    return d->role[i] == CRM_TREE_TRAIN &&
           (double)(d->key[i] & ((UINT64_C(1) << 53) - 1)) * 0x1p-53 < p;
}

/* mine[r * nnum + k] = numeric feature k of sampled local row r. */
static double *local_sample(const crm_tree_data *d, double p, size_t nnum,
                            size_t *rows)
{
    size_t s = 0;
    for (size_t i = 0; i < d->n; i++)
        s += (size_t)sampled(d, i, p);
    double *mine = malloc((s * nnum + 1) * sizeof *mine);
    if (mine == NULL)
        return NULL;
    size_t r = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!sampled(d, i, p))
            continue;
        size_t k = 0;
        for (size_t j = 0; j < d->d; j++)
            if (d->num[j] != NULL)
                mine[r * nnum + k++] = d->num[j][i];
        r++;
    }
    *rows = s;
    return mine;
}

/* Edges of numeric feature k from the gathered sample (rows x nnum). */
static crm_status feature_edges(const double *all, size_t rows, size_t nnum,
                                size_t k, int max_bins, double *scratch,
                                crm_tree_keyed *keys, crm_tree_feature *f)
{
    size_t m = 0;
    for (size_t r = 0; r < rows; r++) {
        const double v = all[r * nnum + k];
        if (isfinite(v))
            scratch[m++] = v;
    }
    sort_values(scratch, m, keys);
    f->edges = malloc((size_t)max_bins * sizeof *f->edges);
    if (f->edges == NULL)
        return CRM_ENOMEM;
    return crm_dtree_edges(scratch, m, (size_t)max_bins, f->edges,
                           &f->nedges);
}

static crm_status numeric_edges(crm_run *run, const crm_tree_data *d,
                                int max_bins, crm_tree_model *m)
{
    size_t nnum = 0, rows = 0;
    for (size_t j = 0; j < d->d; j++)
        nnum += d->num[j] != NULL;
    const int64_t ntrain = d->count[CRM_TREE_TRAIN];
    const double p = ntrain <= CRM_TREE_BIN_SAMPLE
                         ? 1.0
                         : (double)CRM_TREE_BIN_SAMPLE / (double)ntrain;
    double *mine = local_sample(d, p, nnum, &rows), *all = NULL,
           *scratch = NULL;
    crm_tree_keyed *keys = NULL;
    int64_t before = 0, total = 0;
    crm_status rc = mine == NULL ? CRM_ENOMEM : CRM_OK;
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) == CRM_OK)
        rc = crm_comm_exscan_i64(run->comm, (int64_t)rows, &before, &total);
    if (rc == CRM_OK) {
        all = malloc(((size_t)total * nnum + 1) * sizeof *all);
        scratch = malloc(((size_t)total + 1) * sizeof *scratch);
        keys = malloc((2 * (size_t)total + 1) * sizeof *keys);
        rc = (all == NULL || scratch == NULL || keys == NULL) ? CRM_ENOMEM
                                                              : CRM_OK;
    }
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) == CRM_OK)
        rc = run->comm->allgather_f64(run->comm, mine, rows * nnum, all,
                                      (size_t)total * nnum);
    for (size_t j = 0, k = 0; rc == CRM_OK && j < d->d; j++)
        if (d->num[j] != NULL)
            rc = feature_edges(all, (size_t)total, nnum, k++, max_bins,
                               scratch, keys, &m->feat[j]);
    free(keys);
    free(scratch);
    free(all);
    free(mine);
    return rc;
}

static crm_status copy_feature(const crm_tree_data *d, size_t j,
                               crm_tree_feature *f)
{
    if ((f->name = strdup(d->names[j])) == NULL)
        return CRM_ENOMEM;
    if (d->num[j] != NULL)
        return CRM_OK;
    f->categorical = 1;
    f->cats = calloc(d->ncat[j] + 1, sizeof *f->cats);
    if (f->cats == NULL)
        return CRM_ENOMEM;
    for (f->ncat = 0; f->ncat < d->ncat[j]; f->ncat++)
        if ((f->cats[f->ncat] = strdup(d->cats[j][f->ncat])) == NULL)
            return CRM_ENOMEM;
    return CRM_OK;
}

crm_status crm_tree_fit_features(crm_run *run, const crm_tree_data *d,
                                 int max_bins, crm_tree_model *m,
                                 crm_error *err)
{
    m->d = d->d;
    m->feat = calloc(d->d + 1, sizeof *m->feat);
    crm_status rc = m->feat == NULL ? CRM_ENOMEM : CRM_OK;
    for (size_t j = 0; rc == CRM_OK && j < d->d; j++)
        rc = copy_feature(d, j, &m->feat[j]);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    return crm_mpi_agree(run->mpi, numeric_edges(run, d, max_bins, m), err);
}

/* map[k] = the model's code of the store's category k, -1 when unknown. */
static crm_status category_map(const crm_tree_feature *f, char *const *cats,
                               size_t ncat, int32_t **out)
{
    int32_t *map = malloc((ncat + 1) * sizeof *map);
    if (map == NULL)
        return CRM_ENOMEM;
    for (size_t k = 0; k < ncat; k++) {
        map[k] = -1;
        for (size_t c = 0; c < f->ncat && map[k] < 0; c++)
            if (strcmp(f->cats[c], cats[k]) == 0)
                map[k] = (int32_t)c;
    }
    *out = map;
    return CRM_OK;
}

static crm_status bin_categorical(const crm_tree_feature *f,
                                  const crm_tree_data *d, size_t j,
                                  uint8_t *out, int64_t *unseen)
{
    int32_t *map = NULL, *codes = malloc((d->n + 1) * sizeof *codes);
    crm_status rc = codes == NULL ? CRM_ENOMEM
                                  : category_map(f, d->cats[j], d->ncat[j],
                                                 &map);
    for (size_t i = 0; rc == CRM_OK && i < d->n; i++) {
        const int32_t c = d->code[j][i];
        codes[i] = c >= 0 && (size_t)c < d->ncat[j] ? map[c] : -1;
        *unseen += c >= 0 && codes[i] < 0;
    }
    if (rc == CRM_OK)
        rc = crm_dtree_bin_codes(codes, d->n, f->ncat ? f->ncat : 1, out);
    free(map);
    free(codes);
    return rc;
}

crm_status crm_tree_bin(const crm_run *run, const crm_tree_model *m,
                        const crm_tree_data *d, uint8_t *bins,
                        int64_t *unseen, crm_error *err)
{
    *unseen = 0;
    if (d->d != m->d)
        return crm_error_set(err, CRM_ECONFIG, "%s: [tree] the model has %zu "
                             "features, the job gives %zu", run->job->path,
                             m->d, d->d);
    crm_status rc = CRM_OK;
    for (size_t j = 0; rc == CRM_OK && j < m->d; j++) {
        const crm_tree_feature *f = &m->feat[j];
        if (strcmp(f->name, d->names[j]) != 0 ||
            f->categorical != (d->num[j] == NULL))
            return crm_error_set(err, CRM_ECONFIG, "%s: [tree] the model "
                                 "expects %s feature \"%s\" where the store "
                                 "gives \"%s\"", run->job->path,
                                 f->categorical ? "categorical" : "numeric",
                                 f->name, d->names[j]);
        uint8_t *out = bins + j * d->n;
        rc = f->categorical ? bin_categorical(f, d, j, out, unseen)
                            : crm_dtree_bin_values(f->edges, f->nedges,
                                                   d->num[j], d->n, out);
    }
    return rc;
}
