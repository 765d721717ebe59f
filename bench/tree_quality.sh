#!/bin/sh
# Churn-tree quality on real data (issue 5, "Quality"): crmine's [tree]
# test AUC against scikit-learn's DecisionTreeClassifier trained on the
# same training customers with the same depth, leaf size and class
# weights, on IBM Telco and on the Orange/BigML churn files (80 % + 20 %
# concatenated, row number as id), at several depths and seeds. One JSON
# line per run and a markdown table of medians at the end.
#
# Usage: bench/tree_quality.sh BUILD_DIR [SEEDS]
#   BUILD_DIR  a build holding engine/crmine
#   SEEDS      job seeds (train/test splits) per configuration (default 5)
# Environment: CRM_DATA_DIR (../shared/data by default), KEEP_WORK=1.
set -eu
build=$(cd "${1:?usage: tree_quality.sh BUILD_DIR [SEEDS]}" && pwd)
seeds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
data=${CRM_DATA_DIR:-$here/../../shared/data}
crmine=$build/engine/crmine
py=/usr/bin/python3
if ! $py -c 'import sklearn, pandas' 2>/dev/null; then
    apt-get install -y -q python3-sklearn python3-pandas >/dev/null
fi
work=$(mktemp -d)
if [ "${KEEP_WORK:-0}" = 1 ]; then
    echo "work: $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
cd "$work"
out=$here/results/tree_quality.jsonl
mkdir -p "$here/results"
: >"$out"

# run NAME STORE RAW IDCOL LABEL DEPTH LEAF WEIGHT FEATURES(comma list)
run() {
    s=0
    while [ "$s" -lt "$seeds" ]; do
        cat >job.ini <<INI
[job]
seed = $s
[input]
store = $2
[tree]
label = $5
features = $9
max_depth = $6
min_samples_leaf = $7
class_weight = $8
[output]
dir = out
INI
        "$crmine" run job.ini 2>/dev/null
        $py "$here/tree_quality.py" "$1" out/scores.csv "$3" "$4" "$5" \
            out/run.json "$6" "$7" "$8" "$9" |
            tee -a "$out"
        s=$((s + 1))
    done
}

telco=$data/telco_churn_ibm/WA_Fn-UseC_-Telco-Customer-Churn.csv
tf=gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges
if [ -f "$telco" ]; then
    "$crmine" import customers --csv "$telco" --out telco.h5 \
        --customer customerID >/dev/null
    for cfg in "4 20 none" "6 20 none" "8 20 none" "6 20 balanced"; do
        # shellcheck disable=SC2086
        set -- $cfg
        run telco telco.h5 "$telco" customerID Churn "$1" "$2" "$3" "$tf"
    done
fi

bigml=$data/churn_bigml
if [ -f "$bigml/churn-bigml-80.csv" ]; then
    { head -1 "$bigml/churn-bigml-80.csv" | sed 's/^/id,/'
      tail -n +2 "$bigml/churn-bigml-80.csv"
      tail -n +2 "$bigml/churn-bigml-20.csv"; } |
        awk 'NR == 1 { print; next } { print NR - 1 "," $0 }' >bigml.csv
    "$crmine" import customers --csv bigml.csv --out bigml.h5 --customer id \
        >/dev/null
    bf="${BIGML_FEATURES:-State,Account length,Area code,International plan,Voice mail plan,Number vmail messages,Total day minutes,Total day calls,Total day charge,Total eve minutes,Total eve calls,Total eve charge,Total night minutes,Total night calls,Total night charge,Total intl minutes,Total intl calls,Total intl charge,Customer service calls}"
    for cfg in "4 20 none" "6 20 none" "8 10 none"; do
        # shellcheck disable=SC2086
        set -- $cfg
        run bigml bigml.h5 "$work/bigml.csv" id Churn "$1" "$2" "$3" "$bf"
    done
fi

$py - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = sorted({(r["data"], r["depth"], r["min_samples_leaf"], r["class_weight"]) for r in rows})
print("| data | depth | leaf | class_weight | crmine AUC | sklearn AUC | diff (median) | crmine ≥ sklearn |")
print("|---|---|---|---|---|---|---|---|")
for k in keys:
    g = [r for r in rows if (r["data"], r["depth"], r["min_samples_leaf"], r["class_weight"]) == k]
    med = lambda f: statistics.median(r[f] for r in g)
    wins = sum(r["auc_diff"] >= 0 for r in g)
    print("| %s | %d | %d | %s | %.4f | %.4f | %+.4f | %d of %d |" % (
        k[0], k[1], k[2], k[3], med("crmine_auc"), med("sklearn_auc"),
        med("auc_diff"), wins, len(g)))
PY
