/* engine/job_keys.c — the keys of [job], [input], [output], [rfm],
 * [kmeans] and [apriori] (docs/JOBS.md), one parser per key. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/kmeans/kmeans.h"
#include "engine/job_int.h"

static crm_status job_name(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return crm_job_fail(ps, "name", "expected a non-empty name%s", "");
    return crm_job_set_string(&ps->job->name, strdup(v));
}

static crm_status job_seed(parse_state *ps, const char *v)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long x = strtoull(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || v[0] == '-')
        return crm_job_fail(ps, "seed", "expected a non-negative integer, got \"%s\"",
                    v);
    ps->job->seed = (uint64_t)x;
    return CRM_OK;
}

static crm_status input_store(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return crm_job_fail(ps, "store", "expected a path to an .h5 store%s", "");
    return crm_job_set_string(&ps->job->store, crm_job_dup_path(ps, v));
}

static crm_status output_dir(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return crm_job_fail(ps, "dir", "expected a folder path%s", "");
    return crm_job_set_string(&ps->job->out_dir, crm_job_dup_path(ps, v));
}

static crm_status output_csv(parse_state *ps, const char *v)
{
    if (!crm_job_parse_bool(v, &ps->job->csv))
        return crm_job_fail(ps, "csv", "expected yes or no, got \"%s\"", v);
    return CRM_OK;
}

static crm_status rfm_as_of(parse_state *ps, const char *v)
{
    ps->job->rfm.has_as_of = 1;
    return crm_job_day_key(ps, "as_of", v, &ps->job->rfm.as_of_day);
}

static crm_status rfm_bins(parse_state *ps, const char *v)
{
    long long x = 0;
    if (!crm_job_parse_int(v, 2, 20, &x))
        return crm_job_fail(ps, "bins", "expected an integer from 2 to 20, got \"%s\"",
                    v);
    ps->job->rfm.bins = (int)x;
    return CRM_OK;
}

static crm_status rfm_monetary(parse_state *ps, const char *v)
{
    if (strcmp(v, "sum") == 0)
        ps->job->rfm.monetary_mean = 0;
    else if (strcmp(v, "mean") == 0)
        ps->job->rfm.monetary_mean = 1;
    else
        return crm_job_fail(ps, "monetary", "expected sum or mean, got \"%s\"", v);
    return CRM_OK;
}

static crm_status kmeans_features(parse_state *ps, const char *v)
{
    return crm_job_parse_list(ps, "features", v, &ps->job->kmeans.features);
}

static crm_status kmeans_onehot(parse_state *ps, const char *v)
{
    return crm_job_parse_list(ps, "onehot", v, &ps->job->kmeans.onehot);
}

static crm_status kmeans_log1p(parse_state *ps, const char *v)
{
    return crm_job_parse_list(ps, "log1p", v, &ps->job->kmeans.log1p);
}

static crm_status kmeans_scaling(parse_state *ps, const char *v)
{
    if (strcmp(v, "zscore") == 0)
        ps->job->kmeans.zscore = 1;
    else if (strcmp(v, "none") == 0)
        ps->job->kmeans.zscore = 0;
    else
        return crm_job_fail(ps, "scaling", "expected zscore or none, got \"%s\"", v);
    return CRM_OK;
}

static crm_status kmeans_init(parse_state *ps, const char *v)
{
    if (strcmp(v, "auto") == 0)
        ps->job->kmeans.init = CRM_KMEANS_INIT_AUTO;
    else if (strcmp(v, "k-means++") == 0)
        ps->job->kmeans.init = CRM_KMEANS_INIT_PLUSPLUS;
    else if (strcmp(v, "k-means||") == 0)
        ps->job->kmeans.init = CRM_KMEANS_INIT_PARALLEL;
    else
        return crm_job_fail(ps, "init", "expected auto, k-means++ or k-means||, "
                    "got \"%s\"", v);
    return CRM_OK;
}

static crm_status kmeans_local_trials(parse_state *ps, const char *v)
{
    return crm_job_int_or_auto_key(ps, "local_trials", v, 1,
                                   CRM_KMEANSPP_MAX_TRIALS,
                                   &ps->job->kmeans.local_trials);
}

static crm_status kmeans_k(parse_state *ps, const char *v)
{
    return crm_job_int_or_auto_key(ps, "k", v, 1, 4096, &ps->job->kmeans.k);
}

static crm_status kmeans_k_min(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "k_min", v, 2, 4096, &ps->job->kmeans.k_min);
}

static crm_status kmeans_k_max(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "k_max", v, 2, 4096, &ps->job->kmeans.k_max);
}

static crm_status kmeans_n_init(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "n_init", v, 1, 1000, &ps->job->kmeans.n_init);
}

static crm_status kmeans_max_iter(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "max_iter", v, 1, 100000,
                      &ps->job->kmeans.max_iter);
}

static crm_status kmeans_tol(parse_state *ps, const char *v)
{
    char *end = NULL;
    errno = 0;
    const double x = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !(x >= 0) || x > 1e6)
        return crm_job_fail(ps, "tol", "expected a number >= 0, got \"%s\"", v);
    ps->job->kmeans.tol = x;
    return CRM_OK;
}

static crm_status kmeans_model(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return crm_job_fail(ps, "model", "expected a path to a model.h5%s", "");
    return crm_job_set_string(&ps->job->kmeans.model, crm_job_dup_path(ps, v));
}

static crm_status apriori_basket(parse_state *ps, const char *v)
{
    if (strcmp(v, "order") == 0)
        ps->job->apriori.basket_customer = 0;
    else if (strcmp(v, "customer") == 0)
        ps->job->apriori.basket_customer = 1;
    else
        return crm_job_fail(ps, "basket", "expected order or customer, got \"%s\"",
                    v);
    return CRM_OK;
}

static crm_status apriori_item(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return crm_job_fail(ps, "item", "expected a column name%s", "");
    return crm_job_set_string(&ps->job->apriori.item, strdup(v));
}

/* A fraction in (0, 1] written with a decimal point or exponent, or an
 * absolute count written as an integer >= 1. */
static crm_status apriori_min_support(parse_state *ps, const char *v)
{
    long long count = 0;
    char *end = NULL;
    errno = 0;
    const double x = strtod(v, &end);
    if (strpbrk(v, ".eE") == NULL && crm_job_parse_int(v, 1, INT64_MAX, &count)) {
        ps->job->apriori.min_count = count;
        return CRM_OK;
    }
    if (errno != 0 || end == v || *end != '\0' || !(x > 0 && x <= 1))
        return crm_job_fail(ps, "min_support", "expected a fraction in (0, 1] or a "
                    "count >= 1, got \"%s\"", v);
    ps->job->apriori.min_support = x;
    ps->job->apriori.min_count = 0;
    return CRM_OK;
}

static crm_status apriori_min_confidence(parse_state *ps, const char *v)
{
    return crm_job_real_key(ps, "min_confidence", v, 0, 1,
                        &ps->job->apriori.min_confidence);
}

static crm_status apriori_min_lift(parse_state *ps, const char *v)
{
    return crm_job_real_key(ps, "min_lift", v, 0, 1e12,
                        &ps->job->apriori.min_lift);
}

static crm_status apriori_max_len(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "max_len", v, 0, 64, &ps->job->apriori.max_len);
}

static crm_status apriori_recommend(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "recommend", v, 0, 100,
                      &ps->job->apriori.recommend);
}

static crm_status apriori_memory(parse_state *ps, const char *v)
{
    long long x = 0;
    if (!crm_job_parse_int(v, 1, 1 << 30, &x))
        return crm_job_fail(ps, "memory_mb", "expected a number of MB >= 1, got "
                    "\"%s\"", v);
    ps->job->apriori.memory_mb = x;
    return CRM_OK;
}

static const key_entry keys[] = {
    {"job", "name", job_name},         {"job", "seed", job_seed},
    {"input", "store", input_store},   {"output", "dir", output_dir},
    {"output", "csv", output_csv},     {"rfm", "as_of", rfm_as_of},
    {"rfm", "bins", rfm_bins},         {"rfm", "monetary", rfm_monetary},
    {"kmeans", "features", kmeans_features},
    {"kmeans", "onehot", kmeans_onehot},
    {"kmeans", "log1p", kmeans_log1p},
    {"kmeans", "scaling", kmeans_scaling},
    {"kmeans", "k", kmeans_k},
    {"kmeans", "init", kmeans_init},
    {"kmeans", "local_trials", kmeans_local_trials},
    {"kmeans", "k_min", kmeans_k_min},
    {"kmeans", "k_max", kmeans_k_max},
    {"kmeans", "n_init", kmeans_n_init},
    {"kmeans", "max_iter", kmeans_max_iter},
    {"kmeans", "tol", kmeans_tol},
    {"kmeans", "model", kmeans_model},
    {"apriori", "basket", apriori_basket},
    {"apriori", "item", apriori_item},
    {"apriori", "min_support", apriori_min_support},
    {"apriori", "max_len", apriori_max_len},
    {"apriori", "min_confidence", apriori_min_confidence},
    {"apriori", "min_lift", apriori_min_lift},
    {"apriori", "recommend", apriori_recommend},
    {"apriori", "memory_mb", apriori_memory},
};

const key_entry *crm_job_key_find(const char *section, const char *key)
{
    if (strcmp(section, "tree") == 0)
        return crm_job_tree_key_find(key);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].section, section) == 0 &&
            strcmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}
