#!/bin/sh
# k-means: crmine against scikit-learn KMeans, side by side in one run
# (issue 3, "Quality and speed"). Prints one JSON line per measurement and
# a markdown table at the end; medians over REPEAT runs.
#
#  0. The machine's FP32 FMA peak (a small C loop compiled here, 1 and 2
#     threads) and the distance kernel alone (bench_kmeans) as a fraction
#     of it.
#  1. Quality on UCI Online Retail: [rfm] then [kmeans] on recency,
#     frequency, monetary (log1p on the last two), k = 4 and 8, n_init =
#     sklearn's default (10), for seeds 0..REPEAT-1 ([job] seed = s against
#     random_state = s). The peer rebuilds crmine's scaled space from
#     scores.csv and fits sklearn KMeans there.
#  2. Quality on planted clusters (N_PLANTED x 16, k = 8, overlapping):
#     inertias and adjusted Rand index against the planted labels.
#  3. Speed on N_SPEED x 16 (1,000,000 by default), k = 8 and 64, n_init 1,
#     the same max_iter and tol: crmine at ranks x threads 1x1, 1x2, 2x1
#     against sklearn KMeans(algorithm='lloyd').fit at 1 and 2 threads.
#     crmine's training (run.json seconds_by_step.train: seeding, Lloyd,
#     last assignment) is what sklearn's fit times on its in-memory matrix;
#     the stage total (reading and scaling the features, the profile, the
#     scores) is reported beside it. Per iteration is marginal: the full
#     run minus a max_iter = 1 run, over the extra iterations.
#  4. The inertia of the speed runs over seeds 0..4 (0..1 with --quick),
#     both sides at 2 threads: with n_init = 1 each seed ends in its own
#     local minimum, so one seed's inertia says little.
#
# Usage: bench/kmeans_peer.sh BUILD_DIR [--quick] [--repeat N]
#   BUILD_DIR  a build with -DCRM_BUILD_BENCH=ON (engine/crmine and
#              bench/bench_kmeans)
#   --quick    smaller data (planted 50,000, speed 200,000 rows), REPEAT 1
#   --repeat   runs per median (default 3)
# Environment:
#   CRM_DATA_DIR     ../shared/data by default (online_retail/*.csv.gz)
#   KMEANS_PEER_BLAS a folder holding an optimised libblas.so.3 for the
#                    peer only (e.g. Debian libopenblas0-pthread's
#                    openblas-pthread folder); see docs/BENCHMARKS.md
#   MPIEXEC          mpirun by default
#   KEEP_WORK=1      keep the scratch folder (its path goes to stderr)
set -eu

usage() {
    sed -n '/^# Usage:/,/^# *KEEP_WORK/p' "$0" | sed 's/^# \{0,1\}//'
}

build=
repeat=
quick=0
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --repeat)
        [ $# -ge 2 ] || { usage >&2; exit 2; }
        repeat=$2
        shift
        ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) build=$1 ;;
    esac
    shift
done
[ -n "$build" ] || { usage >&2; exit 2; }
build=$(cd "$build" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
data=${CRM_DATA_DIR:-$here/../../shared/data}
crmine=$build/engine/crmine
bench_kmeans=$build/bench/bench_kmeans
mpiexec=${MPIEXEC:-mpirun}
blas=${KMEANS_PEER_BLAS:-}
for f in "$crmine" "$bench_kmeans"; do
    [ -x "$f" ] || { echo "missing $f (build with -DCRM_BUILD_BENCH=ON)" >&2; exit 2; }
done
[ -f "$data/online_retail/online_retail.csv.gz" ] || {
    echo "missing $data/online_retail/online_retail.csv.gz" >&2
    exit 2
}

if [ "$quick" = 1 ]; then
    n_planted=50000 n_speed=200000 repeat=${repeat:-1} seeds=2
else
    n_planted=200000 n_speed=1000000 repeat=${repeat:-3} seeds=5
fi
cols=16
n_init_quality=10 # sklearn 1.2's default
max_iter=100
tol=1e-4

work=$(mktemp -d "${TMPDIR:-/tmp}/kmeans_peer.XXXXXX")
if [ "${KEEP_WORK:-0}" = 1 ]; then
    echo "work folder: $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM
results=$work/results.jsonl
: >"$results"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none

emit() { # one JSON line to stdout and to the results
    printf '%s\n' "$1" | tee -a "$results"
}

# The peer: Debian's /usr/bin/python3 (python3-sklearn), with the BLAS
# tuning variables unset for this command alone so OpenBLAS picks its own
# kernel, and KMEANS_PEER_BLAS first on the library path when given.
peer() { # THREADS MODE ARGS...
    t=$1
    shift
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$t" \
        LD_LIBRARY_PATH="$blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        /usr/bin/python3 "$here/kmeans_peer.py" "$@"
}

run_job() { # RANKS THREADS JOB.ini
    OMP_NUM_THREADS=$2 "$mpiexec" -np "$1" "$crmine" run "$3" \
        2>"$work/log" || { cat "$work/log" >&2; exit 1; }
}

features() { # CSV: its f.. columns as a [kmeans] features list
    head -1 "$1" | tr ',' '\n' | grep '^f' | paste -sd, - | sed 's/,/, /g'
}

cd "$work"

# --- versions, and which BLAS the peer runs on -------------------------
info=$(peer 2 versions)
emit "{\"bench\": \"kmeans_peer\", \"quick\": $quick, \"repeat\": $repeat, \"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"crmine\": \"$("$crmine" --version 2>&1 | head -1)\", \"git\": \"$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)\", \"peer\": $info}"
case $info in
*'"internal_api": "openblas"'* | *'"internal_api": "mkl"'* | *'"internal_api": "blis"'*) ;;
*) echo "warning: the peer runs on an unoptimised (reference) BLAS; set KMEANS_PEER_BLAS" >&2 ;;
esac

# --- 0. peak FP32 FMA rate, and the distance kernel alone ---------------
cat >peak.c <<'EOF'
/* FP32 FMA throughput: NACC independent vector accumulators per thread,
 * all in registers (32 zmm / 16 ymm), the accumulator loop unrolled. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#if defined(__AVX512F__)
typedef __m512 vec;
#define NACC 16
#define W 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#else
typedef __m256 vec;
#define NACC 12
#define W 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#endif
int main(void)
{
    const long iters = 20000000;
    double best = 0.0;
    float sink = 0.0f;
    for (int rep = 0; rep < 5; rep++) {
        const double t0 = omp_get_wtime();
#pragma omp parallel reduction(+ : sink)
        {
            vec a[NACC];
            const vec m = SET1(0.999999f), c = SET1(1e-7f);
            for (int i = 0; i < NACC; i++)
                a[i] = SET1((float)i);
            for (long it = 0; it < iters; it++)
#pragma GCC unroll 16
                for (int i = 0; i < NACC; i++)
                    a[i] = FMA(a[i], m, c);
            for (int i = 1; i < NACC; i++)
                a[0] = ADD(a[0], a[i]);
            float out[W];
            STORE(out, a[0]);
            sink += out[0];
        }
        const double s = omp_get_wtime() - t0;
        const double g = 2.0 * W * NACC * (double)iters *
                         omp_get_max_threads() / s / 1e9;
        best = g > best ? g : best;
    }
    printf("%.1f %d %g\n", best, W, (double)sink);
    return 0;
}
EOF
cc -O3 -march=native -fopenmp peak.c -o peak
# The peak of T threads is T x the one-core figure (both cores are alike;
# a measured two-thread figure only shows how busy the other core is).
OMP_NUM_THREADS=1 ./peak >peak.out
read -r core lanes _ <peak.out
OMP_NUM_THREADS=2 ./peak >peak.out
read -r both _ <peak.out
for t in 1 2; do
    gflops=$(awk -v g="$core" -v t="$t" 'BEGIN { printf "%.1f", g * t }')
    # two 256-bit FMA pipes (Zen 4, or one 512-bit op per cycle): 32 FP32
    # flop per cycle per core, so the one-core rate implies the clock
    ghz=$(awk -v g="$core" 'BEGIN { printf "%.2f", g / 32 }')
    emit "{\"bench\": \"fp32_fma_peak\", \"threads\": $t, \"gflops\": $gflops, \"one_core_gflops\": $core, \"two_threads_measured_gflops\": $both, \"vector_floats\": $lanes, \"implied_ghz_at_32_flop_per_cycle\": $ghz}"
    for k in 8 64; do
        line=$(OMP_NUM_THREADS=$t "$bench_kmeans" "$n_speed" "$cols" "$k" 10 1)
        emit "{\"bench\": \"bench_kmeans\", \"threads\": $t, \"k\": $k, \"peak_gflops\": $gflops, \"result\": $line}"
    done
done

# --- 1. quality on UCI Online Retail RFM features ----------------------
gzip -dc "$data/online_retail/online_retail.csv.gz" >or.csv
"$crmine" import transactions --csv or.csv --out or.h5 --customer CustomerID \
    --time InvoiceDate --order InvoiceNo --quantity Quantity \
    --price UnitPrice >/dev/null
s=0
while [ "$s" -lt "$repeat" ]; do
    for k in 4 8; do
        cat >or.ini <<EOF
[job]
seed = $s
[input]
store = or.h5
[rfm]
as_of = 2011-12-10
[kmeans]
features = recency, frequency, monetary
log1p = frequency, monetary
k = $k
n_init = $n_init_quality
[output]
dir = or_out
EOF
        run_job 1 2 or.ini
        emit "$(peer 2 rfm or_out/scores.csv or_out/run.json "$k" "$n_init_quality" "$s")"
    done
    s=$((s + 1))
done

# --- 2. quality on planted clusters ------------------------------------
peer 2 gen planted.csv "$n_planted" "$cols" 8 42 >/dev/null
"$crmine" import customers --csv planted.csv --out planted.h5 \
    --customer id >/dev/null
s=0
while [ "$s" -lt "$repeat" ]; do
    cat >planted.ini <<EOF
[job]
seed = $s
[input]
store = planted.h5
[kmeans]
features = $(features planted.csv)
k = 8
n_init = $n_init_quality
[output]
dir = planted_out
EOF
    run_job 1 2 planted.ini
    emit "$(peer 2 planted planted_out/scores.csv planted_out/run.json planted.csv 8 "$n_init_quality" "$s")"
    s=$((s + 1))
done
rm -f planted.csv planted.h5

# --- 3. speed ------------------------------------------------------------
peer 2 gen speed.csv "$n_speed" "$cols" 32 7 >/dev/null
"$crmine" import customers --csv speed.csv --out speed.h5 --customer id \
    >/dev/null
for k in 8 64; do
    for mi in "$max_iter" 1; do
        cat >"speed_${k}_$mi.ini" <<EOF
[job]
seed = 0
[input]
store = speed.h5
[kmeans]
features = $(features speed.csv)
k = $k
n_init = 1
max_iter = $mi
tol = $tol
[output]
dir = speed_out
csv = no
EOF
    done
    for rt in 1:1 1:2 2:1; do
        np=${rt%:*} th=${rt#*:}
        full='' one=''
        i=0
        while [ "$i" -lt "$repeat" ]; do
            run_job "$np" "$th" "speed_${k}_$max_iter.ini"
            cp speed_out/run.json "full_$i.json"
            run_job "$np" "$th" "speed_${k}_1.ini"
            cp speed_out/run.json "one_$i.json"
            full=$full${full:+,}full_$i.json one=$one${one:+,}one_$i.json
            i=$((i + 1))
        done
        emit "$(peer 1 crmine_speed "$n_speed" "$cols" "$k" "$np" "$th" \
            "$max_iter" "$tol" "$full" "$one")"
    done
    for th in 1 2; do
        emit "$(peer "$th" speed speed.csv "$k" "$th" 1 "$max_iter" "$tol" "$repeat")"
    done
done

# --- 4. inertia over seeds at the speed settings --------------------------
# n_init = 1 ends in a different local minimum for every seed, on both
# sides: the inertia of one seed says little. Seeds 0 .. SEEDS-1, 2 threads.
for k in 8 64; do
    s=0
    while [ "$s" -lt "$seeds" ]; do
        sed "s/^seed = .*/seed = $s/" "speed_${k}_$max_iter.ini" >seed.ini
        run_job 1 2 seed.ini
        emit "$(peer 1 seed_line speed_out/run.json "$k" "$s")"
        s=$((s + 1))
    done
    peer 2 speed_seeds speed.csv "$k" 1 "$max_iter" "$tol" "$seeds" |
        while IFS= read -r line; do emit "$line"; done
done

emit "{\"bench\": \"kmeans_peer_end\", \"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
peer 1 table "$results"
