/* algorithms/kmeans/kmeans_tile_vec.h — the tile kernel in GNU C vectors.
 *
 * Included by kmeans_tile.c once per vector width, with TILE_FN (the
 * function's name), TILE_LANES (floats per vector) and TILE_TARGET (the
 * instruction sets it is compiled for) defined; not a header of its own.
 *
 * Why it exists: in the plain kernel (kmeans_tile.c) gcc keeps the
 * accumulators of a centre group in registers for the multiply-adds but
 * stores them to the stack before the minimum update and reloads them; a
 * 512-bit store followed by a load of the same bytes is not forwarded on
 * Zen 4, and the update's chained selects become mask juggling through
 * general registers. Here the accumulators are vector variables that stay
 * in registers (16 of the 32 under AVX-512; under AVX2 they fill all 16 and
 * a few spill), and the update is four independent selects written as
 * bit blends; the loops over centres, vectors and lanes are unrolled by
 * pragma, so that gcc sees each accumulator as a value of its own rather
 * than an array in memory. Both are GNU C, like the clones, and compiled
 * only under gcc on x86-64 (CRM_KMEANS_VECTOR); elsewhere the plain kernel
 * runs. crmine run, 1 M x 16 (bench/kmeans_peer.sh's data), one
 * thread, interleaved medians of 3: Lloyd at k = 64 3.01 -> 2.41 s, at
 * k = 8 0.67 -> 0.63 s (there the tile's transpose and the scattered rows
 * weigh more than the arithmetic). The 8-lane form is for AVX2: there the
 * plain kernel's clone spills, and 16-lane vectors would be split in two.
 *
 * Same bits as the plain kernel: every (row, centre) value is the same chain
 * of fmaf calls in feature order (the lane loops below are fmaf per lane,
 * which gcc emits as one vfmadd; no contraction is left to the compiler),
 * the centres are visited in ascending order with a strict <, and the
 * second-best update is the plain kernel's, reordered (for v < b1 the new
 * second is the old best, which is <= the old second; otherwise it is
 * min(v, second)). That reordering needs best <= second with no signed
 * zero between them (-0 against +0 would keep a different zero). No value
 * is ever -0: cc is a sum of squares begun at +0.0, an accumulator begins
 * at +0 and a fused multiply-add in round-to-nearest returns -0 only when
 * both its product and its addend are -0, and x - y for x == y is +0.
 * tests/algorithms/test_kmeans_tile.c checks the bits. */

#define VEC_ROWS (2 * TILE_LANES) /* rows per pass: two vectors */

__attribute__((target(TILE_TARGET))) static void
TILE_FN(const float *const *rows, size_t d, const float *cpad,
        const float *cc, size_t kp, float *xt, float *best, float *second,
        int32_t *idx, double *xx)
{
    typedef float vf __attribute__((vector_size(TILE_LANES * 4)));
    typedef int32_t vi __attribute__((vector_size(TILE_LANES * 4)));
    tile_transpose(rows, d, xt, xx);
    for (size_t p = 0; p < TR; p += VEC_ROWS) {
        vf b1[2], b2[2];
        vi i1[2];
        for (size_t h = 0; h < 2; h++) {
            b1[h] = b2[h] = (vf){0} + INFINITY;
            i1[h] = (vi){0};
        }
        for (size_t c = 0; c < kp; c += CG) {
            vf acc[CG][2];
#pragma GCC unroll 8
            for (size_t q = 0; q < CG; q++)
                acc[q][0] = acc[q][1] = (vf){0};
            for (size_t j = 0; j < d; j++) {
                vf x0, x1;
                memcpy(&x0, xt + j * TR + p, sizeof x0);
                memcpy(&x1, xt + j * TR + p + TILE_LANES, sizeof x1);
#pragma GCC unroll 8
                for (size_t q = 0; q < CG; q++) {
                    const float cv = cpad[(c + q) * d + j];
                    vf a0 = acc[q][0], a1 = acc[q][1];
#pragma GCC unroll 16
                    for (size_t l = 0; l < TILE_LANES; l++) {
                        a0[l] = fmaf(x0[l], cv, a0[l]);
                        a1[l] = fmaf(x1[l], cv, a1[l]);
                    }
                    acc[q][0] = a0;
                    acc[q][1] = a1;
                }
            }
#pragma GCC unroll 2
            for (size_t h = 0; h < 2; h++)
#pragma GCC unroll 8
                for (size_t q = 0; q < CG; q++) {
                    const vf v = cc[c + q] - 2.0f * acc[q][h];
                    const vi lt1 = v < b1[h], lt2 = v < b2[h];
                    const vi m2 = (lt2 & (vi)v) | (~lt2 & (vi)b2[h]);
                    b2[h] = (vf)((lt1 & (vi)b1[h]) | (~lt1 & m2));
                    i1[h] = (lt1 & (int32_t)(c + q)) | (~lt1 & i1[h]);
                    b1[h] = (vf)((lt1 & (vi)v) | (~lt1 & (vi)b1[h]));
                }
        }
        memcpy(best + p, b1, sizeof b1);
        memcpy(second + p, b2, sizeof b2);
        memcpy(idx + p, i1, sizeof i1);
    }
}

#undef VEC_ROWS
