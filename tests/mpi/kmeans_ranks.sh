#!/bin/sh
# End-to-end k-means: planted clusters must be recovered (adjusted Rand
# index 1), every output (scores, segments.csv, model.h5) must be
# byte-identical at 1/2/4 ranks and 1/2 threads, a saved model must score
# the same clusters without retraining, and RFM features feed k-means on
# real data (CDNOW) with identical bytes too.
# Usage: kmeans_ranks.sh CRMINE MPIEXEC WORKDIR
set -eu
crmine=$1
mpiexec=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/mpi/lib.sh
. "$here/lib.sh"
shared=${CRM_DATA_DIR:-$here/../../../shared/data}
rm -rf "$work"
mkdir -p "$work"
cd "$work"

/usr/bin/python3 "$here/planted.py" make planted.csv 3000 7
"$crmine" import customers --csv planted.csv --out planted.h5 --customer id \
    >/dev/null
cat >train.ini <<'INI'
[job]
seed = 11
[input]
store = planted.h5
[kmeans]
features = a, b, c, plan
onehot = plan
k = 4
[output]
dir = out
INI

same_at_all_ranks train.ini
ari=$(/usr/bin/python3 "$here/planted.py" ari out/scores.csv planted.csv)
[ "$ari" = "1.000000" ] || { echo "FAIL: planted clusters ARI $ari"; exit 1; }
grep -q '"k":	4' out/run.json || { echo "FAIL: run.json k"; exit 1; }
head -5 out/segments.csv

# k-means|| seeding: the same promises
sed 's/^k = 4/k = 4\ninit = k-means||/' train.ini >train_par.ini
same_at_all_ranks train_par.ini
ari=$(/usr/bin/python3 "$here/planted.py" ari out/scores.csv planted.csv)
[ "$ari" = "1.000000" ] || { echo "FAIL: k-means|| ARI $ari"; exit 1; }
same_at_all_ranks train.ini

# a saved model scores without retraining and gives the same clusters
cp -r out trained
printf '[input]\nstore = planted.h5\n[kmeans]\nmodel = trained/model.h5\n[output]\ndir = out\n' \
    >score.ini
same_at_all_ranks score.ini
cut -d, -f1,2 trained/scores.csv >a.txt
cut -d, -f1,2 out/scores.csv >b.txt
cmp a.txt b.txt || { echo "FAIL: model scoring changed clusters"; exit 1; }
[ ! -e out/model.h5 ] || { echo "FAIL: scoring wrote a model"; exit 1; }

# more segments than distinct customers: the surplus centres start on
# duplicates, their clusters stay empty and are re-seeded every iteration
# (the distances behind the re-seeding are computed on demand during
# training); still identical at every shape, and every customer sits on a
# centre of its own point
awk 'BEGIN { print "id,a,b"; for (i = 0; i < 40; i++)
             printf "c%02d,%d,%d\n", i, (i % 5) * 10, (i % 5) * (i % 5) }' \
    >dup.csv
"$crmine" import customers --csv dup.csv --out dup.h5 --customer id >/dev/null
printf '[input]\nstore = dup.h5\n[kmeans]\nfeatures = a, b\nk = 7\nn_init = 2\nmax_iter = 20\n[output]\ndir = out\n' \
    >dup.ini
same_at_all_ranks dup.ini
reseeded=$(sed -n 's/.*"empty_clusters_reseeded":[[:space:]]*\([0-9]*\).*/\1/p' out/run.json)
[ "${reseeded:-0}" -gt 0 ] || { echo "FAIL: no empty cluster re-seeded"; exit 1; }
awk -F, 'NR == 1 { for (j = 1; j <= NF; j++) col[$j] = j; next }
         { if ($col["cluster_distance"] + 0 != 0) bad++
           pair[$col["cluster"] "," ($1 ~ /c/ ? substr($1, 2) % 5 : 0)] = 1 }
         END { n = 0; for (p in pair) n++
               if (bad || n != 5) { print "FAIL: dup clusters", bad, n; exit 1 } }' \
    out/scores.csv

# as many segments as distinct customers: k-means++ never draws a customer
# that sits on a chosen centre (its weight is 0), so the five centres are
# the five points, no cluster is empty and the inertia is 0. This fails if
# the rank walking a drawn block does not first bring the last centre into
# that block's distances (the stale weights then draw duplicates).
printf '[input]\nstore = dup.h5\n[kmeans]\nfeatures = a, b\nk = 5\ninit = k-means++\nlocal_trials = 1\nn_init = 8\nmax_iter = 5\n[output]\ndir = out\n' \
    >distinct.ini
same_at_all_ranks distinct.ini
reseeded=$(sed -n 's/.*"empty_clusters_reseeded":[[:space:]]*\([0-9]*\).*/\1/p' out/run.json)
inertia=$(sed -n 's/.*"inertia":[[:space:]]*\([-0-9.eE+]*\).*/\1/p' out/run.json | head -n 1)
if [ "${reseeded:-x}" != 0 ] || [ "$inertia" != 0 ]; then
    echo "FAIL: k-means++ drew a customer on a centre (reseeded ${reseeded:-?}, inertia ${inertia:-?})"
    exit 1
fi

if [ -f "$shared/cdnow/CDNOW_master.txt" ]; then
    "$crmine" import transactions --csv "$shared/cdnow/CDNOW_master.txt" \
        --out cdnow.h5 --customer customer_id --time date \
        --amount dollar_value --delimiter ' ' >/dev/null
    printf '[input]\nstore = cdnow.h5\n[rfm]\n[kmeans]\nfeatures = recency, frequency, monetary\nlog1p = frequency, monetary\nk = 5\n[output]\ndir = out\n' \
        >rfm_km.ini
    same_at_all_ranks rfm_km.ini
    head -6 out/segments.csv
fi
cd /
rm -rf "$work"
echo "kmeans: planted clusters recovered, outputs identical at 1/2/4 ranks"
