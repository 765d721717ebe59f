#!/bin/sh
# End-to-end RFM: import a data set, run the same job at several rank and
# thread counts, require byte-identical scores.csv and scores.h5, and check
# recency/frequency/monetary against an independent Python reference that
# reads the raw CSV.
# Usage: rfm_ranks.sh CRMINE MPIEXEC WORKDIR sample|cdnow|cdnow_text|online_retail
# cdnow_text gives CDNOW text ids ("cd00001") and adds customers without any
# transaction, so the parallel text-id dictionary and the "No Purchases"
# path are both on the byte-identity check.
# Exits 77 (skipped) when a ../shared data set is absent.
set -eu
crmine=$1
mpiexec=$2
work=$3
data=$4
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
shared=${CRM_DATA_DIR:-$src/../shared/data}
rm -rf "$work"
mkdir -p "$work"

case $data in
sample)
    csv=$src/tests/data/retail_sample.csv
    set -- --customer CustomerID --time InvoiceDate --order InvoiceNo \
        --quantity Quantity --price UnitPrice
    as_of=2011-12-10
    ;;
online_retail)
    [ -f "$shared/online_retail/online_retail.csv.gz" ] || exit 77
    csv=$work/online_retail.csv
    gzip -dc "$shared/online_retail/online_retail.csv.gz" >"$csv"
    set -- --customer CustomerID --time InvoiceDate --order InvoiceNo \
        --quantity Quantity --price UnitPrice
    as_of=2011-12-10
    ;;
cdnow)
    [ -f "$shared/cdnow/CDNOW_master.txt" ] || exit 77
    csv=$shared/cdnow/CDNOW_master.txt
    set -- --customer customer_id --time date --amount dollar_value \
        --delimiter " "
    as_of=1998-07-01
    ;;
cdnow_text)
    [ -f "$shared/cdnow/CDNOW_master.txt" ] || exit 77
    csv=$work/cdnow_text.txt
    awk 'NR == 1 { print; next } { $1 = "cd" $1; print }' \
        "$shared/cdnow/CDNOW_master.txt" >"$csv"
    printf 'id,plan\ncd00001,gold\nzz-idle-1,silver\nzz-idle-2,\n' \
        >"$work/customers.csv"
    "$crmine" import customers --csv "$work/customers.csv" \
        --out "$work/store.h5" --customer id
    set -- --customer customer_id --time date --amount dollar_value \
        --delimiter " "
    as_of=1998-07-01
    extra="--extra-customers zz-idle-1,zz-idle-2"
    ;;
*)
    echo "unknown data set $data" >&2
    exit 2
    ;;
esac

"$crmine" import transactions --csv "$csv" --out "$work/store.h5" "$@"
cat >"$work/job.ini" <<INI
[job]
name = rfm_$data
seed = 7
[input]
store = store.h5
[rfm]
as_of = $as_of
[output]
dir = out
csv = yes
INI

run() { # ranks threads
    OMP_NUM_THREADS=$2 "$mpiexec" -n "$1" "$crmine" run "$work/job.ini"
    mv "$work/out" "$work/out_np$1_t$2"
}
run 1 1
run 2 1
run 4 1
run 1 2
run 2 2
for d in out_np2_t1 out_np4_t1 out_np1_t2 out_np2_t2; do
    for f in scores.csv scores.h5; do
        cmp "$work/out_np1_t1/$f" "$work/$d/$f" ||
            { echo "FAIL: $d/$f differs from the 1-rank, 1-thread run"; exit 1; }
    done
done
echo "scores.csv and scores.h5 identical at np 1/2/4, threads 1/2"

# the reference takes the import's own column options
# shellcheck disable=SC2086
/usr/bin/python3 "$here/ref_rfm.py" --csv "$csv" \
    --scores "$work/out_np1_t1/scores.csv" --as-of "$as_of" ${extra:-} "$@"
rm -rf "$work"
