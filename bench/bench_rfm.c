/* bench/bench_rfm.c — RFM measures and scores on a generated customer base.
 *
 * Customers get 1..40 orders of 1..3 lines (counter-based draws keyed by the
 * seed, so every run sees the same data); every 25th line is a return. The
 * generator counts the orders holding a purchase, and the run must reproduce
 * that sum of frequencies, so a fast wrong answer fails. Reports the median
 * seconds of measures + scores and the bytes read per second, to set against
 * bench_stream's triad bandwidth.
 * Usage: bench_rfm [customers, default 2000000] [repeat, default 5] */
#include "bench/bench.h"

#include <stdint.h>

#include "algorithms/rfm/rfm.h"
#include "core/comm.h"
#include "core/rng.h"

typedef struct base {
    size_t ncust, nrows;
    int64_t *offset, *time, *order;
    double *amount;
    int64_t expect_orders; /* orders with at least one purchase line */
} base;

static size_t draw(uint64_t stream, uint64_t i, size_t lo, size_t hi)
{
    return lo + (size_t)(crm_rng_u64(11, stream, i) % (hi - lo + 1));
}

static void fill_customer(base *b, size_t c, size_t *row)
{
    const size_t norders = draw(1, c, 1, 40);
    int64_t t = 1262304000 + (int64_t)draw(2, c, 0, 300) * 86400;
    for (size_t o = 0; o < norders; o++) {
        const size_t lines = draw(3, c * 64 + o, 1, 3);
        int bought = 0;
        t += (int64_t)draw(4, c * 64 + o, 1, 20) * 86400;
        for (size_t l = 0; l < lines; l++, (*row)++) {
            const int ret = *row % 25 == 24;
            b->time[*row] = t;
            b->order[*row] = (int64_t)o;
            b->amount[*row] = ret ? -5.0 : 1.0 + (double)(*row % 100);
            bought |= !ret;
        }
        b->expect_orders += bought;
    }
}

static int generate(base *b, size_t ncust)
{
    b->ncust = ncust;
    b->offset = malloc((ncust + 1) * sizeof *b->offset);
    size_t rows = 0;
    for (size_t c = 0; c < ncust; c++) {
        size_t lines = 0;
        const size_t norders = draw(1, c, 1, 40);
        for (size_t o = 0; o < norders; o++)
            lines += draw(3, c * 64 + o, 1, 3);
        rows += lines;
    }
    b->nrows = rows;
    b->time = malloc(rows * sizeof *b->time);
    b->order = malloc(rows * sizeof *b->order);
    b->amount = malloc(rows * sizeof *b->amount);
    if (!b->offset || !b->time || !b->order || !b->amount)
        return 1;
    size_t row = 0;
    for (size_t c = 0; c < ncust; c++) {
        b->offset[c] = (int64_t)row;
        fill_customer(b, c, &row);
    }
    b->offset[ncust] = (int64_t)row;
    return 0;
}

int main(int argc, char **argv)
{
    const size_t ncust = argc > 1 ? (size_t)atol(argv[1]) : 2000000;
    const size_t repeat = argc > 2 ? (size_t)atol(argv[2]) : 5;
    base b = {0};
    if (ncust == 0 || repeat == 0 || generate(&b, ncust) != 0)
        return 1;
    int32_t *rec = malloc(ncust * sizeof *rec), *freq = malloc(ncust * 4);
    double *mon = malloc(ncust * sizeof *mon), *t = malloc(repeat * 8);
    int32_t *sc = malloc(4 * ncust * sizeof *sc);
    if (!rec || !freq || !mon || !t || !sc)
        return 1;
    const crm_rfm_tx tx = {ncust, b.offset, b.time, b.amount, b.order};
    const crm_rfm_params p = {.as_of_day = 20000, .bins = 5};
    const crm_comm self = crm_comm_self();
    for (size_t r = 0; r < repeat; r++) {
        const double t0 = bench_now();
        if (crm_rfm_measures(&tx, &p, rec, freq, mon) != CRM_OK ||
            crm_rfm_score(&self, ncust, rec, freq, mon, &p, sc, sc + ncust,
                          sc + 2 * ncust, sc + 3 * ncust) != CRM_OK)
            return 1;
        t[r] = bench_now() - t0;
    }
    int64_t orders = 0;
    for (size_t c = 0; c < ncust; c++)
        orders += freq[c];
    if (orders != b.expect_orders) {
        fprintf(stderr, "bench_rfm: wrong answer: %lld orders, expected "
                        "%lld\n", (long long)orders,
                (long long)b.expect_orders);
        return 1;
    }
    const double med = bench_median(t, repeat);
    const double bytes = 24.0 * (double)b.nrows + 8.0 * (double)ncust;
    char extra[160];
    snprintf(extra, sizeof extra,
             "\"customers\": %zu, \"bytes_per_s\": %.0f, \"verified\": true",
             ncust, bytes / med);
    bench_report("rfm", (long long)b.nrows, t, repeat, extra);
    return 0;
}
