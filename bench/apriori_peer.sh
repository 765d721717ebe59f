#!/bin/sh
# Apriori: crmine against Christian Borgelt's apriori (the field's reference
# C implementation, as R's arules runs it), side by side in one run (issue
# 4, "Quality and speed"). Prints one JSON line per measurement and markdown
# tables at the end; medians over REPEAT runs.
#
# Cases: FIMI retail.dat at min_support 0.001 and 0.0005, FIMI T10I4D100K
# at 0.005 and 0.001, no length limit. Each case has one absolute
# threshold, min_count = ceil(min_support x baskets), given to every tool:
#  - crmine kernel: bench_apriori (item counts, prefix tree, every level;
#    no rules timed here) at OMP_NUM_THREADS 1 and 2;
#  - crmine engine: `crmine run` of an [apriori] job on the store made by
#    `crmine import baskets --fimi`, at 1 thread (its run.json gives the
#    itemsets per length); for retail.dat at 0.0005 also timed (run.json
#    stages.apriori.seconds) at ranks x threads 1x1, 1x2 and 2x1;
#  - arules: bench/apriori_peer.R, apriori(target = "frequent itemsets")
#    timed with system.time inside R (reading the file is not timed), when
#    Rscript and library(arules) are there; otherwise a "skipped" line;
#  - the itemsets per length, against arules and against counts stored
#    below, computed once by the independent plain-Python counter
#    (bench/apriori_count_ref.py; far too slow and big to rerun here: 375 s
#    and 17 GB for T10I4D100K at 0.001).
#
# Usage: bench/apriori_peer.sh BUILD_DIR [--repeat N]
#   BUILD_DIR  a build with -DCRM_BUILD_BENCH=ON (engine/crmine and
#              bench/bench_apriori)
#   --repeat   runs per median (default 3)
# Environment:
#   CRM_DATA_DIR  ../shared/data by default (fimi_retail/retail.dat,
#                 fimi_t10i4d100k/T10I4D100K.dat)
#   RSCRIPT       Rscript by default
#   MPIEXEC       mpirun by default
#   KEEP_WORK=1   keep the scratch folder (its path goes to stderr)
set -eu

usage() {
    sed -n '/^# Usage:/,/^# *KEEP_WORK/p' "$0" | sed 's/^# \{0,1\}//'
}

build=
repeat=3
while [ $# -gt 0 ]; do
    case $1 in
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
bench=$build/bench/bench_apriori
rscript=${RSCRIPT:-Rscript}
mpiexec=${MPIEXEC:-mpirun}
for f in "$crmine" "$bench"; do
    [ -x "$f" ] || { echo "missing $f (build with -DCRM_BUILD_BENCH=ON)" >&2; exit 2; }
done
retail=$data/fimi_retail/retail.dat
t10=$data/fimi_t10i4d100k/T10I4D100K.dat
for f in "$retail" "$t10"; do
    [ -f "$f" ] || { echo "missing $f" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/apriori_peer.XXXXXX")
if [ "${KEEP_WORK:-0}" = 1 ]; then
    echo "work folder: $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
out=$work/results.jsonl
: >"$out"

# mpirun as root, two ranks on two cores, no binding (other jobs share it).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_hwloc_base_binding_policy=none

emit() {
    printf '%s\n' "$1" | tee -a "$out"
}

load() {
    cut -d ' ' -f 1-3 /proc/loadavg
}

# field FILE KEY: a top-level number or array of the one JSON object in FILE.
field() {
    python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2"
}

have_arules=0
if command -v "$rscript" >/dev/null 2>&1 &&
    "$rscript" -e 'suppressPackageStartupMessages(library(arules))' >/dev/null 2>&1; then
    have_arules=1
fi

emit "{\"kind\": \"env\", \"load_start\": \"$(load)\", \"nproc\": $(nproc), \"repeat\": $repeat, \"arules\": $have_arules, \"crmine\": \"$("$crmine" --version 2>&1 | head -n 1)\"}"

# The itemsets per length found by bench/apriori_count_ref.py (index 0 =
# length 1), keyed by data set and min_count.
expected() {
    case $1:$2 in
    retail:89) echo '[2117, 3260, 1794, 382, 36]' ;;
    retail:45) echo '[3926, 8198, 5411, 1534, 170, 3]' ;;
    t10:500) echo '[569, 342, 110, 43, 9]' ;;
    t10:100) echo '[797, 8831, 7130, 5499, 3188, 1429, 503, 130, 23, 2]' ;;
    *) echo null ;;
    esac
}

# The store of each data set, imported once.
"$crmine" import baskets --fimi "$retail" --out "$work/retail.h5" >/dev/null 2>&1
"$crmine" import baskets --fimi "$t10" --out "$work/t10.h5" >/dev/null 2>&1

# run_job NAME MIN_COUNT RANKS THREADS: one `crmine run`; its run.json goes
# to $work/run.json.
run_job() {
    job=$work/job_$1.ini
    printf '[input]\nstore = %s\n[apriori]\nmin_support = %s\nmax_len = 0\n[output]\ndir = %s\n' \
        "$work/$1.h5" "$2" "$work/out_$1" >"$job"
    rm -rf "$work/out_$1"
    if [ "$3" = 1 ]; then
        OMP_NUM_THREADS=$4 "$crmine" run "$job" 2>"$work/log"
    else
        OMP_NUM_THREADS=$4 "$mpiexec" -np "$3" "$crmine" run "$job" 2>"$work/log"
    fi || { cat "$work/log" >&2; exit 1; }
    cp "$work/out_$1/run.json" "$work/run.json"
}

stage() {
    python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["stages"]["apriori"]; print(json.dumps(a[sys.argv[2]]))' "$work/run.json" "$1"
}

median() {
    tr ' ' '\n' | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

for case in retail:0.001 retail:0.0005 t10:0.005 t10:0.001; do
    name=${case%%:*} supp=${case#*:}
    if [ "$name" = retail ]; then file=$retail; else file=$t10; fi
    n=$(awk 'END {print NR}' "$file")
    # ceil(supp x n), exact for these decimal fractions.
    mc=$(awk -v s="$supp" -v n="$n" 'BEGIN {c = s * n; i = int(c); if (c - i > 1e-9) i++; print i}')

    # The engine at one thread: the itemsets per length.
    run_job "$name" "$mc" 1 1
    crm_len=$(stage itemsets_by_length)
    want=$(expected "$name" "$mc")
    emit "{\"kind\": \"counts\", \"tool\": \"crmine\", \"case\": \"$name\", \"min_support\": $supp, \"baskets\": $(stage baskets), \"min_count\": $(stage min_count), \"itemsets\": $(stage itemsets), \"itemsets_by_length\": $crm_len, \"python_ref_by_length\": $want}"

    # The kernel at 1 and 2 threads.
    for th in 1 2; do
        line=$(OMP_NUM_THREADS=$th "$bench" "$supp" "$file" 0 "$repeat")
        case $line in
        *"\"min_count\": $mc,"*) ;;
        *) echo "bench_apriori used another min_count than $mc: $line" >&2; exit 1 ;;
        esac
        emit "{\"kind\": \"time\", \"tool\": \"crmine_kernel\", \"case\": \"$name\", \"load\": \"$(load)\", ${line#\{}"
    done

    # The peer.
    if [ "$have_arules" = 1 ]; then
        maxlen=$(printf '%s' "$crm_len" | awk -F, '{print NF + 5}')
        line=$("$rscript" "$here/apriori_peer.R" "$file" "$mc" "$maxlen" "$repeat")
        emit "{\"kind\": \"time\", \"case\": \"$name\", \"min_support\": $supp, \"load\": \"$(load)\", ${line#\{}"
    else
        emit "{\"kind\": \"time\", \"tool\": \"arules\", \"case\": \"$name\", \"min_support\": $supp, \"status\": \"skipped: Rscript with library(arules) not found\"}"
    fi
done

# The engine path, retail.dat at 0.0005: ranks x threads 1x1, 1x2, 2x1.
n=$(awk 'END {print NR}' "$retail")
mc=$(awk -v n="$n" 'BEGIN {c = 0.0005 * n; i = int(c); if (c - i > 1e-9) i++; print i}')
for rt in 1x1 1x2 2x1; do
    set -- "${rt%x*}" "${rt#*x}"
    ts=
    for _ in $(seq "$repeat"); do
        run_job retail "$mc" "$1" "$2"
        ts="$ts $(stage seconds)"
    done
    med=$(printf '%s' "${ts# }" | median)
    emit "{\"kind\": \"time\", \"tool\": \"crmine_engine\", \"case\": \"retail\", \"min_support\": 0.0005, \"min_count\": $mc, \"ranks\": $1, \"threads\": $2, \"repeat\": $repeat, \"median_s\": $med, \"times_s\": [$(printf '%s' "${ts# }" | tr ' ' ',')], \"itemsets\": $(stage itemsets), \"load\": \"$(load)\"}"
done
emit "{\"kind\": \"env\", \"load_end\": \"$(load)\"}"

python3 - "$out" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cases = [("retail", 0.001), ("retail", 0.0005), ("t10", 0.005), ("t10", 0.001)]
label = {"retail": "retail.dat", "t10": "T10I4D100K"}
def get(kind, tool, case, supp, **kw):
    for r in rows:
        if (r.get("kind") == kind and r.get("tool") == tool
                and r.get("case") == case
                and abs(r.get("min_support", -1) - supp) < 1e-12
                and all(r.get(k) == v for k, v in kw.items())):
            return r
    return None
def fmt(x):
    return "n/a" if x is None else f"{x:.3f}"
print()
print("| data | min_support | min_count | itemsets by length: crmine | python ref | arules | match |")
print("|---|---|---|---|---|---|---|")
for c, s in cases:
    cr = get("counts", "crmine", c, s)
    ar = get("time", "arules", c, s)
    al = ar.get("itemsets_by_length") if ar else None
    ok = cr["itemsets_by_length"] == cr["python_ref_by_length"] and (
        al is None or al == cr["itemsets_by_length"])
    print(f"| {label[c]} | {s} | {cr['min_count']} | {cr['itemsets_by_length']} "
          f"(= {cr['itemsets']}) | {cr['python_ref_by_length']} | "
          f"{al if al is not None else 'not run'} | {'yes' if ok else 'NO'} |")
print()
print("| data | min_support | arules s | crmine 1 thread s | crmine 2 threads s | arules / crmine 1t | arules / crmine 2t | crmine peak RSS (1t) |")
print("|---|---|---|---|---|---|---|---|")
for c, s in cases:
    k1 = get("time", "crmine_kernel", c, s, threads=1)
    k2 = get("time", "crmine_kernel", c, s, threads=2)
    ar = get("time", "arules", c, s)
    at = ar.get("median_s") if ar else None
    r1 = fmt(at / k1["median_s"]) if at else "n/a"
    r2 = fmt(at / k2["median_s"]) if at else "n/a"
    print(f"| {label[c]} | {s} | {fmt(at)} | {fmt(k1['median_s'])} | "
          f"{fmt(k2['median_s'])} | {r1} | {r2} | {k1['peak_rss_mb']:.0f} MB |")
print()
print("| engine, retail.dat 0.0005 | ranks | threads | stages.apriori.seconds (median) |")
print("|---|---|---|---|")
for r in rows:
    if r.get("tool") == "crmine_engine":
        print(f"| crmine run | {r['ranks']} | {r['threads']} | {r['median_s']:.3f} |")
EOF
