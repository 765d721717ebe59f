#!/bin/sh
# Decision tree: crmine's dtree kernels (bench_tree) against XGBoost hist and
# scikit-learn's exact CART on the same generated churn table, side by side.
#
#  1. bench_tree --write: N rows x 30 features, 80 % train by a hash of the
#     row id; the peers read exactly these rows (float64, NaN = missing).
#  2. bench_tree at OMP_NUM_THREADS 1 and 2: binning, one tree at depth 8
#     and 6, prediction of the test rows, test AUC (medians of REPEAT).
#  3. tree_peer.py at the same thread counts: XGBoost (tree_method "hist",
#     max_bin 255, one boosting round; categorical columns as codes, and
#     again with native categorical splits), and scikit-learn
#     DecisionTreeClassifier (exact; single-threaded, so run once; missing
#     values imputed with the training median). Fit times, test AUC.
#  4. The table (tree_peer.py table); every JSON line also goes to
#     bench/results/tree-DATE.jsonl.
#
# Usage: bench/tree_peer.sh BUILD_DIR [N] [REPEAT]
#   BUILD_DIR  a build with -DCRM_BUILD_BENCH=ON (bench/bench_tree)
#   N          rows (default 1000000)
#   REPEAT     runs per median (default 5)
# Environment:
#   SK_REPEAT  scikit-learn fits per median (default REPEAT; its exact
#              tree takes tens of seconds per fit at 1M rows)
#   MIN_LEAF   min_samples_leaf on every side (default 20)
#   DEPTHS     tree depths (default 8,6)
#   KEEP_WORK=1  keep the scratch folder with the data (path to stderr)
# The peers are Debian's python3-sklearn and python3-xgboost under
# /usr/bin/python3; when they do not import, the script installs them with
# apt-get (as root, or through sudo).
set -eu

usage() {
    sed -n '/^# Usage:/,/^# *KEEP_WORK/p' "$0" | sed 's/^# \{0,1\}//'
}

case ${1:-} in
'') usage >&2; exit 2 ;;
-h | --help) usage; exit 0 ;;
esac
build=$(cd "$1" && pwd)
n=${2:-1000000}
repeat=${3:-5}
sk_repeat=${SK_REPEAT:-$repeat}
min_leaf=${MIN_LEAF:-20}
depths=${DEPTHS:-8,6}
here=$(cd "$(dirname "$0")" && pwd)
bench_tree=$build/bench/bench_tree
python=/usr/bin/python3
[ -x "$bench_tree" ] || {
    echo "missing $bench_tree (build with -DCRM_BUILD_BENCH=ON)" >&2
    exit 2
}

# --- the peers ----------------------------------------------------------
if ! "$python" -c 'import numpy, sklearn, xgboost' 2>/dev/null; then
    echo "installing python3-sklearn python3-xgboost python3-numpy" >&2
    sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
        python3-sklearn python3-xgboost python3-numpy >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tree_peer.XXXXXX")
if [ "${KEEP_WORK:-0}" = 1 ]; then
    echo "work folder: $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM
mkdir -p "$here/results"
results=$here/results/tree-$(date +%Y%m%d-%H%M%S).jsonl
: >"$results"

emit() { # JSON lines to stdout and to the results
    tee -a "$results"
}

peer() { # TOOL THREADS REPEAT
    OMP_NUM_THREADS=$2 "$python" "$here/tree_peer.py" fit "$1" \
        "$work/data.bin" "$2" "$3" "$depths" "$min_leaf" | emit
}

printf '{"bench": "tree_peer_run", "rows": %s, "repeat": %s, "sk_repeat": %s, "min_samples_leaf": %s, "depths": "%s", "loadavg": "%s", "git": "%s", "peers": %s}\n' \
    "$n" "$repeat" "$sk_repeat" "$min_leaf" "$depths" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "$("$python" "$here/tree_peer.py" versions)" | emit

# --- crmine: the first run also writes the data --------------------------
OMP_NUM_THREADS=1 "$bench_tree" --write "$work/data.bin" --depths "$depths" \
    --min-leaf "$min_leaf" "$n" "$repeat" | emit
OMP_NUM_THREADS=2 "$bench_tree" --depths "$depths" --min-leaf "$min_leaf" \
    "$n" "$repeat" | emit

# --- the peers, same rows, same thread counts -----------------------------
for t in 1 2; do
    peer xgb "$t" "$repeat"
    peer xgb_cat "$t" "$repeat"
done
peer sklearn 1 "$sk_repeat"

echo "loadavg at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$python" "$here/tree_peer.py" table "$results"
echo "results: $results" >&2
