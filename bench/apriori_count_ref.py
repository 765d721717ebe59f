#!/usr/bin/python3
"""bench/apriori_count_ref.py — the frequent itemsets per length of a FIMI
file by the independent plain-Python counter of the tests
(tests/algorithms/ref/apriori_ref.py: every k-combination of each basket,
restricted to the items of frequent (k-1)-itemsets, in a Counter; no
candidate tree, no triangular array). bench/apriori_peer.sh checks crmine's
counts against it, beside Borgelt's apriori (arules) when that is installed.

Usage: apriori_count_ref.py FILE MIN_COUNT
Prints one JSON line: baskets, min_count, itemsets, itemsets_by_length
(index 0 = length 1), seconds (the counting only, not the reading)."""
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "algorithms", "ref"))
import apriori_ref  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    baskets = apriori_ref.read_fimi(sys.argv[1])
    min_count = int(sys.argv[2])
    t0 = time.perf_counter()
    freq = apriori_ref.mine(baskets, min_count)
    seconds = time.perf_counter() - t0
    by_len = collections.Counter(len(s) for s in freq)
    lengths = [by_len[k] for k in range(1, max(by_len, default=0) + 1)]
    print(json.dumps({"tool": "python-ref", "baskets": len(baskets),
                      "min_count": min_count, "itemsets": len(freq),
                      "itemsets_by_length": lengths,
                      "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
