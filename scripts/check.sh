#!/bin/sh
# Builds crmine three times and runs the whole test suite on each build:
#   build/        the release build, warnings as errors
#   build-asan/   AddressSanitizer + UndefinedBehaviorSanitizer
#   build-noomp/  without OpenMP: kernels must be right with pragmas ignored
# Usage: scripts/check.sh [--fast]   (--fast: the release build only)
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
    dir=$1
    shift
    cmake -S . -B "$dir" -DCRM_WERROR=ON "$@" >"$dir.configure.log" 2>&1 ||
        { cat "$dir.configure.log"; exit 1; }
    cmake --build "$dir" -j "$jobs"
    (cd "$dir" && ctest --output-on-failure -j "$jobs")
}

mkdir -p build build-asan build-noomp
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "${1:-}" != "--fast" ]; then
    run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DCRM_SANITIZE=ON
    run_suite build-noomp -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCRM_WITH_OPENMP=OFF
fi
