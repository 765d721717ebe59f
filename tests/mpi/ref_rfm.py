#!/usr/bin/python3
"""Independent RFM reference: recomputes recency, frequency and monetary from
the raw CSV (not from the store) with Python's csv module, and compares them
with crmine's scores.csv. Exit 0 when every customer agrees, 1 otherwise.

Semantics (docs/JOBS.md, [rfm]): rows after as_of are ignored; a purchase is
a row with amount > 0; frequency = distinct orders (or distinct timestamps
without an order column) having a purchase; recency = as_of - day of the last
purchase; monetary = net sum of all amounts. Rows without a customer id are
skipped, as import rejects them."""
import argparse
import csv
import datetime
import gzip
import math
import sys

FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d",
           "%m/%d/%Y %H:%M", "%m/%d/%Y"]
EPOCH = datetime.datetime(1970, 1, 1)


def seconds(text):
    for fmt in FORMATS:
        try:
            return int((datetime.datetime.strptime(text, fmt) - EPOCH)
                       .total_seconds())
        except ValueError:
            pass
    raise ValueError("unparsable time %r" % text)


def rows(path, delimiter):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as fp:
        if delimiter == " ":
            lines = (line.split() for line in fp)
            header = next(lines)
            for fields in lines:
                if fields:
                    yield dict(zip(header, fields))
        else:
            yield from csv.DictReader(fp, delimiter=delimiter)


def reference(a):
    as_of_day = seconds(a.as_of) // 86400
    cust = {}
    for r in rows(a.csv, a.delimiter):
        cid = r[a.customer].strip()
        if cid == "":
            continue
        day = seconds(r[a.time].strip()) // 86400
        c = cust.setdefault(cid, {"orders": set(), "last": None, "net": 0.0})
        if day > as_of_day:
            continue
        if a.amount:
            amount = float(r[a.amount])
        else:
            amount = float(r[a.quantity]) * float(r[a.price])
        c["net"] += amount
        if amount > 0:
            key = r[a.order] if a.order else r[a.time].strip()
            c["orders"].add(key)
            c["last"] = day if c["last"] is None else max(c["last"], day)
    return as_of_day, cust


def main():
    p = argparse.ArgumentParser()
    for opt in ("csv", "scores", "customer", "time", "as-of"):
        p.add_argument("--" + opt, required=True)
    for opt in ("order", "amount", "quantity", "price"):
        p.add_argument("--" + opt)
    p.add_argument("--delimiter", default=",")
    p.add_argument("--extra-customers", default="",
                   help="comma-separated ids imported without transactions")
    a = p.parse_args()
    as_of_day, cust = reference(a)
    for cid in filter(None, a.extra_customers.split(",")):
        cust.setdefault(cid, {"orders": set(), "last": None, "net": 0.0})
    with open(a.scores, newline="", encoding="utf-8") as fp:
        got = {r["customer_id"]: r for r in csv.DictReader(fp)}
    bad = 0
    if set(got) != set(cust):
        print("customer sets differ: %d in scores, %d in reference"
              % (len(got), len(cust)))
        bad += 1
    for cid, c in cust.items():
        g = got.get(cid)
        if g is None:
            continue
        freq = len(c["orders"])
        rec = "" if c["last"] is None else str(as_of_day - c["last"])
        mon = float(g["monetary"]) if g["monetary"] else math.nan
        ok = (int(g["frequency"]) == freq and g["recency"] == rec and
              math.isclose(mon, c["net"], rel_tol=1e-9, abs_tol=1e-6))
        if freq == 0:  # no purchase: no scores, the explicit segment
            ok = ok and g["r_score"] == g["f_score"] == g["m_score"] == "" \
                and g["rfm_segment"] == "No Purchases"
        if not ok:
            bad += 1
            if bad <= 5:
                print("customer %s: scores r=%s f=%s m=%s, reference r=%s "
                      "f=%d m=%.6f" % (cid, g["recency"], g["frequency"],
                                       g["monetary"], rec, freq, c["net"]))
    print("%d customers checked, %d disagree" % (len(cust), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
