/* engine/gen_model.c — the generator's shared tables: product catalogue,
 * seasonal time distribution, planted co-purchase groups, and the public
 * entry points that dispatch to the retail and telecom profiles.
 *
 * Everything here is computed identically on every rank from the seed (the
 * same code, the same libm, the same order of floating-point operations), so
 * a model built on rank 3 equals one built on rank 0. docs/GENERATOR.md is
 * the model in prose. */
#include "engine/gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/gen_int.h"

#define PI 3.14159265358979323846

typedef struct category {
    const char *word;
    double price;            /* median catalogue price */
    const char *nouns[8];
} category;

/* Median prices span 2.5 to 350: the category mix sets a customer's spend. */
static const category categories[GEN_NCAT] = {
    {"garden", 35,
     {"chair", "hose", "planter", "rake", "lantern", "bench", "parasol",
      "trowel"}},
    {"kitchen", 18,
     {"kettle", "pan", "knife", "grater", "bowl", "whisk", "tray", "jar"}},
    {"toy", 15,
     {"robot", "puzzle", "kite", "train", "doll", "ball", "blocks", "yo-yo"}},
    {"book", 12,
     {"novel", "atlas", "cookbook", "diary", "comic", "guide", "poems",
      "manual"}},
    {"electronic", 120,
     {"speaker", "charger", "headset", "camera", "tablet", "router", "drone",
      "watch"}},
    {"clothing", 28,
     {"shirt", "scarf", "jacket", "sweater", "dress", "hat", "coat", "socks"}},
    {"shoe", 55,
     {"sneaker", "boot", "sandal", "slipper", "loafer", "clog", "pump",
      "trainer"}},
    {"sport", 40,
     {"racket", "mat", "helmet", "glove", "bottle", "rope", "dumbbell", "net"}},
    {"beauty", 14,
     {"cream", "serum", "soap", "lotion", "balm", "mask", "brush", "oil"}},
    {"grocery", 4,
     {"coffee", "tea", "honey", "pasta", "rice", "olive oil", "biscuits",
      "jam"}},
    {"pet", 16,
     {"leash", "bowl", "bed", "toy", "brush", "collar", "treats", "crate"}},
    {"office", 9,
     {"stapler", "folder", "pen set", "lamp", "notebook", "tape", "chair mat",
      "clock"}},
    {"tool", 45,
     {"drill", "hammer", "saw", "wrench", "level", "clamp", "sander",
      "toolbox"}},
    {"decor", 24,
     {"vase", "frame", "mirror", "candle", "cushion", "rug", "clock", "print"}},
    {"lighting", 38,
     {"lamp", "bulb", "pendant", "sconce", "string light", "dimmer",
      "spotlight", "nightlight"}},
    {"music", 22,
     {"vinyl", "cd box", "ukulele", "harmonica", "capo", "strings",
      "metronome", "drumsticks"}},
    {"game", 45,
     {"board game", "card game", "controller", "chess set", "dice set",
      "puzzle box", "console", "headset"}},
    {"baby", 20,
     {"bib", "bottle", "blanket", "rattle", "onesie", "pacifier", "monitor",
      "stroller"}},
    {"jewelry", 90,
     {"ring", "necklace", "bracelet", "earrings", "brooch", "pendant",
      "anklet", "cufflinks"}},
    {"car", 30,
     {"wiper", "mat", "charger", "cover", "polish", "jack", "mount",
      "compressor"}},
    {"bath", 12,
     {"towel", "robe", "mat", "shower head", "caddy", "sponge", "curtain",
      "scale"}},
    {"bedding", 48,
     {"duvet", "pillow", "sheet set", "throw", "mattress pad", "quilt",
      "bedspread", "cover"}},
    {"stationery", 2.5,
     {"pencil", "eraser", "card", "envelope", "sticker", "ruler", "marker",
      "sharpener"}},
    {"furniture", 350,
     {"sofa", "table", "wardrobe", "desk", "shelf", "armchair", "bed frame",
      "cabinet"}},
};

/* Category tilt per retail segment: weight of category k is
 * exp(tilt * z_k), z_k the standardised log median price (docs). */
static const double seg_tilt[GEN_NSEG_RETAIL] = {0.5, 0.0, -1.5, 1.8, 0.0, 0.0};

double gen_normal(const crm_gen *g, int d1, int d2, int64_t row, uint64_t k,
                  uint64_t j)
{
    const double u1 = 1.0 - gen_unit(g, d1, row, k, j); /* (0, 1] */
    const double u2 = gen_unit(g, d2, row, k, j);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2);
}

int gen_pick(const double *cdf, int n, double u)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (cdf[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int64_t gen_time(const crm_gen *g, int64_t row, uint64_t k, int day0,
                 int day1)
{
    const double a = g->day_cdf[day0], b = g->day_cdf[day1 + 1];
    const double u = a + gen_unit(g, D_DAY, row, k, 0) * (b - a);
    int day = gen_pick(g->day_cdf + 1, GEN_NDAYS, u);
    day = day < day0 ? day0 : day > day1 ? day1 : day;
    const int hour =
        gen_pick(g->hour_cdf + 1, 24, gen_unit(g, D_HOUR, row, k, 0));
    const int64_t sec = (int64_t)(gen_u64(g, D_SECOND, row, k, 0) % 3600);
    return GEN_T0 + (int64_t)day * 86400 + hour * 3600 + sec;
}

/* Day weights: growth, weekday, Black Friday, Christmas, a January dip and
 * a summer bump; hour weights: a lunch and an evening peak. */
static void time_tables(crm_gen *g)
{
    static const double weekday[7] = {0.9, 0.9, 0.95, 1.0, 1.1, 1.3, 1.2};
    static const double hour[24] = {0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6,
                                    0.9, 1.1, 1.3, 1.5, 1.8, 1.7, 1.4, 1.3,
                                    1.3, 1.5, 1.9, 2.2, 2.1, 1.7, 1.1, 0.5};
    g->day_cdf[0] = 0.0;
    for (int d = 0; d < GEN_NDAYS; d++) {
        const double doy = (double)(d % 365);
        const int dow = (int)((GEN_T0 / 86400 + d + 3) % 7); /* 0 = Monday */
        const double year = 1.0 + 0.8 * exp(-pow((doy - 350.0) / 14.0, 2)) +
                            0.5 * exp(-pow((doy - 328.0) / 3.0, 2)) -
                            0.25 * exp(-pow((doy - 20.0) / 15.0, 2)) +
                            0.15 * cos(2.0 * PI * (doy - 190.0) / 365.0);
        const double w = (1.0 + 0.2 * d / GEN_NDAYS) * weekday[dow] * year;
        g->day_cdf[d + 1] = g->day_cdf[d] + w;
    }
    for (int d = 1; d <= GEN_NDAYS; d++)
        g->day_cdf[d] /= g->day_cdf[GEN_NDAYS];
    g->hour_cdf[0] = 0.0;
    for (int h = 0; h < 24; h++)
        g->hour_cdf[h + 1] = g->hour_cdf[h] + hour[h];
    for (int h = 1; h <= 24; h++)
        g->hour_cdf[h] /= g->hour_cdf[24];
}

/* 5000 items: category k holds a share proportional to 8 + (k % 5), names
 * "P01234 garden chair", prices lognormal around the category median. */
static crm_status catalogue(crm_gen *g)
{
    const int32_t n = 5000;
    int32_t total = 0, at = 0;
    for (int k = 0; k < GEN_NCAT; k++)
        total += 8 + k % 5;
    for (int k = 0; k < GEN_NCAT; k++) {
        g->cat_first[k] = at;
        at += k == GEN_NCAT - 1 ? n - at : n * (8 + k % 5) / total;
    }
    g->cat_first[GEN_NCAT] = n;
    g->nitems = n;
    const size_t cap = (size_t)n * 40;
    g->name_bytes = malloc(cap);
    g->names = calloc((size_t)n, sizeof *g->names);
    g->price = calloc((size_t)n, sizeof *g->price);
    if (g->name_bytes == NULL || g->names == NULL || g->price == NULL)
        return CRM_ENOMEM;
    size_t pos = 0;
    for (int k = 0; k < GEN_NCAT; k++)
        for (int32_t i = g->cat_first[k]; i < g->cat_first[k + 1]; i++) {
            const category *c = &categories[k];
            const char *noun = c->nouns[gen_u64(g, D_ITEM_NOUN, i, 0, 0) % 8];
            const int len = snprintf(g->name_bytes + pos, cap - pos,
                                     "P%05d %s %s", (int)i, c->word, noun);
            g->names[i] = g->name_bytes + pos;
            pos += (size_t)len + 1;
            const double z =
                gen_normal(g, D_ITEM_PRICE, D_ITEM_PRICE2, i, 0, 0);
            const double p = c->price * exp(0.5 * z);
            g->price[i] = fmax(0.5, round(p * 100.0) / 100.0);
        }
    return CRM_OK;
}

/* Category choice per segment, tilted by standardised log median price. */
static void category_mix(crm_gen *g)
{
    double mean = 0.0, var = 0.0, z[GEN_NCAT];
    for (int k = 0; k < GEN_NCAT; k++)
        mean += log(categories[k].price) / GEN_NCAT;
    for (int k = 0; k < GEN_NCAT; k++)
        var += pow(log(categories[k].price) - mean, 2) / GEN_NCAT;
    for (int k = 0; k < GEN_NCAT; k++)
        z[k] = (log(categories[k].price) - mean) / sqrt(var);
    for (int s = 0; s < GEN_NSEG_RETAIL; s++) {
        double acc = 0.0;
        for (int k = 0; k < GEN_NCAT; k++) {
            const double share =
                (double)(g->cat_first[k + 1] - g->cat_first[k]);
            acc += share * exp(seg_tilt[s] * z[k]);
            g->seg_cat_cdf[s][k] = acc;
        }
        for (int k = 0; k < GEN_NCAT; k++)
            g->seg_cat_cdf[s][k] /= acc;
    }
}

/* Groups of 2-4 distinct items anywhere in the catalogue; group g is
 * carried by an order with probability 0.3 * w_g, w_g ~ 1 / (g + 1)^0.8. */
static void patterns(crm_gen *g)
{
    double wsum = 0.0;
    for (int p = 0; p < GEN_NPAT; p++)
        wsum += pow(p + 1.0, -0.8);
    double acc = 0.0;
    for (int p = 0; p < GEN_NPAT; p++) {
        g->pat_len[p] = 2 + (int)(gen_u64(g, D_PAT_LEN, p, 0, 0) % 3);
        for (int i = 0; i < g->pat_len[p]; i++) {
            uint64_t j = 0;
            int32_t item;
            int dup;
            do { /* redraw on a repeat within the group */
                item = (int32_t)(gen_u64(g, D_PAT_ITEM, p, (uint64_t)i, j++) %
                                 (uint64_t)g->nitems);
                dup = 0;
                for (int q = 0; q < i; q++)
                    dup |= g->pat_items[p][q] == item;
            } while (dup);
            g->pat_items[p][i] = item;
        }
        g->pat_prob[p] = 0.3 * pow(p + 1.0, -0.8) / wsum;
        acc += pow(p + 1.0, -0.8) / wsum;
        g->pat_cdf[p] = acc;
    }
    g->pat_cdf[GEN_NPAT - 1] = 1.0;
}

static void pattern_schema(crm_gen *g)
{
    crm_column *c = g->cols[CRM_GEN_PATTERNS];
    c[0] = (crm_column){.name = "pattern", .type = CRM_TYPE_INT32};
    c[1] = (crm_column){.name = "item", .type = CRM_TYPE_INT32,
                        .dict = g->names, .ndict = (size_t)g->nitems};
    c[2] = (crm_column){.name = "probability", .type = CRM_TYPE_FLOAT64};
    g->ncols[CRM_GEN_PATTERNS] = 3;
}

crm_status crm_gen_create(const crm_gen_params *p, crm_gen **out)
{
    crm_gen *g = NULL;
    crm_status rc = CRM_OK;
    const double mean = p && p->tx_per_customer > 0 ? p->tx_per_customer : 20;
    if (p == NULL || out == NULL || p->ncustomers < 1 || !(mean >= 1.0) ||
        mean > 10000.0 ||
        (p->profile != CRM_GEN_RETAIL && p->profile != CRM_GEN_TELECOM))
        return CRM_EINVAL;
    if ((g = calloc(1, sizeof *g)) == NULL)
        return CRM_ENOMEM;
    g->p = *p;
    g->p.tx_per_customer = mean;
    if (p->profile == CRM_GEN_TELECOM) {
        gen_telecom_init(g);
    } else {
        time_tables(g);
        if ((rc = catalogue(g)) != CRM_OK)
            goto done;
        category_mix(g);
        patterns(g);
        pattern_schema(g);
        rc = gen_retail_init(g);
    }
done:
    if (rc == CRM_OK)
        *out = g;
    else
        crm_gen_destroy(g);
    return rc;
}

void crm_gen_destroy(crm_gen *g)
{
    if (g == NULL)
        return;
    free(g->price);
    free(g->names);
    free(g->name_bytes);
    free(g);
}

const crm_gen_params *crm_gen_get_params(const crm_gen *g)
{
    return &g->p;
}

const crm_column *crm_gen_schema(const crm_gen *g, crm_gen_table t,
                                 size_t *ncols)
{
    *ncols = g->ncols[t];
    return g->ncols[t] > 0 ? g->cols[t] : NULL;
}

const char *crm_gen_label(const crm_gen *g)
{
    return g->p.profile == CRM_GEN_TELECOM ? "churn" : NULL;
}

int64_t crm_gen_tx_count(const crm_gen *g, int64_t row)
{
    return g->p.profile == CRM_GEN_RETAIL ? gen_retail_count(g, row) : 0;
}

void crm_gen_customers(const crm_gen *g, int64_t row0, size_t n,
                       void *const *cols)
{
    if (g->p.profile == CRM_GEN_RETAIL)
        gen_retail_customers(g, row0, n, cols);
    else
        gen_telecom_customers(g, row0, n, cols);
}

crm_status crm_gen_transactions(const crm_gen *g, int64_t row0, size_t n,
                                const int64_t *offset, void *const *cols)
{
    if (g->p.profile != CRM_GEN_RETAIL)
        return n == 0 ? CRM_OK : CRM_EINVAL;
    return gen_retail_tx(g, row0, n, offset, cols);
}

size_t crm_gen_pattern_rows(const crm_gen *g)
{
    size_t n = 0;
    for (int p = 0; g->p.profile == CRM_GEN_RETAIL && p < GEN_NPAT; p++)
        n += (size_t)g->pat_len[p];
    return n;
}

void crm_gen_patterns(const crm_gen *g, void *const *cols)
{
    int32_t *pattern = cols[0], *item = cols[1];
    double *prob = cols[2];
    size_t r = 0;
    for (int p = 0; g->p.profile == CRM_GEN_RETAIL && p < GEN_NPAT; p++)
        for (int i = 0; i < g->pat_len[p]; i++, r++) {
            pattern[r] = p;
            item[r] = g->pat_items[p][i];
            prob[r] = g->pat_prob[p];
        }
}
