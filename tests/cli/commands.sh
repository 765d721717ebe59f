#!/bin/sh
# The command-line contract: --version, help, usage errors, and a customers
# import -> export round trip that keeps UTF-8 text (Chinese, Spanish),
# quoted fields and missing values, and inspect's view of it.
# Usage: commands.sh CRMINE WORKDIR
set -eu
crmine=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fails=0
fail() {
    echo "FAIL $*"
    fails=$((fails + 1))
}

"$crmine" --version | grep -q '^crmine [0-9][0-9.]* (' || fail version
"$crmine" help | grep -q 'import' || fail "help lists commands"
for c in import export inspect run; do
    "$crmine" help "$c" | grep -q "usage: crmine $c" || fail "help $c"
done
st=0
"$crmine" frobnicate 2>/dev/null || st=$?
[ "$st" -eq 2 ] || fail "unknown command exits 2, got $st"
st=0
"$crmine" run 2>/dev/null || st=$?
[ "$st" -eq 2 ] || fail "run without a job exits 2, got $st"

cat >cust.csv <<'CSV'
id,city,note,score
C-2,北京市,"hola, señor",1.5
C-1,Ñandú,"dijo ""sí""",
C-3,,"two
lines",-2
CSV
"$crmine" import customers --csv cust.csv --out s.h5 --customer id >/dev/null
"$crmine" export s.h5:/customers --csv back.csv
# sorted by id, text and quotes kept, the empty cells still empty
cat >expect.csv <<'CSV'
customer_id,city,note,score
C-1,Ñandú,"dijo ""sí""",
C-2,北京市,"hola, señor",1.5
C-3,,"two
lines",-2
CSV
cmp back.csv expect.csv || { fail "export round trip"; diff back.csv expect.csv || true; }
"$crmine" inspect s.h5 >inspect.txt
grep -q '/customers: 3 rows' inspect.txt || fail "inspect rows"
grep -Eq 'score +float64 +1' inspect.txt || fail "inspect missing count"
st=0
"$crmine" export s.h5:/nothere --csv x.csv 2>err || st=$?
if [ "$st" -ne 1 ] || ! grep -q nothere err || [ -e x.csv ]; then
    fail "export of a missing table: status $st, $(cat err)"
fi
[ "$fails" -eq 0 ] || exit 1
cd /
rm -rf "$work"
echo "commands: version, help, usage errors, UTF-8 round trip all fine"
