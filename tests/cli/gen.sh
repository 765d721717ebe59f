#!/bin/sh
# crmine gen end to end: the same population at -np 1, 2 and 4 must give
# byte-identical stores (several rounds, uneven rank shares, transaction
# rounds cut at chunk boundaries), inspect must show the expected tables and
# counts, an RFM job must run on the result, and bad usage must fail cleanly
# without leaving a file behind.
# Usage: gen.sh CRMINE MPIEXEC WORKDIR
set -eu
crmine=$1
mpiexec=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fails=0
fail() {
    echo "FAIL $*"
    fails=$((fails + 1))
}
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# 60,000 customers are 15 blocks: 4 rounds of 4 blocks, shares of 1 to 4
# blocks per rank, ~480,000 transactions.
retail() { # ranks out
    "$mpiexec" -n "$1" "$crmine" gen --profile retail --customers 60000 \
        --seed 11 --tx-per-customer 8 --round-blocks 4 --out "$2" 2>/dev/null
}
retail 1 r1.h5
retail 2 r2.h5
retail 4 r4.h5
cmp r1.h5 r2.h5 || fail "retail: np 1 and np 2 differ"
cmp r1.h5 r4.h5 || fail "retail: np 1 and np 4 differ"

"$crmine" inspect r1.h5 >inspect.txt
grep -q '^table /customers: 60000 rows' inspect.txt || fail "customers rows"
grep -q '^table /planted_patterns:' inspect.txt || fail "planted patterns"
grep -Eq 'true_segment +int32 +0' inspect.txt || fail "true_segment column"
grep -Eq 'item +dict\(5000\) +0' inspect.txt || fail "item dictionary"
ntx=$(sed -n 's|^table /transactions: \([0-9]*\) rows.*|\1|p' inspect.txt)
# 8 lines per customer on average: the total lies well within 7.6..8.4 x
if [ -z "$ntx" ] || [ "$ntx" -lt 456000 ] || [ "$ntx" -gt 504000 ]; then
    fail "transactions: ${ntx:-none} rows for 60000 customers at 8 each"
fi

printf '[input]\nstore = r1.h5\n[rfm]\n[output]\ndir = out\ncsv = yes\n' \
    >job.ini
"$crmine" run job.ini 2>/dev/null || fail "rfm job on the generated store"
nscores=$(($(wc -l <out/scores.csv) - 1))
[ "$nscores" -eq 60000 ] || fail "rfm scored $nscores customers, not 60000"
if grep -q ',No Purchases$' out/scores.csv; then
    fail "every generated customer has a purchase"
fi

telecom() { # ranks out
    "$mpiexec" -n "$1" "$crmine" gen --profile telecom --customers 30000 \
        --seed 5 --out "$2" 2>/dev/null
}
telecom 1 t1.h5
telecom 3 t3.h5
cmp t1.h5 t3.h5 || fail "telecom: np 1 and np 3 differ"
"$crmine" inspect t1.h5 >tinspect.txt
grep -q '^table /customers: 30000 rows, block_rows 4096, 13 columns' \
    tinspect.txt || fail "telecom customers"
grep -Eq 'contract +dict\(3\) +0' tinspect.txt || fail "contract dictionary"
if grep -q '^table /transactions' tinspect.txt; then
    fail "telecom has no transactions"
fi
if command -v h5dump >/dev/null; then
    h5dump -a /customers/label t1.h5 | grep -q '"churn"' ||
        fail "telecom label attribute"
fi

usage() { # expected-status args...
    want=$1
    shift
    st=0
    "$crmine" gen "$@" >/dev/null 2>&1 || st=$?
    [ "$st" -eq "$want" ] || fail "gen $*: status $st, not $want"
}
usage 2 --profile shop --customers 10 --out x.h5
usage 2 --profile retail --customers 0 --out x.h5
usage 2 --profile retail --customers 10
usage 2 --profile telecom --customers 10 --tx-per-customer 5 --out x.h5
usage 2 --profile retail --customers 10 --tx-per-customer 0.5 --out x.h5
usage 1 --profile retail --customers 10 --out nodir/x.h5
[ ! -e x.h5 ] || fail "a usage error left x.h5"
[ -z "$(ls nodir 2>/dev/null)" ] || fail "a failed gen left a file"
"$crmine" help gen | grep -q 'usage: crmine gen' || fail "help gen"

[ "$fails" -eq 0 ] || exit 1
cd /
rm -rf "$work"
echo "gen: identical at np 1/2/4 (retail) and 1/3 (telecom); counts, RFM, usage fine"
