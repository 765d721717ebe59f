#!/usr/bin/python3
"""Planted clusters for the k-means tests, and the adjusted Rand index.

  planted.py make OUT.csv N SEED      customers id,a,b,c,segment,true_label
  planted.py ari SCORES.csv TRUTH.csv  prints the ARI of scores' cluster
                                       against the truth's true_label

Four well-separated Gaussian clusters (centres 10 standard deviations
apart) in three numeric features plus a categorical one, so k-means with
k = 4 must recover them exactly (ARI 1)."""
import csv
import random
import sys
from collections import Counter
from math import comb


def make(path, n, seed):
    rng = random.Random(seed)
    centres = [(0, 0, 0), (10, 0, 0), (0, 10, 0), (0, 0, 10)]
    plans = ["basic", "plus", "pro", "max"]
    with open(path, "w", newline="") as fp:
        w = csv.writer(fp, lineterminator="\n")
        w.writerow(["id", "a", "b", "c", "plan", "true_label"])
        for i in range(n):
            label = rng.randrange(4)
            a, b, c = (m + rng.gauss(0, 1) for m in centres[label])
            w.writerow(["C%05d" % i, "%.6f" % a, "%.6f" % b, "%.6f" % c,
                        plans[label], label])


def ari(scores, truth):
    with open(truth, newline="") as fp:
        true = {r["id"]: r["true_label"] for r in csv.DictReader(fp)}
    with open(scores, newline="") as fp:
        got = {r["customer_id"]: r["cluster"] for r in csv.DictReader(fp)}
    pairs = [(true[i], got[i]) for i in true]
    n = len(pairs)
    sum_ij = sum(comb(v, 2) for v in Counter(pairs).values())
    sum_a = sum(comb(v, 2) for v in Counter(t for t, _ in pairs).values())
    sum_b = sum(comb(v, 2) for v in Counter(g for _, g in pairs).values())
    expected = sum_a * sum_b / comb(n, 2)
    return (sum_ij - expected) / ((sum_a + sum_b) / 2 - expected)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        print("%.6f" % ari(sys.argv[2], sys.argv[3]))
