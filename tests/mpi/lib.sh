# shellcheck shell=sh disable=SC2154
# tests/mpi/lib.sh — shared by the MPI test scripts (sourced, not run).
# The caller sets crmine, mpiexec and fails (a counter), and works in its
# own folder, where jobs write to ./out.

# same_at_all_ranks JOB: runs JOB at ranks x threads 1x1, 2x1, 4x1, 1x2 and
# 2x2 and exits 1 unless every output file but run.json is byte-identical
# across the runs. ./out holds the last run's outputs afterwards.
same_at_all_ranks() {
    for rt in 1:1 2:1 4:1 1:2 2:2; do
        np=${rt%:*} th=${rt#*:}
        rm -rf out
        OMP_NUM_THREADS=$th "$mpiexec" -n "$np" "$crmine" run "$1" \
            2>run.log || { cat run.log; exit 1; }
        for f in out/*; do
            name=${f#out/}
            [ "$name" = run.json ] && continue
            if [ -e "ref_$name" ]; then
                cmp "ref_$name" "$f" || {
                    echo "FAIL: $name differs at $np ranks x $th threads"
                    exit 1
                }
            else
                cp "$f" "ref_$name"
            fi
        done
    done
    rm -f ref_*
}

# expect_failure NAME PATTERN JOBTEXT: at 2 ranks the job must exit
# non-zero, print exactly one line matching PATTERN and leave no ./out.
expect_failure() {
    printf '%b' "$3" >job.ini
    rm -rf out
    if "$mpiexec" -n 2 "$crmine" run job.ini 2>err >/dev/null; then
        echo "FAIL $1: exit status 0"
        fails=$((fails + 1))
    elif [ "$(grep -c -- "$2" err)" -ne 1 ] || [ -e out ]; then
        echo "FAIL $1: expected one '$2' and no output, got:"
        cat err
        fails=$((fails + 1))
    fi
}
