#!/usr/bin/python3
"""Independent checks of crmine's [apriori] outputs.

  ref_apriori.py itemsets BASKETS.csv ITEMSETS.csv MIN_COUNT
      Recounts every frequent itemset of the basket-lines file (one basket
      per line, comma-separated item names) with itertools.combinations and
      collections.Counter, and requires crmine's itemsets.csv to hold
      exactly the same itemsets with the same counts.
  ref_apriori.py recs SCORES.csv RULES.csv RAW.csv CUSTOMER ITEM QTY PRICE
      For every customer with recommendations: each recommended item is one
      the customer never bought (purchase lines of the raw CSV: quantity x
      price > 0), and some rule's antecedent is wholly owned and its
      consequent holds the item."""
import csv
import itertools
import sys
from collections import Counter, defaultdict


def itemsets(baskets_path, itemsets_path, min_count):
    with open(baskets_path, newline="", encoding="utf-8") as fp:
        baskets = [frozenset(x.strip() for x in row if x.strip())
                   for row in csv.reader(fp)]
    expect = {}
    level = {frozenset([i]): c for i, c in
             Counter(i for b in baskets for i in b).items() if c >= min_count}
    k = 1
    while level:
        expect.update(level)
        k += 1
        items = set().union(*level)
        counts = Counter()
        for b in baskets:
            for combo in itertools.combinations(sorted(b & items), k):
                s = frozenset(combo)
                if all(s - {x} in level for x in s):
                    counts[s] += 1
        level = {s: c for s, c in counts.items() if c >= min_count}
    with open(itemsets_path, newline="", encoding="utf-8") as fp:
        got = {frozenset(r["items"].split("|")): int(r["count"])
               for r in csv.DictReader(fp)}
    if got != expect:
        missing = set(expect) - set(got)
        extra = set(got) - set(expect)
        wrong = [s for s in set(got) & set(expect) if got[s] != expect[s]]
        print("itemsets differ: %d missing, %d extra, %d wrong counts"
              % (len(missing), len(extra), len(wrong)))
        return 1
    print("%d itemsets, all counts equal" % len(got))
    return 0


def recs(scores_path, rules_path, raw_path, cust, item_col, qty, price):
    owned = defaultdict(set)
    with open(raw_path, newline="", encoding="utf-8") as fp:
        for r in csv.DictReader(fp):
            if r[cust] and float(r[qty]) * float(r[price]) > 0:
                owned[r[cust]].add(r[item_col])
    with open(rules_path, newline="", encoding="utf-8") as fp:
        rules = [(set(r["antecedent"].split("|")),
                  set(r["consequent"].split("|")))
                 for r in csv.DictReader(fp)]
    checked = bad = 0
    with open(scores_path, newline="", encoding="utf-8") as fp:
        for r in csv.DictReader(fp):
            for item in filter(None, r["recs"].split("|")):
                checked += 1
                mine = owned[r["customer_id"]]
                ok = item not in mine and any(
                    lhs <= mine and item in rhs for lhs, rhs in rules)
                if not ok:
                    bad += 1
                    if bad <= 3:
                        print("customer %s: %s is not a valid offer"
                              % (r["customer_id"], item))
    print("%d offers checked, %d invalid" % (checked, bad))
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    if sys.argv[1] == "itemsets":
        sys.exit(itemsets(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    sys.exit(recs(*sys.argv[2:9]))
