#!/usr/bin/python3
"""RFM peer in pandas (Debian python3-pandas): the same recency, frequency
and monetary as crmine's [rfm] stage (rows after as_of dropped, purchases =
amount > 0, frequency = distinct orders with a purchase, monetary = net sum)
and equal-frequency 1..5 scores with crmine's tie rule (bin = 1 + number of
cuts strictly below). Prints one JSON line: seconds to read the CSV and to
compute, the median over --repeat runs, and a checksum of the frequencies
so the driver can check both tools agree.
Usage: rfm_peer.py CSV AS_OF [--repeat N]"""
import argparse
import json
import math
import time

import numpy as np
import pandas as pd


def scores(values, higher_is_better=True, bins=5):
    v = np.sort(values)
    n = len(v)
    cuts = [v[math.ceil(j * n / bins) - 1] for j in range(1, bins)]
    b = 1 + np.searchsorted(cuts, values, side="left")
    return b if higher_is_better else bins + 1 - b


def rfm(path, as_of):
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str},
                     parse_dates=["InvoiceDate"])
    t1 = time.perf_counter()
    df = df[df["CustomerID"].notna()]
    as_of_ts = pd.Timestamp(as_of)
    df = df[df["InvoiceDate"].dt.normalize() <= as_of_ts]
    df = df.assign(amount=df["Quantity"] * df["UnitPrice"],
                   day=df["InvoiceDate"].dt.normalize())
    g = df.groupby("CustomerID")
    net = g["amount"].sum()
    buys = df[df["amount"] > 0].groupby("CustomerID")
    freq = buys["InvoiceNo"].nunique().reindex(net.index, fill_value=0)
    last = buys["day"].max().reindex(net.index)
    rec = (as_of_ts - last).dt.days
    has = freq > 0
    r = scores(rec[has].to_numpy(), higher_is_better=False)
    f = scores(freq[has].to_numpy())
    m = scores(net[has].to_numpy())
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, int(freq.sum()), int(r.sum() + f.sum() + m.sum())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("csv")
    p.add_argument("as_of")
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    runs = [rfm(a.csv, a.as_of) for _ in range(a.repeat)]
    read = sorted(r[0] for r in runs)[len(runs) // 2]
    comp = sorted(r[1] for r in runs)[len(runs) // 2]
    total = sorted(r[0] + r[1] for r in runs)[len(runs) // 2]
    print(json.dumps({"kernel": "rfm_pandas", "pandas": pd.__version__,
                      "read_s": read, "compute_s": comp, "median_s": total,
                      "frequency_sum": runs[0][2], "score_sum": runs[0][3]}))


if __name__ == "__main__":
    main()
