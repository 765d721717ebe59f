#!/bin/sh
# The benchmark driver (issue 6): the machine's limits, every kernel, and a
# full nightly job at scale at ranks x threads 1x1, 1x2, 2x1 and 4x1 (the
# last oversubscribed, to check bench/scaling_model.py), each
# figure with what it is set against. One JSON line per measurement goes to
# bench/results/<date>.jsonl (git ignores that folder) and a markdown table
# to stdout, ready for docs/BENCHMARKS.md. The peers (scikit-learn,
# pandas) have their own scripts, run last: bench/kmeans_peer.sh and
# bench/rfm_online_retail.sh.
#
# Usage: bench/run.sh [--quick] [--customers N] [--peers] [--update-docs]
#   --quick        100,000 customers, REPEAT 1 (a few minutes)
#   --customers N  the generated population (default 1,000,000; 10,000,000
#                  is the issue's headline size, ~10 minutes here)
#   --peers        also run the peer scripts (--quick with --quick)
#   --update-docs  also put the tables into docs/BENCHMARKS.md, between
#                  the markers for this size in its section "The
#                  driver's tables"
set -eu
cd "$(dirname "$0")/.."
customers=1000000
repeat=3
quick=0
peers=0
update=0
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 customers=100000 repeat=1 ;;
    --customers) customers=$2; shift ;;
    --peers) peers=1 ;;
    --update-docs) update=1 ;;
    *) sed -n '/^# Usage:/,/^# *--update-docs/p' "$0"; exit 2 ;;
    esac
    shift
done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none
build="build-bench"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCRM_BUILD_BENCH=ON \
    >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
mkdir -p bench/results
out=bench/results/$(date +%Y%m%d-%H%M%S).jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
crmine=$PWD/$build/engine/crmine

record() { echo "$1" | tee -a "$out"; }

# 1. the machine's limit and the kernels (each verifies its own answer);
# kernel figures are rates per row, so they stop growing at 1,000,000
# customers (bench_rfm at 20 M customers would need 19 GB)
kernel_rows=$customers
[ "$kernel_rows" -gt 1000000 ] && kernel_rows=1000000
for t in 1 2; do
    record "$(OMP_NUM_THREADS=$t "$build/bench/bench_stream" 256 5)"
    record "$(OMP_NUM_THREADS=$t "$build/bench/bench_rfm" \
        $((kernel_rows * 2)) "$repeat")"
    for k in 8 64; do
        record "$(OMP_NUM_THREADS=$t "$build/bench/bench_kmeans" \
            "$kernel_rows" 16 "$k" 12)"
    done
done

data=${CRM_DATA_DIR:-../shared/data}
if [ -f "$data/fimi_retail/retail.dat" ]; then
    for t in 1 2; do
        record "$(OMP_NUM_THREADS=$t "$build/bench/bench_apriori" 0.001 \
            "$data/fimi_retail/retail.dat" 0 "$repeat")"
    done
fi

# 2. a generated population and the full nightly job at three shapes
mpirun -x OMP_NUM_THREADS=1 -np 2 "$crmine" gen --profile retail \
    --customers "$customers" --seed 1 --out "$work/big.h5" >/dev/null
cat >"$work/nightly.ini" <<'INI'
[job]
seed = 1
[input]
store = big.h5
[rfm]
as_of = 2023-09-30
[kmeans]
features = recency, frequency, monetary
log1p = frequency, monetary
k = 8
n_init = 1
max_iter = 50
[apriori]
basket = order
min_support = 0.001
max_len = 3
recommend = 3
[tree]
churn_days = 90
features = recency, frequency, monetary, cluster
max_depth = 8
[output]
dir = out
INI
# the nightly rescoring: the same base scored with the trained models
# (k-means and tree); RFM and Apriori's offers are recomputed
sed -e 's/^features = recency, frequency, monetary$/model = trained\/model.h5/' \
    -e '/^log1p\|^k = 8\|^n_init\|^max_iter/d' \
    -e 's/^churn_days = 90$/model = trained\/model.h5/' \
    -e '/^features = recency, frequency, monetary, cluster\|^max_depth/d' \
    -e 's/^dir = out/dir = rescored/' "$work/nightly.ini" >"$work/rescore.ini"
# run_job NAME JOB SHAPE: one timed run, one JSON line
run_job() {
    np=${3%:*} th=${3#*:}
    /usr/bin/time -f '%e %M' -o "$work/time" mpirun -x OMP_NUM_THREADS="$th" \
        -np "$np" "$crmine" run "$work/$2" 2>"$work/log" ||
        { cat "$work/log"; exit 1; }
    read -r wall rss_kb <"$work/time"
    dir=$(sed -n 's/^dir = //p' "$work/$2")
    # stage seconds, the phases (max over ranks) and the sizes that set
    # each stage's collectives, for bench/scaling_model.py
    stages=$(/usr/bin/python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
s = d["stages"]
out = ["\"%s_s\": %.3f" % (k, v["seconds"]) for k, v in s.items()]
out += ["\"%s_phase_s\": %.3f" % (k, v["max"]) for k, v in d["phase_seconds"].items()]
if "kmeans" in s:
    out.append("\"kmeans_iterations\": %d" % s["kmeans"]["iterations"])
    out.append("\"kmeans_k\": %d" % s["kmeans"]["k"])
if "apriori" in s:
    out.append("\"apriori_frequent_items\": %d" % s["apriori"]["itemsets_by_length"][0])
    out.append("\"apriori_levels\": %d" % len(s["apriori"]["itemsets_by_length"]))
if "tree" in s and "trees" in s["tree"]:
    out.append("\"tree_depth\": %d" % s["tree"]["trees"][0]["depth"])
    out.append("\"tree_features\": %d" % len(s["tree"]["importance"]))
print(", ".join(out))' \
        "$work/$dir/run.json")
    # bytes: the store's size is what the job reads at most, the output
    # folder's what it writes
    store_b=$(stat -c %s "$work/big.h5")
    out_b=$(du -sb "$work/$dir" | cut -f1)
    rates=$(/usr/bin/python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["phase_seconds"]
n, wall, rb, wb = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print("\"customers_per_sec\": %.0f, \"read_mb_per_sec\": %.1f, \"write_mb_per_sec\": %.1f" % (
    n / wall, rb / 1e6 / max(d["read"]["max"], 1e-9), wb / 1e6 / max(d["write"]["max"], 1e-9)))' \
        "$work/$dir/run.json" "$customers" "$wall" "$store_b" "$out_b")
    record "{\"bench\": \"$1\", \"customers\": $customers, \"ranks\": $np, \"threads\": $th, \"wall_s\": $wall, \"peak_rss_mb\": $((rss_kb / 1024)), $rates, $stages}"
}
for shape in 1:1 1:2 2:1 4:1; do
    rm -rf "$work/out" "$work/rescored" "$work/trained"
    run_job nightly nightly.ini "$shape"
    mv "$work/out" "$work/trained"
    run_job rescore rescore.ini "$shape"
done

# 3. the tables (also to bench/results/<date>.md)
tables=${out%.jsonl}.md
{
/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\n| measurement | threads / ranks | median | figure |")
print("|---|---|---|---|")
for r in rows:
    if r.get("bench") in ("nightly", "rescore"):
        what = "nightly training job" if r["bench"] == "nightly" else "nightly rescoring (trained models)"
        print("| %s, %d customers | %dx%d | %.1f s | %.0f customers/s; peak RSS %d MB per rank; read %.0f MB/s, write %.0f MB/s; %s |" % (
            what, r["customers"], r["ranks"], r["threads"], r["wall_s"],
            r["customers_per_sec"], r["peak_rss_mb"], r["read_mb_per_sec"],
            r["write_mb_per_sec"], ", ".join("%s %.1f s" % (k[:-2], v)
                                       for k, v in r.items() if k.endswith("_s") and k != "wall_s")))
    else:
        name = r["kernel"] + (" k=%d" % r["k"] if "k" in r else "")
        if "gflops_plain" in r:
            extra = "%.1f GFLOP/s plain, %.1f with bounds (equivalent)" % (
                r["gflops_plain"], r["gflops_accel_equiv"])
        elif r.get("bytes_per_s"):
            extra = "%.1f GB/s" % (r["bytes_per_s"] / 1e9)
        else:
            extra = "%.0f rows/s" % r["rows_per_s"]
        print("| %s (%s rows) | %d | %.4f s | %s |" % (
            name, r["rows"], r["threads"], r["median_s"], extra))
PY
echo
/usr/bin/python3 bench/scaling_model.py "$out" 100000000
} | tee "$tables"
if [ "$update" = 1 ]; then
    /usr/bin/python3 - docs/BENCHMARKS.md "$tables" "$customers" <<'PY'
import subprocess, sys, time
doc, tables, n = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3])
begin = "<!-- bench/run.sh:begin %d -->" % n
end = "<!-- bench/run.sh:end %d -->" % n
text = open(doc).read()
if begin not in text:
    sys.exit("docs/BENCHMARKS.md has no block for %d customers: add the "
             "lines %s and %s where it belongs" % (n, begin, end))
head, rest = text.split(begin)
_, tail = rest.split(end)
sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                     capture_output=True, text=True).stdout.strip()
block = ("\nRun of %s at %s, %d customers (`bench/run.sh --customers %d "
         "--update-docs`):\n%s\n" % (time.strftime("%Y-%m-%d %H:%M"), sha,
                                      n, n, tables))
open(doc, "w").write(head + begin + block + end + tail)
PY
fi
if [ "$peers" = 1 ]; then
    q=
    [ "$quick" = 1 ] && q=--quick
    bench/kmeans_peer.sh "$build" $q
    bench/rfm_online_retail.sh "$build" "$repeat"
    bench/tree_peer.sh "$build" "$kernel_rows" "$repeat"
    bench/tree_quality.sh "$build" 5
fi
echo "results: $out"
