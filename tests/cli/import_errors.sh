#!/bin/sh
# crmine import on bad input, through the real command line: each case must
# exit 1, print one line naming the file (and line and column where there is
# one) and what was expected, and leave STORE.h5 exactly as it was (absent,
# or the earlier good store byte for byte).
# Usage: import_errors.sh CRMINE WORKDIR
set -eu
crmine=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fails=0

sum_of() { if [ -e "$1" ]; then cksum <"$1"; else echo absent; fi; }

# case NAME PATTERN CSVTEXT ARGS...: import of CSVTEXT must fail with PATTERN
case_tx() {
    name=$1 pattern=$2 text=$3
    shift 3
    printf '%b' "$text" >"$name.csv"
    for store in none.h5 good.h5; do
        before=$(sum_of "$store")
        if "$crmine" import transactions --csv "$name.csv" --out "$store" \
            "$@" 2>err >/dev/null; then
            echo "FAIL $name: exit status 0"
            fails=$((fails + 1))
        fi
        if [ "$(wc -l <err)" -ne 1 ] || ! grep -q -- "$pattern" err; then
            echo "FAIL $name: expected one line matching '$pattern', got:"
            cat err
            fails=$((fails + 1))
        fi
        after=$(sum_of "$store")
        if [ "$before" != "$after" ] || ls .*.tmp* >/dev/null 2>&1; then
            echo "FAIL $name: $store changed or a temporary file was left"
            fails=$((fails + 1))
        fi
    done
}

printf 'id,t,amt\n1,2011-01-01,5\n' >ok.csv
"$crmine" import transactions --csv ok.csv --out good.h5 --customer id \
    --time t --amount amt >/dev/null
cols="--customer id --time t --amount amt"
# shellcheck disable=SC2086
{
    case_tx bad_number 'bad_number.csv:3: column "amt": expected a number, got "3x"' \
        'id,t,amt\n1,2011-01-01,5\n2,2011-01-02,3x\n' $cols
    case_tx nan_amount 'nan_amount.csv:2: column "amt": expected a number, got "NaN"' \
        'id,t,amt\n1,2011-01-01,NaN\n' $cols
    case_tx bad_date 'bad_date.csv:2: column "t": expected a date' \
        'id,t,amt\n1,2011-02-30,5\n' $cols
    case_tx ragged 'ragged.csv:3: expected 3 fields' \
        'id,t,amt\n1,2011-01-01,5\n2,2011-01-02\n' $cols
    case_tx empty 'empty.csv: empty file' '' $cols
    case_tx no_rows 'no_rows.csv' 'id,t,amt\n' $cols
    case_tx missing_column 'column "idx" (--customer) not found' \
        'id,t,amt\n1,2011-01-01,5\n' --customer idx --time t --amount amt
    case_tx bad_quote 'bad_quote.csv:2' \
        'id,t,amt\n1,2011-01-01,"5\n' $cols
}
printf 'id,plan\n1,gold\n1,silver\n' >dup.csv
if "$crmine" import customers --csv dup.csv --out dup.h5 --customer id \
    2>err >/dev/null || ! grep -q 'dup.csv:3: column "id": duplicate customer id "1"' err ||
    [ -e dup.h5 ]; then
    echo "FAIL duplicate ids:"
    cat err
    fails=$((fails + 1))
fi
# rows without a customer id are rejected and counted, not an error
printf 'id,t,amt\n,2011-01-01,5\n2,2011-01-02,3\n' >reject.csv
# shellcheck disable=SC2086
"$crmine" import transactions --csv reject.csv --out reject.h5 $cols >out
if ! grep -q 'rows rejected: *1' out ||
    ! grep -q 'missing customer id: *1' out; then
    echo "FAIL rejected rows not reported:"
    cat out
    fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] || exit 1
cd /
rm -rf "$work"
echo "import errors: every case reported on one line, no store touched"
