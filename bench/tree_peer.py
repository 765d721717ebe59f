"""The decision-tree peers of bench/bench_tree.c (run by bench/tree_peer.sh).

Usage:
  tree_peer.py fit TOOL DATA THREADS REPEAT DEPTHS MIN_LEAF
      TOOL is one of
        xgb      XGBoost, tree_method="hist", max_bin=255, one boosting
                 round; categorical columns as their codes (numbers);
                 NaN passed as missing (XGBoost learns a default direction)
        xgb_cat  the same with XGBoost's native categorical splits
                 (feature_types "c", enable_categorical=True)
        sklearn  scikit-learn DecisionTreeClassifier(splitter="best"),
                 the exact (sorting) CART; sklearn 1.2 trees reject NaN,
                 so missing values get the training median of the column
                 (imputed once, not timed); categorical columns as codes
      DATA is bench_tree --write's file (DATA.json beside it), DEPTHS a
      comma list (8,6), MIN_LEAF the rows each leaf must hold: sklearn's
      min_samples_leaf; for XGBoost min_child_weight = 0.25 * MIN_LEAF,
      the hessian of MIN_LEAF rows in the first round (p = base_score =
      0.5, hessian p(1 - p) = 0.25 per row), with reg_lambda = 0 so the
      first-round split gain is the Gini decrease up to a factor.
      Times, median of REPEAT: "bin_s" the matrix build (XGBoost's
      QuantileDMatrix: quantile sketch and bin index; sklearn: nothing,
      0), "fit_s" one tree (xgb.train num_boost_round=1 on the built
      matrix; sklearn .fit), "predict_s" the test rows. AUC by
      sklearn.metrics.roc_auc_score on the test rows (XGBoost's raw margin;
      sklearn's predict_proba). One JSON line per depth.
  tree_peer.py table RESULTS.jsonl
      the markdown tables and ratios of bench_tree's and the peers' lines.
  tree_peer.py versions
      the versions, as one JSON object.
"""
import json
import resource
import statistics
import sys
import time

import numpy as np


def versions():
    import sklearn
    import xgboost
    return {"sklearn": sklearn.__version__, "xgboost": xgboost.__version__,
            "numpy": np.__version__, "python": sys.version.split()[0]}


def load(path):
    """x (n x d float64, column-major view), labels, train mask, meta."""
    with open(path + ".json") as fp:
        meta = json.load(fp)
    n, d = meta["rows"], meta["cols"]
    x = np.fromfile(path, dtype=np.float64, count=n * d,
                    offset=meta["x_offset"]).reshape((d, n)).T
    y = np.fromfile(path, dtype=np.uint8, count=n,
                    offset=meta["label_offset"])
    train = np.fromfile(path, dtype=np.uint8, count=n,
                        offset=meta["train_offset"]).astype(bool)
    return x, y, train, meta


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def fit_xgb(x, y, train, meta, threads, repeat, depths, min_leaf, native):
    """One JSON-ready dict per depth. The matrix build does not depend on
    the depth: it is timed REPEAT times once, the trees on the last one."""
    import xgboost as xgb
    from sklearn.metrics import roc_auc_score
    types = (["c" if c else "q" for c in meta["categorical"]]
             if native else None)
    xtr, ytr = x[train], y[train]
    xte, yte = x[~train], y[~train]

    def build():
        return xgb.QuantileDMatrix(xtr, label=ytr, max_bin=255,
                                   nthread=threads, feature_types=types,
                                   enable_categorical=native)
    dtest = xgb.DMatrix(xte, nthread=threads, feature_types=types,
                        enable_categorical=native)
    first_bin, dtrain = timed(build)
    bins = []
    for _ in range(repeat):
        secs, dtrain = timed(build)
        bins.append(secs)
    out = []
    for depth in depths:
        params = {"objective": "binary:logistic", "tree_method": "hist",
                  "max_bin": 255, "max_depth": depth, "nthread": threads,
                  "eta": 1.0, "base_score": 0.5, "reg_lambda": 0.0,
                  "min_child_weight": 0.25 * min_leaf}
        first_fit, _ = timed(lambda: xgb.train(params, dtrain, 1))
        fits, preds = [], []
        for _ in range(repeat):
            secs, booster = timed(lambda: xgb.train(params, dtrain, 1))
            fits.append(secs)
            secs, margin = timed(lambda: booster.predict(
                dtest, output_margin=True))
            preds.append(secs)
        dump = booster.get_dump()[0].splitlines()
        out.append({"depth": depth, "bin_s": statistics.median(bins),
                    "fit_s": statistics.median(fits),
                    "predict_s": statistics.median(preds),
                    "fit_all_s": fits, "first_bin_s": first_bin,
                    "first_fit_s": first_fit, "nodes": len(dump),
                    "leaves": sum("leaf=" in line for line in dump),
                    "auc": float(roc_auc_score(yte, margin))})
    return out


def fit_sklearn(x, y, train, repeat, depths, min_leaf):
    from sklearn.metrics import roc_auc_score
    from sklearn.tree import DecisionTreeClassifier
    xtr = x[train].astype(np.float32)  # sklearn trees work in float32
    xte = x[~train].astype(np.float32)
    median = np.nanmedian(xtr, axis=0)
    for col in range(xtr.shape[1]):
        xtr[np.isnan(xtr[:, col]), col] = median[col]
        xte[np.isnan(xte[:, col]), col] = median[col]
    ytr, yte = y[train], y[~train]
    out = []
    for depth in depths:
        fits, preds = [], []
        for _ in range(repeat):
            tree = DecisionTreeClassifier(criterion="gini", splitter="best",
                                          max_depth=depth,
                                          min_samples_leaf=min_leaf,
                                          random_state=0)
            fits.append(timed(lambda: tree.fit(xtr, ytr))[0])
            secs, prob = timed(lambda: tree.predict_proba(xte)[:, 1])
            preds.append(secs)
        out.append({"depth": depth, "bin_s": 0.0,
                    "fit_s": statistics.median(fits),
                    "predict_s": statistics.median(preds), "fit_all_s": fits,
                    "nodes": int(tree.tree_.node_count),
                    "leaves": int(tree.get_n_leaves()),
                    "auc": float(roc_auc_score(yte, prob)),
                    "imputed": "training median"})
    return out


def fit(tool, path, threads, repeat, depths, min_leaf):
    x, y, train, meta = load(path)
    if tool == "sklearn":  # its tree fit has no threads
        results = fit_sklearn(x, y, train, repeat, depths, min_leaf)
    else:
        results = fit_xgb(x, y, train, meta, threads, repeat, depths,
                          min_leaf, tool == "xgb_cat")
    for r in results:
        r.update({"bench": "tree_peer", "tool": tool, "rows": meta["rows"],
                  "train_rows": int(train.sum()), "cols": meta["cols"],
                  "threads": threads, "repeat": repeat,
                  "min_samples_leaf": min_leaf,
                  "categorical": "native" if tool == "xgb_cat" else "codes",
                  "peak_rss_mb": resource.getrusage(
                      resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                  "versions": versions()})
        print(json.dumps(r), flush=True)


# ---- the summary ---------------------------------------------------------

NAMES = {"crmine": "crmine (dtree kernels)", "xgb": "XGBoost hist",
         "xgb_cat": "XGBoost hist, native categorical",
         "sklearn": "scikit-learn exact"}


def rows_of(path):
    """One dict per measurement: tool, threads, depth and the figures."""
    out, bins = [], {}
    with open(path) as fp:
        lines = [json.loads(line) for line in fp if line.strip()]
    for r in lines:
        if r.get("kernel") == "dtree_bin":
            bins[r["threads"]] = r["median_s"]
    for r in lines:
        if r.get("kernel") == "dtree_grow":
            out.append({"tool": "crmine", "threads": r["threads"],
                        "depth": r["depth"], "bin_s": bins[r["threads"]],
                        "fit_s": r["median_s"], "predict_s": r["predict_s"],
                        "auc": r["auc"], "nodes": r["nodes"],
                        "leaves": r["leaves"], "rows": r["rows"],
                        "cells_per_s": r["cells_per_s"],
                        "peak_rss_mb": r["peak_rss_mb"]})
        elif r.get("bench") == "tree_peer":
            r = dict(r)
            r["cells_per_s"] = r["train_rows"] * r["cols"] / r["fit_s"]
            out.append(r)
    return out


def table(path):
    rows = rows_of(path)
    ours = {(r["threads"], r["depth"]): r for r in rows
            if r["tool"] == "crmine"}
    base = {r["tool"]: {} for r in rows}
    for r in rows:
        if r["threads"] == 1:
            base[r["tool"]][r["depth"]] = r["fit_s"]
    out = ["| depth | tool | threads | binning | one tree | predict test | "
           "rows x features / s | nodes (leaves) | test AUC | peak RSS | "
           "crmine tree time / this | crmine AUC - this | 1 -> T "
           "speed-up |", "|---|---|---|---|---|---|---|---|---|---|---|---|"
           "---|"]
    order = ["crmine", "xgb", "xgb_cat", "sklearn"]
    for r in sorted(rows, key=lambda r: (-r["depth"],
                                         order.index(r["tool"]),
                                         r["threads"])):
        # sklearn's tree is single-threaded: compare with crmine at 1 thread
        mine = ours.get((r["threads"], r["depth"]))
        ratio = auc_diff = ""
        if mine is not None and r["tool"] != "crmine":
            ratio = "%.3f" % (mine["fit_s"] / r["fit_s"])
            auc_diff = "%+.4f" % (mine["auc"] - r["auc"])
        one = base[r["tool"]].get(r["depth"])
        scale = "%.2fx" % (one / r["fit_s"]) if one else ""
        out.append("| %d | %s | %d | %.3f s | %.3f s | %.3f s | %.3g | "
                   "%d (%d) | %.4f | %.0f MB | %s | %s | %s |" % (
                       r["depth"], NAMES[r["tool"]], r["threads"],
                       r["bin_s"], r["fit_s"], r["predict_s"],
                       r["cells_per_s"], r["nodes"], r["leaves"], r["auc"],
                       r["peak_rss_mb"], ratio, auc_diff, scale))
    out += ["", "| depth | crmine threads | / XGBoost hist (same threads) "
            "| / XGBoost native categorical | / scikit-learn (1 thread) | "
            "binning + tree / XGBoost's | AUC crmine - XGBoost, - sklearn |",
            "|---|---|---|---|---|---|---|"]
    peers = {(r["tool"], r["threads"], r["depth"]): r for r in rows}
    for (threads, depth), mine in sorted(ours.items(),
                                         key=lambda kv: (-kv[0][1], kv[0][0])):
        def ratio(tool, t=threads, key=lambda r: r["fit_s"]):
            p = peers.get((tool, t, depth))
            return "%.2f" % (key(mine) / key(p)) if p else "n/a"
        xgb = peers.get(("xgb", threads, depth))
        sk = peers.get(("sklearn", 1, depth))
        diffs = ", ".join("%+.4f" % (mine["auc"] - p["auc"]) if p else "n/a"
                          for p in (xgb, sk))
        out.append("| %d | %d | %s | %s | %s | %s | %s |" % (
            depth, threads, ratio("xgb"), ratio("xgb_cat"),
            ratio("sklearn", 1),
            ratio("xgb", key=lambda r: r["bin_s"] + r["fit_s"]), diffs))
    print("\n".join(out))


def main(argv):
    mode, a = argv[1], argv[2:]
    if mode == "fit":
        fit(a[0], a[1], int(a[2]), int(a[3]),
            [int(v) for v in a[4].split(",")], int(a[5]))
    elif mode == "table":
        table(a[0])
    elif mode == "versions":
        print(json.dumps(versions()))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv)
