#!/bin/sh
# Failures of `crmine run` under MPI: every case must exit non-zero, print
# its one-line message exactly once whatever the rank count, and leave the
# output folder as it was (no new file, no temporary file).
# Usage: run_errors.sh CRMINE MPIEXEC WORKDIR
set -eu
crmine=$1
mpiexec=$2
work=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"
mkdir -p "$work/out"
echo "previous" >"$work/out/scores.csv"
fails=0

"$crmine" import transactions --csv "$src/tests/data/retail_sample.csv" \
    --out "$work/tx.h5" --customer CustomerID --time InvoiceDate \
    --order InvoiceNo --quantity Quantity --price UnitPrice >/dev/null
printf 'id,plan\n1,gold\n2,silver\n' >"$work/customers.csv"
"$crmine" import customers --csv "$work/customers.csv" --out "$work/cust.h5" \
    --customer id >/dev/null

# expect NAME NP PATTERN JOBTEXT: the run fails, says PATTERN once, no output
expect() {
    name=$1 np=$2 pattern=$3
    printf '%s' "$4" >"$work/job.ini"
    if "$mpiexec" -n "$np" "$crmine" run "$work/job.ini" 2>"$work/err" \
        >/dev/null; then
        echo "FAIL $name: exit status 0"
        fails=$((fails + 1))
        return
    fi
    n=$(grep -c -- "$pattern" "$work/err" || true)
    if [ "$n" -ne 1 ]; then
        echo "FAIL $name: expected one line with '$pattern', got $n:"
        cat "$work/err"
        fails=$((fails + 1))
    fi
    left=$(ls -A "$work/out")
    if [ "$left" != "scores.csv" ] ||
        [ "$(cat "$work/out/scores.csv")" != previous ]; then
        echo "FAIL $name: output folder changed: $left"
        fails=$((fails + 1))
    fi
}

for np in 1 2 4; do
    expect "unknown key np$np" "$np" 'job.ini:4: \[rfm\] bins_x: unknown key' \
        '[input]
store = tx.h5
[rfm]
bins_x = 3
[output]
dir = out
'
    expect "missing store np$np" "$np" 'nothere.h5' '[input]
store = nothere.h5
[rfm]
[output]
dir = out
'
    expect "absent table np$np" "$np" \
        'stage rfm needs table /transactions' '[input]
store = cust.h5
[rfm]
[output]
dir = out
'
done
# a store that is not HDF5 at all
echo "not a store" >"$work/bogus.h5"
expect "not hdf5" 2 'bogus.h5' '[input]
store = bogus.h5
[rfm]
[output]
dir = out
'
[ "$fails" -eq 0 ] || exit 1
rm -rf "$work"
echo "run errors: all cases reported once, outputs untouched"
