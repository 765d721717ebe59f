#!/usr/bin/python3
"""Independent checks of a [tree] run, from its scores.csv and the labels of
the raw data (never from crmine's own figures):

  metrics SCORES LABELS IDCOL LABELCOL RUNJSON
      recomputes, row by row, the test metrics of docs/JOBS.md (AUC as the
      Mann-Whitney statistic with ties 1/2, accuracy/precision/recall/F1 at
      the threshold, log loss, top-decile lift with a proportional share of a
      tied group at the boundary) and compares them with run.json.
  leaves SCORES LABELS IDCOL LABELCOL
      a single tree's churn_prob must be its leaf's Laplace frequency over
      the training rows: (positives + 1) / (rows + 2) per churn_rule.
  days FILE IDCOL TIMECOL CUTOFF DAYS RUNJSON   (whitespace-separated)
      the derived label (churn_days): customers who bought on or before the
      cut-off, churned when they bought nothing in the next DAYS days;
      counts compared with run.json.
Exit 0 when everything agrees, 1 otherwise (the disagreement printed)."""
import csv
import datetime
import json
import math
import sys

YES = {"yes", "y", "true", "t", "1", "1.0"}
NO = {"no", "n", "false", "f", "0", "0.0"}


def labels(path, idcol, labelcol):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            v = row[labelcol].strip().lower()
            if v in YES:
                out[row[idcol]] = 1
            elif v in NO:
                out[row[idcol]] = 0
    return out


def scores(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def auc(rows):
    """Mann-Whitney over all positive/negative pairs, by rank sums."""
    rows = sorted(rows)
    npos = sum(y for _, y in rows)
    nneg = len(rows) - npos
    if npos == 0 or nneg == 0:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j][0] == rows[i][0]:
            j += 1
        mid = (i + 1 + j) / 2.0           # average 1-based rank of the tie
        rank_sum += mid * sum(y for _, y in rows[i:j])
        i = j
    return (rank_sum - npos * (npos + 1) / 2.0) / (npos * nneg)


def top_decile_lift(rows):
    rows = sorted(rows, key=lambda r: -r[0])
    n = len(rows)
    cut = n // 10
    total_pos = sum(y for _, y in rows)
    got, taken, i = 0.0, 0, 0
    while taken < cut:
        j = i
        while j < n and rows[j][0] == rows[i][0]:
            j += 1
        group = j - i
        pos = sum(y for _, y in rows[i:j])
        take = min(group, cut - taken)
        got += pos * take / group
        taken += take
        i = j
    return (got / cut) / (total_pos / n)


def close(name, mine, theirs, tol=1e-9):
    if isinstance(mine, float) and math.isnan(mine):
        ok = theirs is None
    else:
        ok = theirs is not None and abs(mine - theirs) <= tol * max(1, abs(mine))
    if not ok:
        print("FAIL %s: reference %r, crmine %r" % (name, mine, theirs))
    return ok


def metrics(args):
    sc, lab = scores(args[0]), labels(args[1], args[2], args[3])
    run = json.load(open(args[4]))["stages"]["tree"]
    test = run["test"]
    thr = test["threshold"]
    rows = [(float(r["churn_prob"]), lab[r["customer_id"]]) for r in sc
            if r.get("split") == "test"]
    tp = sum(1 for p, y in rows if p >= thr and y == 1)
    fp = sum(1 for p, y in rows if p >= thr and y == 0)
    fn = sum(1 for p, y in rows if p < thr and y == 1)
    tn = len(rows) - tp - fp - fn
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    eps = 1e-15
    ll = -sum(math.log(min(max(p, eps), 1 - eps)) if y else
              math.log(1 - min(max(p, eps), 1 - eps)) for p, y in rows)
    ok = all([
        len(rows) == test["rows"],
        close("auc", auc(rows), test.get("auc")),
        close("accuracy", (tp + tn) / len(rows), test["accuracy"]),
        close("precision", prec, test["precision"]),
        close("recall", rec, test["recall"]),
        close("f1", 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
              test["f1"]),
        close("log_loss", ll / len(rows), test["log_loss"]),
        close("top_decile_lift", top_decile_lift(rows),
              test.get("top_decile_lift")),
        test["confusion"] == {"tp": tp, "fp": fp, "tn": tn, "fn": fn},
    ])
    print("test rows %d, AUC %.4f" % (len(rows), auc(rows)))
    return ok


def leaves(args):
    sc, lab = scores(args[0]), labels(args[1], args[2], args[3])
    count = {}
    for r in sc:
        if r["split"] != "train":
            continue
        c = count.setdefault(r["churn_rule"], [0, 0])
        c[lab[r["customer_id"]]] += 1
    bad = 0
    for r in sc:
        neg, pos = count.get(r["churn_rule"], [0, 0])
        want = (pos + 1) / (neg + pos + 2)
        if abs(float(r["churn_prob"]) - want) > 1e-12:
            bad += 1
            if bad <= 3:
                print("FAIL leaf %s: churn_prob %s, training rows give %r" %
                      (r["churn_rule"], r["churn_prob"], want))
    print("%d leaves, %d customers checked" % (len(count), len(sc)))
    return bad == 0


def days(args):
    path, idcol, timecol, cutoff, ndays, runjson = args
    cut = datetime.date.fromisoformat(cutoff)
    end = cut + datetime.timedelta(days=int(ndays))
    before, inside = set(), set()
    with open(path) as f:
        head = f.readline().split()
        for line in f:                      # whitespace-separated (CDNOW)
            row = dict(zip(head, line.split()))
            day = datetime.datetime.strptime(row[timecol], "%Y%m%d").date()
            if day <= cut:
                before.add(row[idcol])
            elif day <= end:
                inside.add(row[idcol])
    churned = len(before - inside)
    run = json.load(open(runjson))["stages"]["tree"]
    got = run["train_positives"] + run["test"]["positives"]
    labelled = run["train_rows"] + run["test_rows"]
    print("labelled %d (crmine %d), churned %d (crmine %d)" %
          (len(before), labelled, churned, got))
    return labelled == len(before) and got == churned and \
        run["cutoff"] == cutoff


if __name__ == "__main__":
    cmd = {"metrics": metrics, "leaves": leaves, "days": days}[sys.argv[1]]
    sys.exit(0 if cmd(sys.argv[2:]) else 1)
