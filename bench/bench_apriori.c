/* bench/bench_apriori.c — Apriori frequent itemsets and rules, whole mining.
 *
 * Baskets come from a FIMI file (one basket per line, space-separated item
 * ids: retail.dat) or are generated from a seed in the manner of the IBM
 * Quest generator: 1000 planted patterns of 2..6 items over 5000 items with
 * skewed popularity, each basket holding 0..2 corrupted patterns plus
 * skewed noise items (counter-based draws, so every run sees the same
 * data). One repeat times the whole single-rank mining as the engine runs
 * it: item counts, create, prepare, every level, then the rules (timed
 * apart). The answer is verified against a straightforward count: the
 * frequent items by a plain scan, and for a sample of up to 300 itemsets of
 * every length, their supports by testing every basket for containment
 * (the sums must match), so a fast wrong result fails.
 * Usage: bench_apriori [min_support 0.001] [FIMI file | gen] [baskets for
 *        gen 10000000] [repeat 3] [min_confidence 0.5] */
#include "bench/bench.h"

#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "algorithms/apriori/apriori.h"
#include "core/rng.h"

typedef struct data {
    size_t n, nitems, len, cap;
    int64_t *offset;
    int32_t *items;
} data;

static int push_item(data *d, int32_t x)
{
    if (d->len == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 1 << 20;
        int32_t *p = realloc(d->items, d->cap * sizeof *p);
        if (p == NULL)
            return 1;
        d->items = p;
    }
    d->items[d->len++] = x;
    d->nitems = (size_t)x + 1 > d->nitems ? (size_t)x + 1 : d->nitems;
    return 0;
}

static int end_basket(data *d, size_t *cap)
{
    if (d->n + 2 > *cap) {
        *cap = *cap ? 2 * *cap : 1 << 16;
        int64_t *p = realloc(d->offset, *cap * sizeof *p);
        if (p == NULL)
            return 1;
        d->offset = p;
    }
    if (d->n == 0)
        d->offset[0] = 0;
    d->offset[++d->n] = (int64_t)d->len;
    return 0;
}

static int read_fimi(const char *path, data *d)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 1;
    size_t cap = 0;
    int c, in = 0, rc = 0;
    long v = 0;
    while (rc == 0 && (c = getc(f)) != EOF) {
        if (c >= '0' && c <= '9') {
            v = 10 * v + (c - '0');
            in = 1;
            continue;
        }
        if (in)
            rc |= push_item(d, (int32_t)v);
        in = 0;
        v = 0;
        if (c == '\n')
            rc |= end_basket(d, &cap);
    }
    if (in)
        rc |= push_item(d, (int32_t)v);
    if (d->offset == NULL || d->len > (size_t)d->offset[d->n])
        rc |= end_basket(d, &cap);
    fclose(f);
    return rc;
}

/* A skewed item: the smaller of two uniform draws over 5000 ids. */
static int32_t skewed(uint64_t stream, uint64_t i)
{
    const uint64_t u = crm_rng_u64(7, stream, i) % 5000;
    const uint64_t v = crm_rng_u64(7, stream + 1, i) % 5000;
    return (int32_t)(u < v ? u : v);
}

static int generate(size_t n, data *d)
{
    int32_t pat[1000][6];
    size_t plen[1000], cap = 0;
    for (size_t p = 0; p < 1000; p++) {
        plen[p] = 2 + crm_rng_u64(7, 1, p) % 5;
        for (size_t j = 0; j < plen[p]; j++)
            pat[p][j] = skewed(2, p * 8 + j);
    }
    int rc = 0;
    for (size_t b = 0; rc == 0 && b < n; b++) {
        const size_t npat = crm_rng_u64(7, 4, b) % 3;
        for (size_t k = 0; k < npat; k++) {
            const uint64_t r = crm_rng_u64(7, 5, b * 4 + k);
            const size_t p = (r % 1000) * ((r >> 20) % 1000) / 1000;
            for (size_t j = 0; j < plen[p]; j++)
                if ((r >> (40 + j)) % 8 != 0) /* corrupted: 1 in 8 dropped */
                    rc |= push_item(d, pat[p][j]);
        }
        const size_t noise = crm_rng_u64(7, 6, b) % 9;
        for (size_t j = 0; j < noise; j++)
            rc |= push_item(d, skewed(8, b * 16 + j));
        rc |= end_basket(d, &cap);
    }
    d->nitems = 5000;
    return rc;
}

/* The whole mining; *a is the miner. */
static int mine(const data *d, int64_t min_count, crm_apriori **out)
{
    const crm_baskets b = {d->n, d->offset, d->items};
    int64_t *ic = calloc(d->nitems, sizeof *ic);
    crm_apriori *a = NULL;
    size_t len, nc;
    int rc = ic == NULL;
    rc = rc || crm_apriori_count_items(&b, d->nitems, ic) != CRM_OK;
    rc = rc || crm_apriori_create(ic, d->nitems, (int64_t)d->n, min_count, 0,
                                  (size_t)8 << 30, &a) != CRM_OK;
    if (rc == 0) {
        crm_apriori_set_threads(a, (size_t)bench_threads());
        rc = crm_apriori_prepare(a, &b) != CRM_OK;
    }
    while (rc == 0 && crm_apriori_next_level(a, &len, &nc) == CRM_OK &&
           nc > 0)
        rc = crm_apriori_count(a, NULL) != CRM_OK ||
             crm_apriori_select(a) != CRM_OK;
    free(ic);
    *out = a;
    return rc;
}

static int contains(const int32_t *b, size_t m, const int32_t *x, size_t k)
{
    for (size_t j = 0; j < k; j++) {
        size_t i = 0;
        while (i < m && b[i] != x[j])
            i++;
        if (i == m)
            return 0;
    }
    return 1;
}

/* Plain scans: the frequent items, and the supports of sampled itemsets. */
static int verify(const data *d, const crm_apriori *a, int64_t min_count)
{
    int64_t *ic = calloc(d->nitems, sizeof *ic);
    unsigned char *seen = calloc(d->nitems, 1);
    size_t nfreq = 0;
    for (size_t b = 0; b < d->n; b++) {
        for (int64_t j = d->offset[b]; j < d->offset[b + 1]; j++)
            ic[d->items[j]] += !seen[d->items[j]]++;
        for (int64_t j = d->offset[b]; j < d->offset[b + 1]; j++)
            seen[d->items[j]] = 0;
    }
    for (size_t i = 0; i < d->nitems; i++)
        nfreq += ic[i] >= min_count;
    int ok = nfreq == crm_apriori_count_by_length(a, 1);
    const size_t ns = crm_apriori_nitemsets(a);
    const size_t step = ns / 300 + 1;
    int64_t want = 0, got = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : want, got)
    for (size_t s = 0; s < ns; s += step) {
        const int32_t *x;
        size_t k;
        int64_t c, n = 0;
        crm_apriori_itemset(a, ns - 1 - s, &x, &k, &c); /* longest first */
        for (size_t b = 0; b < d->n; b++)
            n += contains(d->items + d->offset[b],
                          (size_t)(d->offset[b + 1] - d->offset[b]), x, k);
        want += n;
        got += c;
    }
    free(ic);
    free(seen);
    return ok && want == got;
}

static void report(const data *d, const char *src, double support,
                   int64_t min_count, const crm_apriori *a, size_t nr,
                   double min_conf, double rules_s, double *t, size_t repeat)
{
    const double med = bench_median(t, repeat);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    char extra[512];
    snprintf(extra, sizeof extra,
             "\"source\": \"%s\", \"min_support\": %g, \"min_count\": %lld, "
             "\"items\": %zu, \"itemsets\": %zu, \"max_len\": %zu, "
             "\"itemsets_per_s\": %.0f, \"rules\": %zu, \"min_confidence\": "
             "%g, \"rules_min_s\": %.6f, \"peak_rss_mb\": %.1f, "
             "\"verified\": true",
             src, support, (long long)min_count, d->nitems,
             crm_apriori_nitemsets(a), crm_apriori_max_itemset_len(a),
             (double)crm_apriori_nitemsets(a) / med, nr, min_conf, rules_s,
             (double)ru.ru_maxrss / 1024.0);
    bench_report("apriori", (long long)d->n, t, repeat, extra);
}

int main(int argc, char **argv)
{
    const double support = argc > 1 ? atof(argv[1]) : 0.001;
    const char *src = argc > 2 ? argv[2] : "gen";
    const size_t ngen = argc > 3 ? (size_t)atol(argv[3]) : 10000000;
    const size_t repeat = argc > 4 ? (size_t)atol(argv[4]) : 3;
    const double min_conf = argc > 5 ? atof(argv[5]) : 0.5;
    data d = {0};
    const int gen = strcmp(src, "gen") == 0;
    if (repeat == 0 || !(support > 0 && support <= 1) ||
        (gen ? generate(ngen, &d) : read_fimi(src, &d)) != 0 || d.n == 0) {
        fprintf(stderr, "bench_apriori: bad arguments or input\n");
        return 1;
    }
    int64_t min_count = (int64_t)(support * (double)d.n);
    min_count += (double)min_count < support * (double)d.n; /* ceil */
    min_count = min_count < 1 ? 1 : min_count;
    double *t = malloc(repeat * sizeof *t), rules_s = 0;
    crm_apriori *a = NULL;
    crm_rule *r = NULL;
    size_t nr = 0;
    for (size_t i = 0; i < repeat; i++) {
        crm_apriori_destroy(a);
        crm_apriori_rules_free(r, nr);
        const double t0 = bench_now();
        if (mine(&d, min_count, &a) != 0)
            return 1;
        const double t1 = bench_now();
        if (crm_apriori_rules(a, min_conf, 0.0, &r, &nr) != CRM_OK)
            return 1;
        const double rt = bench_now() - t1;
        t[i] = t1 - t0;
        rules_s = i == 0 || rt < rules_s ? rt : rules_s;
    }
    if (!verify(&d, a, min_count)) {
        fprintf(stderr, "bench_apriori: wrong answer\n");
        return 1;
    }
    report(&d, gen ? "gen" : src, support, min_count, a, nr, min_conf,
           rules_s, t, repeat);
    crm_apriori_rules_free(r, nr);
    crm_apriori_destroy(a);
    free(t);
    free(d.offset);
    free(d.items);
    return 0;
}
