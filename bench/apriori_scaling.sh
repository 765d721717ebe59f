#!/bin/sh
# Apriori: 1 -> 2 threads and 1 -> 2 ranks, side by side in one run (issue
# 4, "Quality and speed"). Prints one JSON line per measurement and a
# markdown table at the end; medians over REPEAT runs. Recorded with each
# set: the load average before it (/proc/loadavg) and the cores that other
# processes kept busy during it (busy time in /proc/stat less the set's own
# CPU time, over its wall time), the figure that tells an idle machine: a
# set with other_cores well above 0 shared the cores with other jobs.
#
#  - kernel: bench_apriori (item counts, prefix tree, every level; the
#    rules are timed apart and not here), median of REPEAT in-process
#    repeats, at OMP_NUM_THREADS 1 and 2, on FIMI retail.dat at
#    min_support 0.001 and 0.0005, FIMI T10I4D100K at 0.005 and 0.001, and
#    the generated set of GEN baskets at 0.001;
#  - engine: `crmine run` of an [apriori]-only job on the store made by
#    `crmine import baskets --fimi` (retail.dat and T10I4D100K, the same
#    supports), at ranks x threads 1x1, 1x2 and 2x1, REPEAT runs each:
#    run.json stages.apriori.seconds (the stage: baskets from the store,
#    mining, rules, output tables) and phase_seconds.compute.max;
#  - the itemsets: the same count from the kernel at both thread counts
#    and from the engine at every shape, and itemsets.csv and rules.csv
#    byte-identical across the engine's shapes (the script fails if not).
#
# Usage: bench/apriori_scaling.sh BUILD_DIR [--repeat N] [--gen N] [--passive]
#   BUILD_DIR  a build with -DCRM_BUILD_BENCH=ON (engine/crmine and
#              bench/bench_apriori)
#   --repeat   runs per median (default 5)
#   --gen      baskets of the generated set (default 10000000, about 1 GB
#              of RAM and 3 minutes; 0 skips it)
#   --passive  waiting threads and ranks sleep instead of spinning
#              (OMP_WAIT_POLICY=passive, OMPI_MCA_mpi_yield_when_idle=1):
#              on a machine shared with other jobs, a spinning thread or
#              rank takes the core its descheduled partner needs
# Environment:
#   CRM_DATA_DIR     ../shared/data by default (fimi_retail/retail.dat,
#                    fimi_t10i4d100k/T10I4D100K.dat)
#   MPIEXEC          mpirun by default
#   OMP_WAIT_POLICY, OMPI_MCA_mpi_yield_when_idle  passed through (unset:
#                    the runtimes' defaults, which spin while waiting)
#   KEEP_WORK=1      keep the scratch folder (its path goes to stderr)
set -eu

usage() {
    sed -n '/^# Usage:/,/^# *KEEP_WORK/p' "$0" | sed 's/^# \{0,1\}//'
}

build=
repeat=5
ngen=10000000
passive=0
while [ $# -gt 0 ]; do
    case $1 in
    --repeat | --gen)
        [ $# -ge 2 ] || { usage >&2; exit 2; }
        if [ "$1" = --repeat ]; then repeat=$2; else ngen=$2; fi
        shift
        ;;
    --passive) passive=1 ;;
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
mpiexec=${MPIEXEC:-mpirun}
for f in "$crmine" "$bench"; do
    [ -x "$f" ] || { echo "missing $f (build with -DCRM_BUILD_BENCH=ON)" >&2; exit 2; }
done
retail=$data/fimi_retail/retail.dat
t10=$data/fimi_t10i4d100k/T10I4D100K.dat
for f in "$retail" "$t10"; do
    [ -f "$f" ] || { echo "missing $f" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/apriori_scaling.XXXXXX")
if [ "${KEEP_WORK:-0}" = 1 ]; then
    echo "work folder: $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
out=$work/results.jsonl
: >"$out"

# mpirun as root, two ranks on two cores, no binding.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_hwloc_base_binding_policy=none
if [ "$passive" = 1 ]; then
    export OMP_WAIT_POLICY=passive OMPI_MCA_mpi_yield_when_idle=1
fi

emit() {
    printf '%s\n' "$1" | tee -a "$out"
}

load() {
    cut -d ' ' -f 1-3 /proc/loadavg
}

median() {
    tr ' ' '\n' | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

# measured CMD...: runs CMD; the cores other processes kept busy meanwhile
# go to $work/other.
measured() {
    python3 -c '
import os, resource, subprocess, sys, time
def busy():
    with open("/proc/stat") as s:
        v = [int(x) for x in s.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")
b0, t0 = busy(), time.monotonic()
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
rc = subprocess.call(sys.argv[2:])
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
b1, t1 = busy(), time.monotonic()
mine = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
with open(sys.argv[1], "w") as o:
    o.write("%.2f\n" % max(0.0, (b1 - b0 - mine) / (t1 - t0)))
sys.exit(rc)' "$work/other" "$@"
}

# json FILE EXPR: a value of the JSON object in FILE (EXPR indexes it as j).
json() {
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' "$1" "$2"
}

emit "{\"kind\": \"env\", \"load\": \"$(load)\", \"nproc\": $(nproc), \"repeat\": $repeat, \"omp_wait_policy\": \"${OMP_WAIT_POLICY:-default}\", \"mpi_yield_when_idle\": \"${OMPI_MCA_mpi_yield_when_idle:-default}\", \"crmine\": \"$("$crmine" --version 2>&1 | head -n 1)\"}"

# kernel CASE SUPPORT ARGS...: bench_apriori at 1 and 2 threads.
kernel() {
    name=$1 supp=$2
    shift 2
    for th in 1 2; do
        l=$(load)
        line=$(measured env OMP_NUM_THREADS="$th" "$bench" "$supp" "$@" "$repeat")
        emit "{\"kind\": \"kernel\", \"case\": \"$name\", \"load_before\": \"$l\", \"other_cores\": $(cat "$work/other"), ${line#\{}"
    done
}

# engine CASE SUPPORT: the [apriori] job at 1x1, 1x2, 2x1.
engine() {
    name=$1 supp=$2
    job=$work/job.ini
    printf '[input]\nstore = %s\n[apriori]\nmin_support = %s\nrecommend = 0\n[output]\ndir = out\n' \
        "$work/$name.h5" "$supp" >"$job"
    for rt in 1x1 1x2 2x1; do
        np=${rt%x*} th=${rt#*x}
        l=$(load)
        ts='' cs='' os=''
        for _ in $(seq "$repeat"); do
            rm -rf "$work/out"
            measured env OMP_NUM_THREADS="$th" "$mpiexec" -np "$np" \
                "$crmine" run "$job" 2>"$work/log" ||
                { cat "$work/log" >&2; exit 1; }
            os="$os $(cat "$work/other")"
            ts="$ts $(json "$work/out/run.json" 'j["stages"]["apriori"]["seconds"]')"
            cs="$cs $(json "$work/out/run.json" 'j["phase_seconds"]["compute"]["max"]')"
        done
        if [ "$rt" = 1x1 ]; then
            cp "$work/out/itemsets.csv" "$work/out/rules.csv" "$work/"
        else
            for f in itemsets.csv rules.csv; do
                cmp -s "$work/$f" "$work/out/$f" ||
                    { echo "$f differs at $rt ($name $supp)" >&2; exit 1; }
            done
        fi
        emit "{\"kind\": \"engine\", \"case\": \"$name\", \"min_support\": $supp, \"ranks\": $np, \"threads\": $th, \"load_before\": \"$l\", \"other_cores\": $(printf '%s' "${os# }" | tr ' ' '\n' | sort -g | tail -n 1), \"repeat\": $repeat, \"median_s\": $(printf '%s' "${ts# }" | median), \"compute_max_median_s\": $(printf '%s' "${cs# }" | median), \"times_s\": [$(printf '%s' "${ts# }" | tr ' ' ',')], \"itemsets\": $(json "$work/out/run.json" 'j["stages"]["apriori"]["itemsets"]'), \"itemsets_by_length\": $(json "$work/out/run.json" 'j["stages"]["apriori"]["itemsets_by_length"]')}"
    done
}

"$crmine" import baskets --fimi "$retail" --out "$work/retail.h5" >/dev/null
"$crmine" import baskets --fimi "$t10" --out "$work/t10.h5" >/dev/null

for c in retail:0.001 retail:0.0005 t10:0.005 t10:0.001; do
    name=${c%%:*} supp=${c#*:}
    if [ "$name" = retail ]; then file=$retail; else file=$t10; fi
    kernel "$name" "$supp" "$file" 0
    engine "$name" "$supp"
done
if [ "$ngen" -gt 0 ]; then
    kernel gen 0.001 gen "$ngen"
fi
emit "{\"kind\": \"env\", \"load_end\": \"$(load)\"}"

python3 - "$out" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
label = {"retail": "FIMI retail.dat", "t10": "FIMI T10I4D100K", "gen": "generated"}
def find(kind, case, supp, **kw):
    for r in rows:
        if (r.get("kind") == kind and r.get("case") == case
                and abs(r.get("min_support", -1) - supp) < 1e-12
                and all(r.get(k) == v for k, v in kw.items())):
            return r
    return None
def sec(r, key="median_s"):
    return "" if r is None else f"{r[key]:.3f}"
def up(a, b, key="median_s"):
    return "" if a is None or b is None else f"{a[key] / b[key]:.2f}x"
cases = []
for r in rows:
    if r.get("kind") == "kernel" and (r["case"], r["min_support"]) not in cases:
        cases.append((r["case"], r["min_support"]))
bad = []
print()
print("| input | baskets | min_support | itemsets | kernel 1 thr | 2 thr | speed-up "
      "| engine 1x1 | 1x2 | speed-up | 2x1 | speed-up | load before (1-min) "
      "| other jobs' cores (max) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for c, s in cases:
    k1 = find("kernel", c, s, threads=1)
    k2 = find("kernel", c, s, threads=2)
    e11 = find("engine", c, s, ranks=1, threads=1)
    e12 = find("engine", c, s, ranks=1, threads=2)
    e21 = find("engine", c, s, ranks=2, threads=1)
    counts = {r["itemsets"] for r in (k1, k2, e11, e12, e21) if r}
    if len(counts) != 1:
        bad.append((c, s, counts))
    loads = [r["load_before"].split()[0] for r in (k1, k2, e11, e12, e21) if r]
    other = max(r["other_cores"] for r in (k1, k2, e11, e12, e21) if r)
    print(f"| {label[c]} | {k1['rows']:,} | {s * 100:g} % | {k1['itemsets']:,} "
          f"| {sec(k1)} | {sec(k2)} | {up(k1, k2)} | {sec(e11)} | {sec(e12)} "
          f"| {up(e11, e12)} | {sec(e21)} | {up(e11, e21)} "
          f"| {min(loads)}-{max(loads)} | {other:.2f} |")
print()
print("Engine compute phase only (phase_seconds.compute.max, medians):")
print()
print("| input | min_support | 1x1 | 1x2 | speed-up | 2x1 | speed-up |")
print("|---|---|---|---|---|---|---|")
for c, s in cases:
    e11 = find("engine", c, s, ranks=1, threads=1)
    if e11 is None:
        continue
    e12 = find("engine", c, s, ranks=1, threads=2)
    e21 = find("engine", c, s, ranks=2, threads=1)
    k = "compute_max_median_s"
    print(f"| {label[c]} | {s * 100:g} % | {sec(e11, k)} | {sec(e12, k)} "
          f"| {up(e11, e12, k)} | {sec(e21, k)} | {up(e11, e21, k)} |")
if bad:
    print(f"\nITEMSET COUNTS DIFFER: {bad}", file=sys.stderr)
    sys.exit(1)
EOF
