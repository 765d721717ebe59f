#!/bin/sh
# End-to-end churn trees: every output (scores, tree_rules.txt,
# tree_eval.csv, model.h5) byte-identical at 1/2/4 ranks and 1/2 threads;
# the test metrics in run.json equal an independent recomputation from
# scores.csv and the raw labels; each churn_prob is its leaf's Laplace
# frequency over the training rows; a saved model scores the same without
# retraining; a forest is as reproducible; the churn_days label matches a
# count made from the raw CDNOW file. Generated data always; IBM Telco and
# CDNOW when ../shared/data has them.
# Usage: tree_ranks.sh CRMINE MPIEXEC WORKDIR
set -eu
crmine=$1
mpiexec=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/mpi/lib.sh
. "$here/lib.sh"
shared=${CRM_DATA_DIR:-$here/../../../shared/data}
ref="/usr/bin/python3 $here/ref_tree.py"
rm -rf "$work"
mkdir -p "$work"
cd "$work"

# check_tree JOB LABELS IDCOL LABELCOL: identical bytes, metrics, leaves
check_tree() {
    same_at_all_ranks "$1"
    $ref metrics out/scores.csv "$2" "$3" "$4" out/run.json
    $ref leaves out/scores.csv "$2" "$3" "$4"
}

"$crmine" gen --profile telecom --customers 20000 --seed 3 --out tel.h5 \
    2>/dev/null
"$crmine" export tel.h5:/customers --csv tel.csv 2>/dev/null
cat >tel.ini <<'INI'
[job]
seed = 5
[input]
store = tel.h5
[tree]
label = churn
features = tenure_months, contract, monthly_charges, total_charges, day_minutes, evening_minutes, night_minutes, intl_minutes, service_calls, data_gb
max_depth = 6
min_samples_leaf = 30
[output]
dir = out
INI
check_tree tel.ini tel.csv customer_id churn
head -3 out/tree_rules.txt

# the saved model scores every customer as in training, without training
cp -r out trained
printf '[input]\nstore = tel.h5\n[tree]\nmodel = trained/model.h5\n[output]\ndir = out\n' \
    >score.ini
same_at_all_ranks score.ini
cut -d, -f1-3 trained/scores.csv >a.txt
cut -d, -f1-3 out/scores.csv >b.txt
cmp a.txt b.txt || { echo "FAIL: model scoring changed churn_prob"; exit 1; }
[ ! -e out/model.h5 ] || { echo "FAIL: scoring wrote a model"; exit 1; }

# a forest: bootstrap and feature subsets keyed by ids, so still identical
sed 's/^max_depth = 6/max_depth = 5\ntrees = 4/' tel.ini >forest.ini
same_at_all_ranks forest.ini
$ref metrics out/scores.csv tel.csv customer_id churn out/run.json

telco=$shared/telco_churn_ibm/WA_Fn-UseC_-Telco-Customer-Churn.csv
if [ -f "$telco" ]; then
    "$crmine" import customers --csv "$telco" --out telco.h5 \
        --customer customerID >/dev/null
    cat >telco.ini <<'INI'
[job]
seed = 7
[input]
store = telco.h5
[tree]
label = Churn
features = gender, SeniorCitizen, Partner, Dependents, tenure, PhoneService, MultipleLines, InternetService, OnlineSecurity, OnlineBackup, DeviceProtection, TechSupport, StreamingTV, StreamingMovies, Contract, PaperlessBilling, PaymentMethod, MonthlyCharges, TotalCharges
max_depth = 5
class_weight = balanced
[output]
dir = out
INI
    check_tree telco.ini "$telco" customerID Churn
fi

cdnow=$shared/cdnow/CDNOW_master.txt
if [ -f "$cdnow" ]; then
    "$crmine" import transactions --csv "$cdnow" --out cdnow.h5 \
        --customer customer_id --time date --amount dollar_value \
        --delimiter ' ' >/dev/null
    printf '[input]\nstore = cdnow.h5\n[rfm]\nas_of = 1997-12-31\n[tree]\nchurn_days = 180\nfeatures = recency, frequency, monetary\nmax_depth = 4\n[output]\ndir = out\n' \
        >cdnow.ini
    same_at_all_ranks cdnow.ini
    $ref days "$cdnow" customer_id date 1997-12-31 180 out/run.json
fi
cd /
rm -rf "$work"
echo "tree: outputs identical at 1/2/4 ranks, metrics and leaves verified"
