#!/bin/sh
# RFM on UCI Online Retail (541,909 rows), crmine against pandas, side by
# side in one run. crmine: import (CSV -> store) and `crmine run` at
# ranks x threads 1x1, 1x2, 2x1; pandas: read_csv + the same RFM. Both
# answers are checked to agree (sum of frequencies, sum of the three scores)
# before any time is printed. Medians over REPEAT runs.
# Usage: bench/rfm_online_retail.sh BUILD_DIR [REPEAT=5]
set -eu
build=$1
repeat=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
data=${CRM_DATA_DIR:-$here/../../shared/data}
crmine=$build/engine/crmine
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none
gzip -dc "$data/online_retail/online_retail.csv.gz" >"$work/or.csv"
printf '[input]\nstore = or.h5\n[rfm]\nas_of = 2011-12-10\n[output]\ndir = out\n' \
    >"$work/job.ini"

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$work/import.t"
for _ in $(seq "$repeat"); do
    t0=$(now)
    "$crmine" import transactions --csv "$work/or.csv" --out "$work/or.h5" \
        --customer CustomerID --time InvoiceDate --order InvoiceNo \
        --item StockCode --quantity Quantity --price UnitPrice >/dev/null
    echo "$(now) - $t0" | bc >>"$work/import.t"
done
import_s=$(median <"$work/import.t")

run_median() { # ranks threads
    : >"$work/run.t"
    for _ in $(seq "$repeat"); do
        t0=$(now)
        OMP_NUM_THREADS=$2 mpirun -np "$1" "$crmine" run "$work/job.ini" \
            2>/dev/null
        echo "$(now) - $t0" | bc >>"$work/run.t"
    done
    median <"$work/run.t"
}
r11=$(run_median 1 1)
r12=$(run_median 1 2)
r21=$(run_median 2 1)

peer=$(/usr/bin/python3 "$here/rfm_peer.py" "$work/or.csv" 2011-12-10 \
    --repeat "$repeat")
ours=$(awk -F, 'NR > 1 { f += $3; s += $5 + $6 + $7 } END { print f, s }' \
    "$work/out/scores.csv")
theirs=$(echo "$peer" | /usr/bin/python3 -c \
    'import json,sys; d=json.load(sys.stdin); print(d["frequency_sum"], d["score_sum"])')
if [ "$ours" != "$theirs" ]; then
    echo "answers differ: crmine $ours, pandas $theirs" >&2
    exit 1
fi
pandas_s=$(echo "$peer" | /usr/bin/python3 -c \
    'import json,sys; print(json.load(sys.stdin)["median_s"])')
echo "{\"bench\": \"rfm_online_retail\", \"repeat\": $repeat, \"import_s\": $import_s, \"run_1x1_s\": $r11, \"run_1x2_s\": $r12, \"run_2x1_s\": $r21, \"pandas\": $peer, \"agree\": \"$ours\"}"
awk -v i="$import_s" -v a="$r11" -v b="$r12" -v c="$r21" -v p="$pandas_s" 'BEGIN {
    printf "| crmine import + run, 1 rank x 1 thread | %.3f s | %.2fx |\n", i + a, p / (i + a)
    printf "| crmine import + run, 1 rank x 2 threads | %.3f s | %.2fx |\n", i + b, p / (i + b)
    printf "| crmine import + run, 2 ranks x 1 thread | %.3f s | %.2fx |\n", i + c, p / (i + c)
    printf "| pandas read_csv + RFM | %.3f s | 1.00x |\n", p
}'
