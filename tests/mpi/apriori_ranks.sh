#!/bin/sh
# End-to-end Apriori: itemsets.csv, rules.csv, model.h5 and the scores with
# recommendations must be byte-identical at 1/2/4 ranks and 1/2 threads;
# the frequent itemsets must equal an independent Python count of the raw
# basket file; every recommended item must be one the customer never
# bought, offered by a rule whose antecedent the customer owns.
# Usage: apriori_ranks.sh CRMINE MPIEXEC WORKDIR
set -eu
crmine=$1
mpiexec=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/mpi/lib.sh
. "$here/lib.sh"
src=$(cd "$here/../.." && pwd)
shared=${CRM_DATA_DIR:-$src/../shared/data}
rm -rf "$work"
mkdir -p "$work"
cd "$work"

# baskets of the shipped sample's orders, offers for its customers
sample=$src/tests/data/retail_sample.csv
"$crmine" import transactions --csv "$sample" --out tx.h5 \
    --customer CustomerID --time InvoiceDate --order InvoiceNo \
    --item StockCode --quantity Quantity --price UnitPrice >/dev/null
printf '[input]\nstore = tx.h5\n[apriori]\nbasket = customer\nmin_support = 5\nmax_len = 3\nmin_confidence = 0.5\nrecommend = 3\n[output]\ndir = out\n' \
    >tx.ini
same_at_all_ranks tx.ini
/usr/bin/python3 "$here/ref_apriori.py" recs out/scores.csv out/rules.csv \
    "$sample" CustomerID StockCode Quantity UnitPrice
head -3 out/rules.csv

if [ -f "$shared/groceries/groceries.csv" ]; then
    "$crmine" import baskets --lines "$shared/groceries/groceries.csv" \
        --delimiter , --out g.h5 >/dev/null
    printf '[input]\nstore = g.h5\n[apriori]\nmin_support = 0.01\nmin_confidence = 0.3\n[output]\ndir = out\n' \
        >g.ini
    same_at_all_ranks g.ini
    # ceil(0.01 x 9835) = 99
    /usr/bin/python3 "$here/ref_apriori.py" itemsets \
        "$shared/groceries/groceries.csv" out/itemsets.csv 99
    grep -q '"baskets":	9835' out/run.json ||
        { echo "FAIL: run.json baskets"; exit 1; }
fi
cd /
rm -rf "$work"
echo "apriori: identical at 1/2/4 ranks, itemsets and offers verified"
