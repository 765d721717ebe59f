/* tests/algorithms/ref/ref_metrics.c — see ref_metrics.h. */
#include "ref_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double ref_auc(const ref_row *rows, size_t m)
{
    int64_t twice = 0, pairs = 0;
    for (size_t i = 0; i < m; i++) {
        if (rows[i].label != 1)
            continue;
        for (size_t j = 0; j < m; j++) {
            if (rows[j].label != 0)
                continue;
            pairs++;
            if (rows[i].score > rows[j].score)
                twice += 2;
            else if (rows[i].score == rows[j].score)
                twice += 1;
        }
    }
    return pairs == 0 ? NAN : (double)twice / (2.0 * (double)pairs);
}

void ref_confusion(const ref_row *rows, size_t m, double threshold,
                   int64_t c[4])
{
    c[0] = c[1] = c[2] = c[3] = 0;
    for (size_t i = 0; i < m; i++) {
        const int predicted = rows[i].score >= threshold;
        if (predicted && rows[i].label)
            c[0]++;
        else if (predicted)
            c[1]++;
        else if (!rows[i].label)
            c[2]++;
        else
            c[3]++;
    }
}

double ref_log_loss(const ref_row *rows, size_t m)
{
    double sum = 0.0;
    for (size_t i = 0; i < m; i++) {
        double p = rows[i].score;
        if (p < 1e-15)
            p = 1e-15;
        if (p > 1.0 - 1e-15)
            p = 1.0 - 1e-15;
        sum += rows[i].label ? -log(p) : -log(1.0 - p);
    }
    return sum / (double)m;
}

static int by_score_desc(const void *a, const void *b)
{
    const double x = ((const ref_row *)a)->score;
    const double y = ((const ref_row *)b)->score;
    return (x < y) - (x > y);
}

void ref_lift(const ref_row *rows, size_t m, int nb, ref_bucket *out)
{
    ref_row *s = malloc((m ? m : 1) * sizeof *s);
    memcpy(s, rows, m * sizeof *s);
    qsort(s, m, sizeof *s, by_score_desc);
    for (int b = 0; b < nb; b++) {
        const size_t lo = (size_t)b * m / (size_t)nb;
        const size_t hi = (size_t)(b + 1) * m / (size_t)nb;
        out[b].rows = (int64_t)(hi - lo);
        out[b].positives = 0;
        out[b].min_score = out[b].max_score = NAN;
        for (size_t i = lo; i < hi; i++) {
            out[b].positives += s[i].label;
            if (i == lo || s[i].score > out[b].max_score)
                out[b].max_score = s[i].score;
            if (i == lo || s[i].score < out[b].min_score)
                out[b].min_score = s[i].score;
        }
    }
    free(s);
}
