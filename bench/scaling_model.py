#!/usr/bin/python3
"""A model of crmine's nightly jobs on a cluster, from this machine's runs.

Reads the nightly/rescore records of a bench/run.sh results file (JSON
lines) and predicts the wall time of the same jobs at P ranks for N
customers. Every assumption is a named constant below; the output is a
markdown table for docs/BENCHMARKS.md, with the runs that fit on this
machine (1, 2 and 4 ranks, the last oversubscribed on 2 cores) predicted
beside their measurement as a check.

    T(P, N) = startup + work + read + write + collectives

startup  what the base run spent outside its stages and the writing of
         the outputs (mpirun's launch, MPI and HDF5 start-up, opening the
         store, committing the outputs): wall - stages - write at 2
         ranks, taken as fixed (a cluster's launcher adds ~log2 P x
         LAUNCH_STEP)
work     the stages' time at 2 ranks x 1 thread minus their reading (both
         cores busy, so the per-core memory bandwidth is the shared one: a
         conservative per-core speed), scaled by customers per rank:
         work_2 * (N / N0) * (2 / P), and never faster than the cores
         there are (P cores on a cluster, 2 here).
read     the read phase likewise per rank, but not faster than the file
         system: the store (STORE_BYTES per customer) over FS_READ_BPS.
write    the same for scores.h5 + scores.csv (SCORES_BYTES per customer)
         over FS_WRITE_BPS.
collectives  each stage's collectives (below) at ALPHA latency and BETA
         seconds per byte: allreduce of m bytes = 2 log2(P) ALPHA +
         2 m BETA (Rabenseifner: reduce-scatter + allgather), allgather
         of m bytes in total = log2(P) ALPHA + m BETA.
         rfm      27 integer allreduces of <= 8 KB (3 radix selections
                  of 9 rounds) and 3 block-tree sums of 2 doubles
         kmeans   per Lloyd iteration one block-tree sum of k (d + 1)
                  doubles (log2 P steps), plus 5 k-means|| rounds, each
                  an allgather of 2k candidates x d doubles
         apriori  per level one int64 allreduce of the candidate counts:
                  level 1 all items, level 2 f (f - 1) / 2 for f frequent
                  items, deeper levels ~ f
         tree     per level an int64 allreduce of the class-count
                  histograms of the counted nodes (1, then 2^(l-1): the
                  smaller children), features x 256 bins x 2 classes;
                  the 200,000-row bin sample allgathered once; the
                  evaluation groups (<= leaves per rank) allgathered
         agree    every stage agrees its status ~ 10 times per level /
                  iteration: latency only, 4 ALPHA log2 P each

Usage: scaling_model.py RESULTS.jsonl [CUSTOMERS] (default 100,000,000)"""
import json
import math
import sys

ALPHA = 5e-6            # s, one message (InfiniBand ~2 us, 10 GbE ~10 us)
BETA = 1 / 10e9         # s per byte, 10 GB/s per link
FS_READ_BPS = 20e9      # B/s, a parallel file system's aggregate read
FS_WRITE_BPS = 10e9     # B/s, and write
STORE_BYTES = 312       # per customer: 3.12 GB for 10 M (retail, 20 tx)
SCORES_BYTES = 96       # per customer: scores.h5 + scores.csv
CORES_HERE = 2
LAUNCH_STEP = 0.05      # s per doubling of ranks for mpirun's launch tree


def log2(p):
    return math.log2(p) if p > 1 else 0.0


def allreduce(p, nbytes):
    return 0.0 if p == 1 else 2 * log2(p) * ALPHA + 2 * nbytes * BETA


def allgather(p, nbytes):
    return 0.0 if p == 1 else log2(p) * ALPHA + nbytes * BETA


def collectives(r, p):
    """Seconds of the job's collectives at p ranks (see the docstring)."""
    t = {}
    t["rfm"] = 27 * allreduce(p, 8192) + 3 * allreduce(p, 16)
    if "kmeans_k" in r:
        k, d, it = r["kmeans_k"], 3, r["kmeans_iterations"]
        t["kmeans"] = it * allreduce(p, 8 * k * (d + 1)) + \
            5 * allgather(p, 8 * 2 * k * d)
    if "apriori_frequent_items" in r:
        f = r["apriori_frequent_items"]
        counts = 8 * (10000 + f * (f - 1) // 2 + f * r["apriori_levels"])
        t["apriori"] = allreduce(p, counts)
    if "tree_depth" in r:
        per_node = r["tree_features"] * 256 * 2 * 8
        t["tree"] = sum(allreduce(p, per_node * (1 if l == 0 else 2 ** (l - 1)))
                        for l in range(r["tree_depth"]))
        t["tree"] += allgather(p, 200000 * r["tree_features"] * 8)
        t["tree"] += allgather(p, p * 256 * 24)
    levels = 20 + r.get("kmeans_iterations", 0) + r.get("tree_depth", 0)
    t["agree"] = 10 * levels * 4 * ALPHA * log2(p)
    return t


def stage_seconds(r):
    return sum(v for k, v in r.items()
               if k.endswith("_s") and not k.endswith("phase_s")
               and k != "wall_s")


def predict(r, p, n, cores):
    """(total, parts) for record r (a 2x1 run at r['customers']) at p ranks
    for n customers on `cores` cores."""
    n0, used = r["customers"], min(p, cores)
    scale = (n / n0) * (2 / used)
    stages = stage_seconds(r)
    work = (stages - r["read_phase_s"]) * scale
    read = max(r["read_phase_s"] * scale, n * STORE_BYTES / FS_READ_BPS)
    write = max(r["write_phase_s"] * scale, n * SCORES_BYTES / FS_WRITE_BPS)
    comm = sum(collectives(r, p).values())
    startup = max(0.0, r["wall_s"] - stages - r["write_phase_s"])
    if 2 < p <= cores:  # a cluster's launch tree (none when oversubscribed)
        startup += LAUNCH_STEP * (log2(p) - 1)
    return startup + work + read + write + comm, \
        (startup, work, read, write, comm)


def main(path, n):
    rows = [json.loads(l) for l in open(path)]
    jobs = [r for r in rows if r.get("bench") in ("nightly", "rescore")]
    base = {r["bench"]: r for r in jobs
            if r["ranks"] == 2 and r["threads"] == 1}
    print("| job | ranks | customers | predicted | measured | startup / work / read / write / collectives (s) |")
    print("|---|---|---|---|---|---|")
    for name, r in sorted(base.items()):
        for m in jobs:
            if m["bench"] == name and m["threads"] == 1:
                t, parts = predict(r, m["ranks"], m["customers"], CORES_HERE)
                print("| %s | %d (here) | %d | %.1f s | %.1f s | %s |" % (
                    name, m["ranks"], m["customers"], t, m["wall_s"],
                    " / ".join("%.1f" % x for x in parts)))
        for p in (8, 64, 512):
            t, parts = predict(r, p, n, p)
            print("| %s | %d | %d | %.1f s | | %s |" % (
                name, p, n, t, " / ".join("%.2f" % x for x in parts)))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100000000)
