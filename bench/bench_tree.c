/* bench/bench_tree.c — the decision-tree kernels (algorithms/dtree) on a
 * generated telecom churn table, as the engine's [tree] stage will call them.
 *
 * Data: N rows x 30 features drawn row by row from the seed (core/rng.h,
 * keyed by row id, so the table does not depend on threads): tenure,
 * contract, charges, minutes, service calls, data usage ... — skewed and
 * heavy-tailed columns, five categorical ones (<= 8 categories), missing
 * values in five features, eight noise columns — and a 0/1 churn label from
 * planted rules (month-to-month contract first) plus 2 % flipped labels.
 * A hash of the row id puts 80 % of the rows in training, the rest in test.
 *
 * Timed, median of REPEAT runs each:
 *   bin      edges from a deterministic sample of up to 200,000 training
 *            rows (sort + crm_dtree_edges, columns over threads), then
 *            crm_dtree_bin_values / crm_dtree_bin_codes of the train and
 *            test columns (rows over threads);
 *   grow     one tree per depth (8 and 6 by default) on the training rows:
 *            the kernel calling sequence of dtree.h with one process (the
 *            allreduce is a no-op), model_create included;
 *   predict  crm_dtree_predict on the test rows.
 * Verified every run (exit 1 otherwise): the tree grown at 1 thread and at
 * 2 threads is byte-identical (nodes, importances and every row's leaf); the
 * root splits on the planted feature (contract) with month-to-month alone on
 * one side; every repeat grows the same tree; test AUC (Mann-Whitney, ties
 * 1/2, computed here) is above 0.75.
 *
 * --write FILE stores the table for the peers (bench/tree_peer.py): FILE
 * holds N x 30 float64 column-major (NaN = missing; categorical columns as
 * their codes), then N uint8 labels, then N uint8 train flags (1 = train);
 * FILE.json gives the shapes, offsets, feature names and categorical flags.
 *
 * Usage: bench_tree [--write FILE] [--depths 8,6] [--min-leaf 20]
 *                   [N 1000000] [REPEAT 5] [SEED 1]
 * Threads: OMP_NUM_THREADS. One JSON line for binning, one per depth. */
#include "bench/bench.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "algorithms/dtree/dtree.h"
#include "core/rng.h"

#define D 30
#define SAMPLE_ROWS 200000
#define MAX_DEPTHS 8
#define S_SPLIT 1000 /* rng streams outside the features' */
#define S_SAMPLE 1001
#define S_LABEL 1002
#define S_FLIP 1003

enum { F_TENURE, F_CONTRACT, F_INTERNET, F_PAYMENT, F_REGION, F_MONTHLY,
       F_TOTAL, F_DAY, F_EVE, F_NIGHT, F_INTL, F_CALLS, F_DATA, F_DROPPED,
       F_TOPUP, F_LINES, F_AGE, F_DEVICES, F_BILLCHG, F_ROAMING,
       F_COMPLAINTS, F_SATISFACTION, F_NOISE0 };

static const char *const feature_name[D] = {
    "tenure_months", "contract", "internet_service", "payment_method",
    "region", "monthly_charges", "total_charges", "day_minutes",
    "eve_minutes", "night_minutes", "intl_minutes", "service_calls",
    "data_gb", "dropped_calls", "days_since_topup", "num_lines", "age",
    "devices", "bill_change_pct", "roaming_minutes", "complaints_90d",
    "satisfaction", "noise_0", "noise_1", "noise_2", "noise_3", "noise_4",
    "noise_5", "noise_6", "noise_7"};

/* Categories of the categorical features, 0 for numeric ones. */
static const uint8_t ncat_of[D] = {
    [F_CONTRACT] = 3, [F_INTERNET] = 3, [F_PAYMENT] = 4, [F_REGION] = 8,
    [F_DEVICES] = 5};

/* ---- the generator ---------------------------------------------------- */

typedef struct draw {
    uint64_t seed, row;
} draw;

static double unit(const draw *r, uint64_t stream)
{
    return crm_rng_unit(r->seed, stream, r->row);
}

/* Standard normal by Box-Muller from streams 2k and 2k+1 of feature f. */
static double normal(const draw *r, int f)
{
    const double u = 1.0 - unit(r, 16u * (uint64_t)f + 1);
    const double v = unit(r, 16u * (uint64_t)f + 2);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Number of failures before a success of probability p. */
static double geometric(const draw *r, int f, double p)
{
    return floor(log(1.0 - unit(r, 16u * (uint64_t)f + 3)) / log(1.0 - p));
}

static int pick(double u, const double *cum, int k)
{
    int c = 0;
    while (c < k - 1 && u >= cum[c])
        c++;
    return c;
}

static double missing_if(const draw *r, int f, double rate, double v)
{
    return unit(r, 16u * (uint64_t)f + 4) < rate ? NAN : v;
}

/* The account and usage columns x[0..22) of one row. */
static void gen_account(const draw *r, double *x)
{
    static const double contract[] = {0.52, 0.76}, internet[] = {0.2, 0.55},
                        payment[] = {0.33, 0.55, 0.77};
    const double tenure = floor(73.0 * pow(unit(r, 0), 1.4));
    x[F_TENURE] = tenure;
    x[F_CONTRACT] = pick(unit(r, 16), contract, 3);
    x[F_INTERNET] = pick(unit(r, 32), internet, 3);
    x[F_PAYMENT] = pick(unit(r, 48), payment, 4);
    x[F_REGION] = floor(8.0 * unit(r, 64));
    const double monthly = 20.0 + 25.0 * (x[F_INTERNET] == 1) +
                           50.0 * (x[F_INTERNET] == 2) +
                           30.0 * unit(r, 80) + 4.0 * normal(r, F_MONTHLY);
    x[F_MONTHLY] = monthly;
    x[F_TOTAL] = tenure > 0 ? tenure * monthly * (0.95 + 0.1 * unit(r, 96))
                            : NAN; /* new accounts have no bill yet */
    x[F_DAY] = fmax(0.0, 180.0 + 50.0 * normal(r, F_DAY));
    x[F_EVE] = fmax(0.0, 200.0 + 50.0 * normal(r, F_EVE));
    x[F_NIGHT] = fmax(0.0, 200.0 + 50.0 * normal(r, F_NIGHT));
    x[F_INTL] = fmax(0.0, 10.0 + 3.0 * normal(r, F_INTL));
    x[F_CALLS] = geometric(r, F_CALLS, 0.45);
    x[F_DATA] = x[F_INTERNET] == 0
                    ? 0.0
                    : missing_if(r, F_DATA, 0.04,
                                 exp(1.5 + normal(r, F_DATA)));
    x[F_DROPPED] = geometric(r, F_DROPPED, 0.7);
    x[F_TOPUP] = missing_if(r, F_TOPUP, 0.03,
                            -20.0 * log(1.0 - unit(r, 16 * F_TOPUP)));
    x[F_LINES] = fmin(8.0, 1.0 + geometric(r, F_LINES, 0.6));
    x[F_AGE] = missing_if(r, F_AGE, 0.05,
                          floor(18.0 + 30.0 * (unit(r, 16 * F_AGE) +
                                               unit(r, 16 * F_AGE + 5))));
    x[F_DEVICES] = floor(5.0 * pow(unit(r, 16 * F_DEVICES), 2.0));
    x[F_BILLCHG] = 5.0 * normal(r, F_BILLCHG) /
                   (unit(r, 16 * F_BILLCHG + 5) + 0.05);
    x[F_ROAMING] = unit(r, 16 * F_ROAMING) < 0.8
                       ? 0.0
                       : exp(2.0 + 1.5 * normal(r, F_ROAMING));
    x[F_COMPLAINTS] = geometric(r, F_COMPLAINTS, 0.85);
    x[F_SATISFACTION] = missing_if(r, F_SATISFACTION, 0.08,
                                   1.0 + floor(5.0 * unit(r, 16 * F_SATISFACTION)));
}

/* Eight noise columns: uniform, normal, lognormal and small integers. */
static void gen_noise(const draw *r, double *x)
{
    for (int k = 0; k < 8; k++) {
        const int f = F_NOISE0 + k;
        const double u = unit(r, 16u * (uint64_t)f);
        switch (k % 4) {
        case 0: x[f] = u; break;
        case 1: x[f] = normal(r, f); break;
        case 2: x[f] = exp(2.0 * normal(r, f)); break;
        default: x[f] = floor(10.0 * u); break;
        }
    }
}

/* Churn: a logistic of planted rules, month-to-month contract first. */
static uint8_t gen_label(const draw *r, const double *x)
{
    const double tenure = x[F_TENURE], calls = x[F_CALLS];
    double z = -3.1 + 2.6 * (x[F_CONTRACT] == 0) + 0.9 * (x[F_INTERNET] == 2) -
               0.03 * fmin(tenure, 48.0) + 0.6 * (x[F_PAYMENT] == 0) +
               0.4 * fmax(0.0, calls - 2.0) +
               0.012 * (x[F_MONTHLY] - 65.0) +
               1.2 * (calls >= 4.0 && tenure < 12.0) +
               0.3 * x[F_DROPPED] + 0.4 * x[F_COMPLAINTS] +
               0.004 * (x[F_DAY] - 180.0) + 0.5 * isnan(x[F_DATA]);
    if (!isnan(x[F_SATISFACTION]))
        z -= 0.25 * (x[F_SATISFACTION] - 3.0);
    uint8_t y = unit(r, S_LABEL) < 1.0 / (1.0 + exp(-z));
    if (unit(r, S_FLIP) < 0.02)
        y ^= 1u;
    return y;
}

typedef struct table {
    size_t n, ntrain, ntest;
    uint8_t *is_train;   /* n */
    size_t *pos;         /* n: index in its part */
    double *xtr, *xte;   /* column-major, ntrain / ntest rows */
    uint8_t *ytr, *yte;
    int32_t *ctr, *cte;  /* categorical codes, column-major, -1 missing */
} table;

static int table_alloc(table *t, size_t n, uint64_t seed)
{
    t->n = n;
    t->is_train = malloc(n);
    t->pos = malloc(n * sizeof *t->pos);
    if (!t->is_train || !t->pos)
        return 1;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        t->is_train[i] = crm_rng_u64(seed, S_SPLIT, i) % 10 < 8;
    for (size_t i = 0; i < n; i++)
        t->pos[i] = t->is_train[i] ? t->ntrain++ : t->ntest++;
    t->xtr = malloc(D * t->ntrain * sizeof(double));
    t->xte = malloc(D * t->ntest * sizeof(double) + 1);
    t->ytr = malloc(t->ntrain);
    t->yte = malloc(t->ntest + 1);
    t->ctr = malloc(D * t->ntrain * sizeof(int32_t));
    t->cte = malloc(D * t->ntest * sizeof(int32_t) + 1);
    return !t->xtr || !t->xte || !t->ytr || !t->yte || !t->ctr || !t->cte;
}

static void table_free(table *t)
{
    free(t->cte);
    free(t->ctr);
    free(t->yte);
    free(t->ytr);
    free(t->xte);
    free(t->xtr);
    free(t->pos);
    free(t->is_train);
}

static int generate(table *t, size_t n, uint64_t seed)
{
    if (table_alloc(t, n, seed))
        return 1;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        const draw r = {seed, i};
        double x[D];
        gen_account(&r, x);
        gen_noise(&r, x);
        const int tr = t->is_train[i];
        const size_t m = tr ? t->ntrain : t->ntest, at = t->pos[i];
        double *xs = tr ? t->xtr : t->xte;
        int32_t *cs = tr ? t->ctr : t->cte;
        for (int j = 0; j < D; j++) {
            xs[(size_t)j * m + at] = x[j];
            cs[(size_t)j * m + at] = isnan(x[j]) ? -1 : (int32_t)x[j];
        }
        (tr ? t->ytr : t->yte)[at] = gen_label(&r, x);
    }
    return 0;
}

/* FILE: x (float64, column-major, row order), labels, train flags; and
 * FILE.json describing it. */
static int write_table(const table *t, const char *path)
{
    const size_t n = t->n;
    FILE *f = fopen(path, "wb");
    double *col = malloc(n * sizeof *col);
    uint8_t *y = malloc(n);
    int bad = !f || !col || !y;
    for (int j = 0; j < D && !bad; j++) {
        for (size_t i = 0; i < n; i++)
            col[i] = t->is_train[i] ? t->xtr[(size_t)j * t->ntrain + t->pos[i]]
                                    : t->xte[(size_t)j * t->ntest + t->pos[i]];
        bad |= fwrite(col, sizeof *col, n, f) != n;
    }
    for (size_t i = 0; i < n && !bad; i++)
        y[i] = t->is_train[i] ? t->ytr[t->pos[i]] : t->yte[t->pos[i]];
    bad = bad || fwrite(y, 1, n, f) != n || fwrite(t->is_train, 1, n, f) != n;
    bad |= f != NULL && fclose(f) != 0;
    free(y);
    free(col);
    if (bad)
        return 1;
    char jpath[4096];
    snprintf(jpath, sizeof jpath, "%s.json", path);
    FILE *j = fopen(jpath, "w");
    if (!j)
        return 1;
    fprintf(j, "{\"rows\": %zu, \"cols\": %d, \"x_dtype\": \"float64\", "
               "\"x_order\": \"F\", \"x_offset\": 0, \"label_offset\": %zu, "
               "\"train_offset\": %zu, \"train_rows\": %zu, \"test_rows\": %zu, "
               "\"missing\": \"NaN\", \"features\": [",
            n, D, n * D * 8, n * D * 8 + n, t->ntrain, t->ntest);
    for (int c = 0; c < D; c++)
        fprintf(j, "%s\"%s\"", c ? ", " : "", feature_name[c]);
    fprintf(j, "], \"categorical\": [");
    for (int c = 0; c < D; c++)
        fprintf(j, "%s%d", c ? ", " : "", ncat_of[c] > 0);
    fprintf(j, "]}\n");
    return fclose(j) != 0;
}

/* ---- binning ---------------------------------------------------------- */

typedef struct binned {
    uint8_t nbins[D], categorical[D];
    double edges[D][CRM_DTREE_MAX_BINS];
    uint8_t *btr, *bte; /* column-major codes */
} binned;

/* Sample rows: training rows whose hash falls below the rate. */
static size_t sample_rows(const table *t, uint64_t seed, size_t *rows)
{
    const double rate = t->ntrain <= SAMPLE_ROWS
                            ? 1.0
                            : (double)SAMPLE_ROWS / (double)t->ntrain;
    const uint64_t cut = rate >= 1.0 ? UINT64_MAX
                                     : (uint64_t)(rate * 18446744073709551616.0);
    size_t m = 0;
    for (size_t i = 0; i < t->ntrain; i++)
        if (cut == UINT64_MAX || crm_rng_u64(seed, S_SAMPLE, i) < cut)
            rows[m++] = i;
    return m;
}

static int column_edges(const table *t, int j, const size_t *rows, size_t m,
                        double *buf, binned *b)
{
    const double *x = t->xtr + (size_t)j * t->ntrain;
    size_t k = 0, ne = 0;
    for (size_t s = 0; s < m; s++)
        if (!isnan(x[rows[s]]))
            buf[k++] = x[rows[s]];
    qsort(buf, k, sizeof *buf, bench_cmp);
    if (crm_dtree_edges(buf, k, CRM_DTREE_MAX_BINS, b->edges[j], &ne) != CRM_OK)
        return 1;
    b->nbins[j] = (uint8_t)(ne + 1);
    return 0;
}

static int bin_all(const table *t, uint64_t seed, size_t *rows, double *buf,
                   binned *b)
{
    const size_t m = sample_rows(t, seed, rows);
    int bad = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : bad)
    for (int j = 0; j < D; j++) {
        b->categorical[j] = ncat_of[j] > 0;
        if (ncat_of[j] > 0)
            b->nbins[j] = ncat_of[j];
        else
            bad |= column_edges(t, j, rows, m,
                                buf + (size_t)j * SAMPLE_ROWS * 2, b);
    }
    for (int j = 0; j < D && !bad; j++) {
        const size_t a = (size_t)j * t->ntrain, e = (size_t)j * t->ntest;
        if (ncat_of[j] > 0)
            bad |= crm_dtree_bin_codes(t->ctr + a, t->ntrain, ncat_of[j],
                                       b->btr + a) != CRM_OK ||
                   crm_dtree_bin_codes(t->cte + e, t->ntest, ncat_of[j],
                                       b->bte + e) != CRM_OK;
        else
            bad |= crm_dtree_bin_values(b->edges[j], b->nbins[j] - 1u,
                                        t->xtr + a, t->ntrain,
                                        b->btr + a) != CRM_OK ||
                   crm_dtree_bin_values(b->edges[j], b->nbins[j] - 1u,
                                        t->xte + e, t->ntest,
                                        b->bte + e) != CRM_OK;
    }
    return bad;
}

/* ---- growth ----------------------------------------------------------- */

typedef struct grow_times {
    double total, hist, finish, partition;
} grow_times;

/* One tree by dtree.h's calling sequence (one process: no allreduce). */
static crm_status grow(const crm_dtree_params *p, const binned *b,
                       const uint8_t *y, size_t n, int32_t *node_of_row,
                       int64_t *hist, crm_dtree_model **out, grow_times *tm)
{
    crm_dtree_grower *g = NULL;
    crm_status rc;
    const double t0 = bench_now();
    *tm = (grow_times){0};
    if ((rc = crm_dtree_grower_create(p, D, b->nbins, b->categorical, &g)))
        goto done;
    crm_dtree_rows_init(node_of_row, n);
    while (!crm_dtree_done(g)) {
        const double a = bench_now();
        if ((rc = crm_dtree_histograms(g, b->btr, y, n, node_of_row, hist)))
            goto done;
        const double c = bench_now();
        if ((rc = crm_dtree_level_finish(g, hist)))
            goto done;
        const double e = bench_now();
        if ((rc = crm_dtree_partition(g, b->btr, n, node_of_row)))
            goto done;
        tm->hist += c - a;
        tm->finish += e - c;
        tm->partition += bench_now() - e;
    }
    rc = crm_dtree_model_create(g, out);
done:
    crm_dtree_grower_destroy(g);
    tm->total = bench_now() - t0;
    return rc;
}

static int same_model(const crm_dtree_model *a, const crm_dtree_model *b)
{
    return a->nnodes == b->nnodes &&
           memcmp(a->nodes, b->nodes, a->nnodes * sizeof *a->nodes) == 0 &&
           memcmp(a->importance, b->importance, D * sizeof(double)) == 0;
}

/* ---- checks ------------------------------------------------------------ */

typedef struct scored {
    double s;
    uint8_t y;
} scored;

static int scored_cmp(const void *a, const void *b)
{
    return bench_cmp(&((const scored *)a)->s, &((const scored *)b)->s);
}

/* Mann-Whitney AUC: mean rank of the positives, ties at their mid-rank. */
static double auc(const double *prob, const uint8_t *y, size_t n, scored *w)
{
    double pos = 0.0, ranksum = 0.0;
    for (size_t i = 0; i < n; i++)
        w[i] = (scored){prob[i], y[i]};
    qsort(w, n, sizeof *w, scored_cmp);
    for (size_t i = 0; i < n;) {
        size_t k = i, npos = 0;
        while (k < n && w[k].s == w[i].s)
            npos += w[k++].y;
        ranksum += (double)npos * (0.5 * (double)(i + 1 + k)); /* mid-rank */
        pos += (double)npos;
        i = k;
    }
    const double neg = (double)n - pos;
    return (ranksum - pos * (pos + 1.0) / 2.0) / (pos * neg);
}

/* The planted top split: contract, month-to-month (code 0) on one side
 * alone. */
static int planted_root(const crm_dtree_model *m)
{
    const crm_dtree_node *r = &m->nodes[0];
    if (r->feature != F_CONTRACT || !r->categorical)
        return 0;
    const uint64_t left = r->cats[0] & 7u;
    return left == 1u || left == 6u;
}

static size_t leaves(const crm_dtree_model *m)
{
    size_t k = 0;
    for (size_t i = 0; i < m->nnodes; i++)
        k += m->nodes[i].feature < 0;
    return k;
}

/* ---- the benchmark ------------------------------------------------------ */

typedef struct opts {
    size_t n, repeat;
    uint64_t seed;
    int64_t min_leaf;
    int depth[MAX_DEPTHS], ndepth;
    const char *write;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    *o = (opts){.n = 1000000, .repeat = 5, .seed = 1, .min_leaf = 20,
                .depth = {8, 6}, .ndepth = 2};
    int pos = 0;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--write") && a + 1 < argc) {
            o->write = argv[++a];
        } else if (!strcmp(argv[a], "--min-leaf") && a + 1 < argc) {
            o->min_leaf = atoll(argv[++a]);
        } else if (!strcmp(argv[a], "--depths") && a + 1 < argc) {
            char *s = argv[++a];
            for (o->ndepth = 0; *s && o->ndepth < MAX_DEPTHS; o->ndepth++) {
                o->depth[o->ndepth] = (int)strtol(s, &s, 10);
                s += *s == ',';
            }
        } else if (argv[a][0] == '-') {
            return 1;
        } else if (pos == 0) {
            o->n = (size_t)atoll(argv[a]), pos++;
        } else if (pos == 1) {
            o->repeat = (size_t)atoll(argv[a]), pos++;
        } else {
            o->seed = (uint64_t)atoll(argv[a]), pos++;
        }
    }
    return o->n < 1000 || o->repeat < 1 || o->ndepth < 1 || o->min_leaf < 1;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static void set_threads(int t)
{
#if defined(_OPENMP)
    omp_set_num_threads(t);
#else
    (void)t;
#endif
}

typedef struct work {
    int32_t *rows1, *rows2; /* node_of_row at 1 and 2 threads */
    int64_t *hist;
    double *prob, *t, *th, *tf, *tp, *tpred;
    scored *sc;
} work;

/* 1 and 2 threads give the same tree and the same leaf of every row. */
static int threads_agree(const crm_dtree_params *p, const binned *b,
                         const table *t, work *w, crm_dtree_model **m1)
{
    crm_dtree_model *m2 = NULL;
    grow_times tm;
    const int threads = bench_threads();
    crm_dtree_params p1 = *p, p2 = *p;
    p1.threads = 1;
    p2.threads = 2;
    set_threads(1);
    crm_status rc = grow(&p1, b, t->ytr, t->ntrain, w->rows1, w->hist, m1,
                         &tm);
    set_threads(2);
    if (rc == CRM_OK)
        rc = grow(&p2, b, t->ytr, t->ntrain, w->rows2, w->hist, &m2, &tm);
    set_threads(threads);
    const int ok = rc == CRM_OK && same_model(*m1, m2) &&
                   !memcmp(w->rows1, w->rows2, t->ntrain * sizeof(int32_t));
    crm_dtree_model_destroy(m2);
    return ok;
}

static int run_depth(const opts *o, int depth, const binned *b,
                     const table *t, work *w, double bin_med)
{
    const crm_dtree_params p = {.max_depth = depth,
                                .min_samples_leaf = o->min_leaf,
                                .threads = bench_threads()};
    crm_dtree_model *ref = NULL, *m = NULL;
    int ok = threads_agree(&p, b, t, w, &ref) && planted_root(ref);
    for (size_t r = 0; r < o->repeat && ok; r++) {
        grow_times tm;
        crm_dtree_model_destroy(m);
        m = NULL;
        ok = grow(&p, b, t->ytr, t->ntrain, w->rows2, w->hist, &m, &tm) ==
                 CRM_OK && same_model(ref, m);
        w->t[r] = tm.total, w->th[r] = tm.hist, w->tf[r] = tm.finish;
        w->tp[r] = tm.partition;
        const double t0 = bench_now();
        ok = ok && crm_dtree_predict(m, b->bte, t->ntest, w->prob, NULL) ==
                       CRM_OK;
        w->tpred[r] = bench_now() - t0;
    }
    const double a = ok ? auc(w->prob, t->yte, t->ntest, w->sc) : 0.0;
    if (!ok || !(a > 0.75)) {
        fprintf(stderr, "bench_tree: depth %d: wrong answer (threads, "
                        "planted root, repeat or AUC %.4f)\n", depth, a);
        crm_dtree_model_destroy(m);
        crm_dtree_model_destroy(ref);
        return 1;
    }
    const size_t R = o->repeat;
    const double med = bench_median(w->t, R);
    char extra[1024];
    snprintf(extra, sizeof extra,
             "\"depth\": %d, \"min_samples_leaf\": %lld, \"cols\": %d, "
             "\"train_rows\": %zu, \"test_rows\": %zu, \"nodes\": %zu, "
             "\"leaves\": %zu, \"auc\": %.6f, \"cells_per_s\": %.4g, "
             "\"hist_s\": %.6f, \"finish_s\": %.6f, \"partition_s\": %.6f, "
             "\"predict_s\": %.6f, \"bin_s\": %.6f, \"root\": \"%s\", "
             "\"seed\": %llu, \"positive_rate\": %.4f, "
             "\"peak_rss_mb\": %.1f, \"verified\": true",
             depth, (long long)o->min_leaf, D, t->ntrain, t->ntest, m->nnodes,
             leaves(m), a, (double)t->ntrain * D / med,
             bench_median(w->th, R), bench_median(w->tf, R),
             bench_median(w->tp, R), bench_median(w->tpred, R), bin_med,
             feature_name[m->nodes[0].feature], (unsigned long long)o->seed,
             (double)m->nodes[0].count[1] / (double)t->ntrain, peak_rss_mb());
    bench_report("dtree_grow", (long long)t->ntrain, w->t, R, extra);
    crm_dtree_model_destroy(m);
    crm_dtree_model_destroy(ref);
    return 0;
}

static int alloc_work(work *w, const table *t, const binned *b,
                      const opts *o)
{
    int maxd = 1;
    size_t nb = 0;
    for (int k = 0; k < o->ndepth; k++)
        maxd = o->depth[k] > maxd ? o->depth[k] : maxd;
    for (int j = 0; j < D; j++)
        nb += (size_t)b->nbins[j] + 1;
    w->rows1 = malloc(t->ntrain * sizeof(int32_t));
    w->rows2 = malloc(t->ntrain * sizeof(int32_t));
    w->hist = malloc(((size_t)1 << (maxd - 1)) * nb * 2 * sizeof(int64_t));
    w->prob = malloc((t->ntest + 1) * sizeof(double));
    w->sc = malloc((t->ntest + 1) * sizeof(scored));
    double **tt[] = {&w->t, &w->th, &w->tf, &w->tp, &w->tpred};
    int bad = !w->rows1 || !w->rows2 || !w->hist || !w->prob || !w->sc;
    for (size_t k = 0; k < sizeof tt / sizeof *tt; k++)
        bad |= !(*tt[k] = malloc(o->repeat * sizeof(double)));
    return bad;
}

static void free_work(work *w)
{
    free(w->tpred);
    free(w->tp);
    free(w->tf);
    free(w->th);
    free(w->t);
    free(w->sc);
    free(w->prob);
    free(w->hist);
    free(w->rows2);
    free(w->rows1);
}

/* Binning REPEAT times; returns the median seconds (< 0 on failure). */
static double time_binning(const opts *o, const table *t, binned *b)
{
    size_t *rows = malloc(t->ntrain * sizeof *rows);
    double *buf = malloc((size_t)D * SAMPLE_ROWS * 2 * sizeof *buf);
    double *tb = malloc(o->repeat * sizeof *tb), med = -1.0;
    int bad = !rows || !buf || !tb;
    for (size_t r = 0; r < o->repeat && !bad; r++) {
        const double t0 = bench_now();
        bad = bin_all(t, o->seed, rows, buf, b);
        tb[r] = bench_now() - t0;
    }
    if (!bad) {
        med = bench_median(tb, o->repeat);
        char extra[256];
        snprintf(extra, sizeof extra,
                 "\"cols\": %d, \"train_rows\": %zu, \"test_rows\": %zu, "
                 "\"sample_rows\": %d, \"cells_per_s\": %.4g, "
                 "\"verified\": true",
                 D, t->ntrain, t->ntest, SAMPLE_ROWS,
                 (double)t->n * D / med);
        bench_report("dtree_bin", (long long)t->n, tb, o->repeat, extra);
    }
    free(tb);
    free(buf);
    free(rows);
    return med;
}

int main(int argc, char **argv)
{
    opts o;
    table t = {0};
    binned *b = calloc(1, sizeof *b);
    work w = {0};
    int rc = 1;
    if (parse(argc, argv, &o)) {
        fprintf(stderr, "usage: bench_tree [--write FILE] [--depths 8,6] "
                        "[--min-leaf 20] [N] [REPEAT] [SEED]\n");
        return 2;
    }
    if (!b || generate(&t, o.n, o.seed) ||
        (o.write && write_table(&t, o.write)) ||
        !(b->btr = malloc(D * t.ntrain)) || !(b->bte = malloc(D * t.ntest + 1)))
        goto done;
    const double bin_med = time_binning(&o, &t, b);
    if (bin_med < 0 || alloc_work(&w, &t, b, &o))
        goto done;
    rc = 0;
    for (int k = 0; k < o.ndepth && !rc; k++)
        rc = run_depth(&o, o.depth[k], b, &t, &w, bin_med);
done:
    if (rc)
        fprintf(stderr, "bench_tree: failed\n");
    free_work(&w);
    if (b) {
        free(b->bte);
        free(b->btr);
    }
    free(b);
    table_free(&t);
    return rc;
}
