/* engine/stage_apriori.c — mining loop, tables and offers. */
#define _POSIX_C_SOURCE 200809L
#include "engine/stage_apriori.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/apriori/apriori.h"
#include "engine/apriori_baskets.h"
#include "io/export.h"

/* A text table built on rank 0 for itemsets.csv, rules.csv and model.h5:
 * up to two text columns and a few numeric ones, all owned. */
typedef struct text_table {
    size_t n;
    size_t ntext, nnum;
    const char *text_names[2];
    char **text[2];            /* ntext x n strings */
    const char *num_names[6];
    crm_type num_types[6];
    void *num[6];              /* nnum x n values */
} text_table;

static void text_table_free(void *p)
{
    text_table *t = p;
    if (t == NULL)
        return;
    for (size_t c = 0; c < t->ntext; c++) {
        for (size_t i = 0; t->text[c] != NULL && i < t->n; i++)
            free(t->text[c][i]);
        free(t->text[c]);
    }
    for (size_t c = 0; c < t->nnum; c++)
        free(t->num[c]);
    free(t);
}

/* The table as columns: text as dictionaries whose code is the row. */
static crm_status as_columns(const text_table *t, int32_t **codes,
                             crm_column *cols)
{
    *codes = malloc((t->n + 1) * sizeof **codes);
    if (*codes == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < t->n; i++)
        (*codes)[i] = (int32_t)i;
    size_t k = 0;
    for (size_t c = 0; c < t->ntext; c++)
        cols[k++] = (crm_column){.name = t->text_names[c],
                                 .type = CRM_TYPE_INT32, .data = *codes,
                                 .dict = (const char *const *)t->text[c],
                                 .ndict = t->n};
    for (size_t c = 0; c < t->nnum; c++)
        cols[k++] = (crm_column){.name = t->num_names[c],
                                 .type = t->num_types[c], .data = t->num[c]};
    return CRM_OK;
}

static crm_status write_csv_file(const char *path, void *ctx, crm_error *err)
{
    const text_table *tt = ctx;
    crm_column cols[8];
    int32_t *codes = NULL;
    crm_status rc = as_columns(tt, &codes, cols);
    const crm_table t = {.nrows = tt->n, .ncols = tt->ntext + tt->nnum,
                         .cols = cols};
    if (rc == CRM_OK)
        rc = crm_csv_write_table(&t, path, err);
    free(codes);
    return rc;
}

static crm_status write_rules_model(crm_store *st, void *ctx, crm_error *err)
{
    const text_table *tt = ctx;
    crm_column cols[8];
    int32_t *codes = NULL;
    const crm_comm self = crm_comm_self();
    crm_status rc = as_columns(tt, &codes, cols);
    const crm_table t = {.nrows = tt->n, .ncols = tt->ntext + tt->nnum,
                         .cols = cols};
    if (rc == CRM_OK)
        rc = crm_store_write(st, "/apriori_rules", &t, &self, 0, H5P_DEFAULT,
                             err);
    free(codes);
    return rc;
}

/* "name|name|..." of items[0..n). */
static char *join_names(const crm_basket_set *b, const int32_t *items,
                        size_t n)
{
    size_t cap = 64, len = 0;
    char *s = malloc(cap), name[256];
    for (size_t i = 0; s != NULL && i < n; i++) {
        crm_baskets_item_name(b, items[i], name, sizeof name);
        const size_t add = strlen(name) + 1;
        if (len + add + 1 > cap) {
            cap = 2 * (len + add + 1);
            char *grown = realloc(s, cap);
            if (grown == NULL) {
                free(s);
                return NULL;
            }
            s = grown;
        }
        len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? "|" : "",
                                name);
    }
    if (s != NULL && n == 0)
        s[0] = '\0';
    return s;
}

static text_table *table_new(size_t n, size_t ntext, size_t nnum)
{
    text_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->n = n;
    t->ntext = ntext;
    t->nnum = nnum;
    int ok = 1;
    for (size_t c = 0; c < ntext; c++)
        ok &= (t->text[c] = calloc(n + 1, sizeof(char *))) != NULL;
    for (size_t c = 0; c < nnum; c++)
        ok &= (t->num[c] = calloc(n + 1, sizeof(double))) != NULL;
    if (!ok) {
        text_table_free(t);
        return NULL;
    }
    return t;
}

static crm_status itemsets_table(const crm_apriori *a,
                                 const crm_basket_set *b, text_table **out)
{
    const size_t n = crm_apriori_nitemsets(a);
    text_table *t = table_new(n, 1, 2);
    if (t == NULL)
        return CRM_ENOMEM;
    t->text_names[0] = "items";
    t->num_names[0] = "count";
    t->num_types[0] = CRM_TYPE_INT64;
    t->num_names[1] = "support";
    t->num_types[1] = CRM_TYPE_FLOAT64;
    for (size_t i = 0; i < n; i++) {
        const int32_t *items = NULL;
        size_t len = 0;
        int64_t count = 0;
        crm_apriori_itemset(a, i, &items, &len, &count);
        if ((t->text[0][i] = join_names(b, items, len)) == NULL) {
            text_table_free(t);
            return CRM_ENOMEM;
        }
        ((int64_t *)t->num[0])[i] = count;
        ((double *)t->num[1])[i] = (double)count / (double)b->nbaskets;
    }
    *out = t;
    return CRM_OK;
}

static crm_status rules_table(const crm_rule *r, size_t n,
                              const crm_basket_set *b, text_table **out)
{
    static const char *const names[] = {"count", "support", "confidence",
                                        "lift", "leverage", "conviction"};
    text_table *t = table_new(n, 2, 6);
    if (t == NULL)
        return CRM_ENOMEM;
    t->text_names[0] = "antecedent";
    t->text_names[1] = "consequent";
    for (size_t c = 0; c < 6; c++) {
        t->num_names[c] = names[c];
        t->num_types[c] = c == 0 ? CRM_TYPE_INT64 : CRM_TYPE_FLOAT64;
    }
    for (size_t i = 0; i < n; i++) {
        t->text[0][i] = join_names(b, r[i].lhs, r[i].nlhs);
        t->text[1][i] = join_names(b, r[i].rhs, r[i].nrhs);
        if (t->text[0][i] == NULL || t->text[1][i] == NULL) {
            text_table_free(t);
            return CRM_ENOMEM;
        }
        ((int64_t *)t->num[0])[i] = r[i].count;
        const double m[5] = {r[i].support, r[i].confidence, r[i].lift,
                             r[i].leverage, r[i].conviction};
        for (size_t c = 0; c < 5; c++)
            ((double *)t->num[c + 1])[i] = m[c];
    }
    *out = t;
    return CRM_OK;
}

/* Customer c's code, score and text from the shared read-only index
 * (dynamic: item counts vary by customer). Iteration c writes slot c only,
 * so any thread count gives the same output. CRM_ENOMEM: a text failed. */
static crm_status offer_all(const crm_run *run, const crm_basket_set *b,
                            const crm_apriori_offers *ix, size_t n,
                            int64_t *code, double *score, char **text)
{
    const size_t top = (size_t)run->job->apriori.recommend;
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 256) reduction(| : failed)
    for (size_t c = 0; c < n; c++) {
        int32_t items[100]; /* recommend <= 100 (job_keys.c) */
        double scores[100];
        size_t nout = 0;
        const int64_t o0 = b->cust_offset[c], o1 = b->cust_offset[c + 1];
        if (crm_apriori_offers_recommend(ix, b->cust_items + o0,
                                         (size_t)(o1 - o0), top, items,
                                         scores, &nout) != CRM_OK) {
            failed = 1;
            continue;
        }
        code[c] = run->row0 + (int64_t)c;
        score[c] = nout > 0 ? scores[0] : NAN;
        text[c] = join_names(b, items, nout);
        failed |= text[c] == NULL;
    }
    return failed ? CRM_ENOMEM : CRM_OK;
}

/* recs (text, '|'-joined items, best first) and recs_score (the first
 * item's score, NaN without one) for this rank's customers. The text
 * column is a row-keyed dictionary: code = global row, one entry per
 * customer, assembled across ranks in rank order. */
static crm_status add_recs(crm_run *run, const crm_basket_set *b,
                           const crm_rule *rules, size_t nrules)
{
    const size_t n = crm_run_nlocal(run);
    crm_apriori_offers *ix = NULL;
    int64_t *code = malloc((n + 1) * sizeof *code);
    double *score = malloc((n + 1) * sizeof *score);
    char **text = calloc(n + 1, sizeof *text);
    crm_status rc = (code && score && text) ? CRM_OK : CRM_ENOMEM;
    if (rc == CRM_OK)
        rc = crm_apriori_offers_create(rules, nrules, b->nitems, &ix);
    if (rc == CRM_OK)
        rc = offer_all(run, b, ix, n, code, score, text);
    crm_apriori_offers_destroy(ix);
    /* the dictionary's strings live as long as the scores: owned by a
     * score column's buffer would need a second owner, so they are kept
     * in the run's score_data through the recs column's data pointer */
    if (rc == CRM_OK)
        rc = crm_run_add_score_text(run, "recs", code, text, n);
    else {
        for (size_t c = 0; text != NULL && c < n; c++)
            free(text[c]);
        free(text);
        free(code);
    }
    const crm_status rc2 = crm_run_add_score(
        run, (crm_column){.name = "recs_score", .type = CRM_TYPE_FLOAT64},
        score);
    return rc != CRM_OK ? rc : rc2;
}

/* Level-wise counting: local counts, one integer allreduce per level. */
static crm_status mine(crm_run *run, crm_apriori *a, const crm_baskets *cb,
                       int64_t nbaskets, crm_error *err)
{
    size_t len = 0, ncounts = 0;
    crm_apriori_set_threads(a, (size_t)run->nthreads);
    /* the miner keeps a recoded copy: frequent items only, shrunk by level */
    crm_status rc = crm_apriori_prepare(a, cb);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    while ((rc = crm_apriori_next_level(a, &len, &ncounts)) == CRM_OK &&
           ncounts > 0) {
        crm_log_info(run->log, "apriori: level %zu, %zu candidates", len,
                     ncounts);
        int64_t *c = crm_apriori_counts(a);
        rc = crm_apriori_count(a, NULL);
        if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
            return rc;
        if ((rc = run->comm->allreduce_i64(run->comm, c, ncounts,
                                           CRM_OP_SUM)) != CRM_OK)
            return rc;
        if ((rc = crm_mpi_agree(run->mpi, crm_apriori_select(a), err)) !=
            CRM_OK)
            return rc;
    }
    if (rc == CRM_ERANGE)
        return crm_error_set(err, CRM_ERANGE, "stage apriori: the candidates "
                             "of level %zu need more than memory_mb = %lld "
                             "MB; raise min_support (now %g of %lld "
                             "baskets) or memory_mb", len,
                             (long long)run->job->apriori.memory_mb,
                             run->job->apriori.min_support,
                             (long long)nbaskets);
    return rc;
}

static int64_t min_count_of(const crm_job_apriori *cfg, int64_t nbaskets)
{
    if (cfg->min_count > 0)
        return cfg->min_count;
    const int64_t c = (int64_t)ceil(cfg->min_support * (double)nbaskets -
                                    1e-9 * (double)nbaskets);
    return c > 0 ? c : 1;
}

static void report(cJSON *js, const crm_apriori *a, int64_t nbaskets,
                   int64_t min_count, size_t nrules)
{
    cJSON_AddNumberToObject(js, "baskets", (double)nbaskets);
    cJSON_AddNumberToObject(js, "min_count", (double)min_count);
    cJSON_AddNumberToObject(js, "itemsets",
                            (double)crm_apriori_nitemsets(a));
    cJSON *by = cJSON_AddArrayToObject(js, "itemsets_by_length");
    const size_t n = crm_apriori_nitemsets(a);
    size_t counts[64] = {0}, maxlen = 0;
    for (size_t i = 0; i < n; i++) {
        const int32_t *items = NULL;
        size_t len = 0;
        int64_t count = 0;
        crm_apriori_itemset(a, i, &items, &len, &count);
        if (len >= 1 && len <= 64) {
            counts[len - 1]++;
            maxlen = len > maxlen ? len : maxlen;
        }
    }
    for (size_t l = 0; l < maxlen; l++)
        cJSON_AddItemToArray(by, cJSON_CreateNumber((double)counts[l]));
    cJSON_AddNumberToObject(js, "rules", (double)nrules);
}

/* Rank 0 keeps the itemsets and rules tables for the output files; the
 * rules go to model.h5 too (borrowed there: the CSV output owns them). */
static crm_status tables(crm_run *run, const crm_apriori *a,
                         const crm_basket_set *b, const crm_rule *rules,
                         size_t nrules)
{
    text_table *items = NULL, *rt = NULL;
    crm_status rc = CRM_OK;
    if (run->rank == 0) {
        rc = itemsets_table(a, b, &items);
        if (rc == CRM_OK)
            rc = rules_table(rules, nrules, b, &rt);
    }
    if ((rc = crm_mpi_agree(run->mpi, rc, NULL)) != CRM_OK) {
        text_table_free(items);
        text_table_free(rt);
        return rc;
    }
    rc = crm_run_add_output(run, "itemsets.csv", write_csv_file, items,
                            text_table_free);
    const crm_status r2 = crm_run_add_output(run, "rules.csv",
                                             write_csv_file, rt,
                                             text_table_free);
    const crm_status r3 = crm_run_add_model(run, write_rules_model, rt, NULL);
    return rc != CRM_OK ? rc : r2 != CRM_OK ? r2 : r3;
}

crm_status crm_stage_apriori(crm_run *run, cJSON *js, crm_error *err)
{
    const crm_job_apriori *cfg = &run->job->apriori;
    crm_basket_set *b = NULL;
    crm_apriori *a = NULL;
    crm_rule *rules = NULL;
    size_t nrules = 0;
    int64_t *counts = NULL;
    crm_status rc = crm_baskets_load(run, &b, err);
    if (rc != CRM_OK)
        return rc;
    const double t0 = crm_log_now();
    const crm_baskets cb = {b->n, b->offset, b->items};
    counts = calloc(b->nitems + 1, sizeof *counts);
    rc = counts == NULL ? CRM_ENOMEM
                        : crm_apriori_count_items(&cb, b->nitems, counts);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) == CRM_OK)
        rc = run->comm->allreduce_i64(run->comm, counts, b->nitems,
                                      CRM_OP_SUM);
    const int64_t min_count = min_count_of(cfg, b->nbaskets);
    if (rc == CRM_OK)
        rc = crm_apriori_create(counts, b->nitems, b->nbaskets, min_count,
                                (size_t)cfg->max_len,
                                (size_t)cfg->memory_mb << 20, &a);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) == CRM_OK)
        rc = mine(run, a, &cb, b->nbaskets, err);
    if (rc == CRM_OK)
        rc = crm_apriori_rules(a, cfg->min_confidence, cfg->min_lift, &rules,
                               &nrules);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    report(js, a, b->nbaskets, min_count, nrules);
    rc = tables(run, a, b, rules, nrules);
    if (rc == CRM_OK && b->cust_offset != NULL && cfg->recommend > 0)
        rc = crm_mpi_agree(run->mpi, add_recs(run, b, rules, nrules), err);
    run->seconds_compute += crm_log_now() - t0;
done:
    crm_apriori_rules_free(rules, nrules);
    crm_apriori_destroy(a);
    free(counts);
    crm_baskets_free(b);
    return rc;
}
