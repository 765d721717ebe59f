#!/bin/sh
# [kmeans] bad input and edge cases under MPI: each error is one line,
# printed once, exit 1, no output; the documented behaviours (constant
# feature, more ranks than customers) run and agree across rank counts.
# Usage: kmeans_errors.sh CRMINE MPIEXEC WORKDIR
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
cat >cust.csv <<'CSV'
id,a,b,txt,flat,empty
c1,1.0,10,red,5,
c2,1.5,11,blue,5,
c3,9.0,50,red,5,
c4,9.5,52,blue,5,
CSV
"$crmine" import customers --csv cust.csv --out s.h5 --customer id >/dev/null

# expect NAME PATTERN KMEANS-LINES: the run fails once with PATTERN
expect() {
    expect_failure "$1" "$2" \
        "[input]\nstore = s.h5\n[kmeans]\n$3[output]\ndir = out\n"
}
expect unknown 'unknown feature "zz"' 'features = a, zz\n'
expect text '"txt" is categorical; list it in onehot' 'features = a, txt\n'
expect numeric_onehot '"a" is numeric, not categorical' \
    'features = a, txt\nonehot = a, txt\n'
expect all_missing '"empty" has no value for any customer' \
    'features = a, empty\n'
expect too_many_k 'k = 9 is larger than the number of customers (4)' \
    'features = a, b\nk = 9\n'
expect zero_k 'k: expected an integer from 1 to 4096' 'features = a\nk = 0\n'
expect bad_log 'log1p: "c" is not a numeric feature' \
    'features = a, b\nlog1p = c\n'

# a constant feature is kept (scale 1, adds nothing); 6 ranks for 4
# customers leave ranks idle; both give the same bytes as 1 rank
printf '[input]\nstore = s.h5\n[kmeans]\nfeatures = a, b, flat, txt\nonehot = txt\nk = 2\n[output]\ndir = out\n' \
    >ok.ini
for np in 1 6; do
    rm -rf out
    "$mpiexec" -n "$np" "$crmine" run ok.ini 2>err >/dev/null ||
        { echo "FAIL edge np $np:"; cat err; fails=$((fails + 1)); }
    cat out/scores.csv out/segments.csv >"edge_np$np.txt" 2>/dev/null || true
done
cmp edge_np1.txt edge_np6.txt || { echo "FAIL: np 6 differs"; fails=$((fails + 1)); }
# c1, c2 together and c3, c4 together, apart from each other
groups=$(awk -F, '/^c[1-4],/ { g[$1] = $2 } END {
    print (g["c1"] == g["c2"] && g["c3"] == g["c4"] && g["c1"] != g["c3"]) }' \
    edge_np1.txt)
if [ "$groups" != 1 ]; then
    echo "FAIL: the two obvious groups were not found"
    cat edge_np1.txt
    fails=$((fails + 1))
fi

# a model cannot score features it was not trained on
mv out trained
printf 'id,a,q\nc1,1,2\n' >other.csv
"$crmine" import customers --csv other.csv --out other.h5 --customer id \
    >/dev/null
printf '[input]\nstore = other.h5\n[kmeans]\nmodel = trained/model.h5\n[output]\ndir = out\n' \
    >job.ini
if "$mpiexec" -n 2 "$crmine" run job.ini 2>err >/dev/null ||
    [ "$(grep -c 'unknown feature "b"' err)" -ne 1 ]; then
    echo "FAIL model mismatch:"
    cat err
    fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] || exit 1
cd /
rm -rf "$work"
echo "kmeans errors: each reported once; edge cases agree across ranks"
