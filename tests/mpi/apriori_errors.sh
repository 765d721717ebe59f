#!/bin/sh
# [apriori] bad input and edge cases under MPI: errors are one line printed
# once with exit 1 and no output; a million distinct items, empty baskets
# and repeated items run and agree across rank counts.
# Usage: apriori_errors.sh CRMINE MPIEXEC WORKDIR
set -eu
crmine=$1
mpiexec=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/mpi/lib.sh
. "$here/lib.sh"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fails=0

# expect NAME STORE PATTERN APRIORI-LINES
expect() {
    expect_failure "$1" "$3" \
        "[input]\nstore = $2\n[apriori]\n$4[output]\ndir = out\n"
}

printf 'id,t,amt,sku\n1,2011-01-01,5,a\n1,2011-01-02,3,b\n2,2011-01-01,4,a\n' \
    >tx.csv
"$crmine" import transactions --csv tx.csv --out tx.h5 --customer id \
    --time t --amount amt --item sku >/dev/null
printf 'id,plan\n1,gold\n' >c.csv
"$crmine" import customers --csv c.csv --out c.h5 --customer id >/dev/null
expect no_item_column tx.h5 'nothere' 'item = nothere\n'
expect no_baskets c.h5 'stage apriori needs table /transactions or /baskets' ''
expect zero_support tx.h5 'min_support: expected a fraction in (0, 1]' \
    'min_support = 0\n'
expect big_support tx.h5 'min_support: expected a fraction in (0, 1]' \
    'min_support = 1.5\n'
expect text_support tx.h5 'min_support: expected a fraction' \
    'min_support = lots\n'

# 1500 baskets of 20 out of 3000 items, every item frequent at count 1:
# level 2 alone needs millions of counters, beyond memory_mb = 1
awk 'BEGIN { for (b = 0; b < 1500; b++) { s = "";
    for (i = 0; i < 20; i++) s = s (i ? " " : "") (b * 7 + i * 131) % 3000;
    print s } }' >wide.dat
"$crmine" import baskets --fimi wide.dat --out wide.h5 >/dev/null
expect budget wide.h5 'level 2 need more than memory_mb = 1 MB; raise min_support' \
    'min_support = 1\nmemory_mb = 1\n'

# a million distinct items (each once), empty baskets, repeated items
awk 'BEGIN { for (b = 0; b < 100000; b++) { s = "";
    for (i = 0; i < 10; i++) s = s (i ? " " : "") b * 10 + i;
    print s }
    print ""; print "7 7 7 8"; print "7 8 8" }' >million.dat
"$crmine" import baskets --fimi million.dat --out million.h5 >/dev/null
printf '[input]\nstore = million.h5\n[apriori]\nmin_support = 2\n[output]\ndir = out\n' \
    >ok.ini
for np in 1 4; do
    rm -rf out
    "$mpiexec" -n "$np" "$crmine" run ok.ini 2>err >/dev/null ||
        { echo "FAIL million np $np:"; cat err; fails=$((fails + 1)); }
    cp out/itemsets.csv "itemsets_np$np.csv" 2>/dev/null || true
done
cmp itemsets_np1.csv itemsets_np4.csv || { echo "FAIL: np 4 differs"; fails=$((fails + 1)); }
# 7 and 8: 3 baskets each with both, counted once per basket despite repeats
if ! grep -q '^7|8,3,' itemsets_np1.csv; then
    echo "FAIL: repeated items: expected 7|8 in 3 baskets"
    cat itemsets_np1.csv
    fails=$((fails + 1))
fi
grep -q '"baskets":	100003' out/run.json ||
    { echo "FAIL: the empty basket must count"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] || exit 1
cd /
rm -rf "$work"
echo "apriori errors: each reported once; edge cases agree across ranks"
