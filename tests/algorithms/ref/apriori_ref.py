#!/usr/bin/python3
"""tests/algorithms/ref/apriori_ref.py — the independent reference for the
frequent itemsets that tests/algorithms/test_apriori.c checks on the public
data sets (Groceries, FIMI retail.dat).

Method (deliberately unlike the C kernel: no candidate generation, no prefix
tree, no triangular array): level k counts every k-combination of each basket
restricted to the items that occur in some frequent (k-1)-itemset, with a
collections.Counter, and keeps those counted at least min_count times.

Item ids: retail.dat's integers as they are; Groceries' names numbered in
sorted (byte) order. Prints, per data set and minimum support: min_count,
the number of frequent itemsets per length, the checksum (sum over itemsets
of count * h(items) mod 2^64, h = FNV-1a-like over id + 1, the same function
as in test_apriori.c) and a few spot counts.

Usage: apriori_ref.py [data dir, default ../shared/data]"""
import collections
import fractions
import itertools
import math
import os
import sys

MASK = (1 << 64) - 1


def item_hash(items):
    h = 0xCBF29CE484222325
    for x in items:
        h = ((h ^ (x + 1)) * 0x100000001B3) & MASK
    return h


def read_groceries(path):
    with open(path, encoding="ascii") as f:
        rows = [line.rstrip("\n").split(",") for line in f]
    names = sorted({n for r in rows for n in r if n})
    ids = {n: i for i, n in enumerate(names)}
    return [frozenset(ids[n] for n in r if n) for r in rows], ids


def read_fimi(path):
    with open(path) as f:
        return [frozenset(int(t) for t in line.split()) for line in f]


def mine(baskets, min_count):
    frequent = {}
    level = collections.Counter(x for b in baskets for x in b)
    k = 1
    while True:
        kept = {s: c for s, c in level.items() if c >= min_count}
        if not kept:
            break
        for s, c in kept.items():
            frequent[(s,) if k == 1 else s] = c
        k += 1
        alive = {x for s in kept for x in ((s,) if k == 2 else s)}
        level = collections.Counter()
        for b in baskets:
            items = sorted(b & alive)
            if len(items) >= k:
                level.update(itertools.combinations(items, k))
    return frequent


def report(name, baskets, support, spots):
    n = len(baskets)
    min_count = math.ceil(fractions.Fraction(support) * n)
    freq = mine(baskets, min_count)
    by_len = collections.Counter(len(s) for s in freq)
    lengths = [by_len[k] for k in range(1, max(by_len) + 1)]
    checksum = sum(c * item_hash(s) for s, c in freq.items()) & MASK
    print(f"{name} support {support}: baskets {n} min_count {min_count} "
          f"itemsets {len(freq)} by_length {lengths} "
          f"checksum 0x{checksum:016x}")
    for label, items in spots:
        print(f"  {label}: {freq.get(tuple(sorted(items)), 0)}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "..", "..", "shared", "data")
    groc, ids = read_groceries(os.path.join(data, "groceries", "groceries.csv"))
    g = lambda *names: (" + ".join(names), [ids[x] for x in names])
    spots = [g("whole milk"), g("other vegetables"),
             g("other vegetables", "whole milk"),
             g("root vegetables", "other vegetables", "whole milk")]
    for s in ("0.01", "0.005"):
        report("groceries", groc, s, spots)
    retail = read_fimi(os.path.join(data, "fimi_retail", "retail.dat"))
    spots = [("39", [39]), ("48", [48]), ("39 48", [39, 48]),
             ("32 39 48", [32, 39, 48])]
    for s in ("0.005", "0.002"):
        report("retail", retail, s, spots)


if __name__ == "__main__":
    main()
