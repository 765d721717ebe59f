#!/usr/bin/python3
"""k-means peer in scikit-learn (Debian python3-sklearn) for
bench/kmeans_peer.sh. Every mode prints one JSON line.

  kmeans_peer.py gen OUT.csv N D K SEED
      customers id,f00..f{D-1},true_label with K planted Gaussian clusters
      (uneven sizes and spreads, moderately overlapping, features in mixed
      raw units so the z-score matters); the same SEED gives the same file.
  kmeans_peer.py rfm SCORES.csv RUN.json K N_INIT SEED
      crmine's scores.csv (recency, frequency, monetary, cluster,
      cluster_distance): rebuild crmine's space (signed log1p on frequency
      and monetary, z-score with the population std of the present values,
      missing -> 0), fit sklearn KMeans there, compare inertias.
  kmeans_peer.py planted SCORES.csv RUN.json TRUTH.csv K N_INIT SEED
      the same on the planted data, plus the adjusted Rand index of both
      partitions against the planted labels.
  kmeans_peer.py speed TRUTH.csv K THREADS N_INIT MAX_ITER TOL REPEAT
      sklearn KMeans(algorithm='lloyd') fit times on the z-scored float32
      matrix at THREADS threads: median over REPEAT fits of the full fit
      and of a max_iter=1 fit (for the marginal time per iteration).
  kmeans_peer.py crmine_speed N D K RANKS THREADS MAX_ITER TOL FULL ONE
      the same figures for crmine from its run.json files (FULL and ONE:
      comma-separated paths of the full and the max_iter = 1 runs).
  kmeans_peer.py table RESULTS.jsonl
      the markdown summary of every JSON line the script printed.
  kmeans_peer.py versions
      the peer's versions and the BLAS / OpenMP it runs on (threadpoolctl).

Inertias are compared on one definition: the sum of squared distances of
each customer to the mean of its cluster, in float64, in the peer's
rebuild of crmine's scaled space ("partition SSE"). crmine's own figure
(run.json) and sklearn's inertia_ (distances to the final centres) are
printed too; the script checks that crmine's scores.csv distances add up
to its run.json inertia, so both sides really work in the same space."""
import json
import math
import sys
import time

import numpy as np


def zscore(frame, log1p=()):
    """crmine's scaling: signed log1p, mean and population std over the
    present values, a constant feature keeps scale 1, missing -> 0."""
    cols = []
    for name in frame.columns:
        v = frame[name].to_numpy(dtype=np.float64)
        if name in log1p:
            v = np.sign(v) * np.log1p(np.abs(v))
        ok = ~np.isnan(v)
        mean = v[ok].mean()
        sd = math.sqrt(((v[ok] - mean) ** 2).mean())
        z = (v - mean) / (sd if sd > 0 else 1.0)
        z[~ok] = 0.0
        cols.append(z)
    return np.column_stack(cols)


def partition_sse(x, labels, k):
    """Sum of squared distances to the cluster means, float64."""
    sse = 0.0
    for c in range(k):
        m = labels == c
        if m.any():
            xc = x[m]
            sse += float(((xc - xc.mean(axis=0)) ** 2).sum())
    return sse


def blas_info():
    from threadpoolctl import threadpool_info
    out = []
    for d in threadpool_info():
        out.append({k: d.get(k) for k in ("internal_api", "version",
                                          "architecture", "num_threads")
                    if d.get(k) is not None})
    return out


def versions():
    import pandas
    import scipy
    import sklearn
    return {"sklearn": sklearn.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "pandas": pandas.__version__,
            "python": sys.version.split()[0]}


def gen(path, n, d, k, seed):
    import pandas as pd
    rng = np.random.default_rng(seed)
    # centres ~ N(0, 1.1^2 I): in 16 dimensions neighbours sit about five
    # cluster stds apart, so the clusters touch (k-means recovers them with
    # an adjusted Rand index near 0.87, not 1) but stay findable
    centres = rng.normal(0.0, 1.1, size=(k, d))
    spread = rng.uniform(0.7, 1.3, size=k)
    weight = rng.uniform(1.0, 4.0, size=k)
    label = rng.choice(k, size=n, p=weight / weight.sum())
    x = centres[label] + rng.normal(size=(n, d)) * spread[label][:, None]
    # raw units: each feature scaled by 0.1..1000 and shifted
    x = x * 10.0 ** rng.uniform(-1, 3, size=d) + rng.uniform(-50, 50, size=d)
    names = ["f%02d" % j for j in range(d)]
    df = pd.DataFrame(x.astype(np.float32), columns=names)
    df.insert(0, "id", np.arange(1, n + 1))
    df["true_label"] = label
    df.to_csv(path, index=False, float_format="%.7g")
    print(json.dumps({"gen": path, "rows": n, "cols": d, "k": k,
                      "seed": seed}))


def crmine_side(scores, run_json, x, k):
    """crmine's labels and inertias; checks its space against the peer's."""
    with open(run_json) as fp:
        km = json.load(fp)["stages"]["kmeans"]
    labels = scores["cluster"].to_numpy(dtype=np.int64)
    dist = scores["cluster_distance"].to_numpy(dtype=np.float64)
    from_csv = float((dist ** 2).sum())
    reported = float(km["inertia"])
    sse = partition_sse(x, labels, k)
    # the partition SSE at the cluster means is at most the inertia at the
    # final centres, and equal up to the last (converged) centre move
    same_space = (abs(from_csv - reported) <= 1e-5 * reported and
                  sse <= reported * (1 + 1e-5) and
                  sse >= reported * (1 - 1e-2))
    return labels, {"inertia_run_json": reported, "sse": sse,
                    "iterations": km["iterations"],
                    "restart_kept": km["restart_kept"],
                    "same_space": bool(same_space)}


def sklearn_side(x, k, n_init, seed):
    from sklearn.cluster import KMeans
    t0 = time.perf_counter()
    km = KMeans(n_clusters=k, init="k-means++", n_init=n_init,
                random_state=seed, algorithm="lloyd").fit(x)
    secs = time.perf_counter() - t0
    return km.labels_, {"inertia": float(km.inertia_),
                        "sse": partition_sse(x, km.labels_, k),
                        "iterations": int(km.n_iter_), "seconds": secs}


def rfm(scores_path, run_json, k, n_init, seed):
    import pandas as pd
    s = pd.read_csv(scores_path)
    x = zscore(s[["recency", "frequency", "monetary"]],
               log1p=("frequency", "monetary"))
    _, ours = crmine_side(s, run_json, x, k)
    _, theirs = sklearn_side(x, k, n_init, seed)
    print(json.dumps({"bench": "kmeans_quality", "data": "online_retail_rfm",
                      "rows": len(s), "k": k, "n_init": n_init,
                      "seed": seed, "crmine": ours, "sklearn": theirs,
                      "sse_ratio": ours["sse"] / theirs["sse"]}))


def planted(scores_path, run_json, truth_path, k, n_init, seed):
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score
    s = pd.read_csv(scores_path)
    t = pd.read_csv(truth_path)
    s = s.set_index("customer_id").loc[t["id"]].reset_index()
    feats = [c for c in t.columns if c not in ("id", "true_label")]
    x = zscore(t[feats])
    truth = t["true_label"].to_numpy()
    lab, ours = crmine_side(s, run_json, x, k)
    ours["ari"] = adjusted_rand_score(truth, lab)
    lab, theirs = sklearn_side(x, k, n_init, seed)
    theirs["ari"] = adjusted_rand_score(truth, lab)
    planted_sse = partition_sse(x, truth, k)
    print(json.dumps({"bench": "kmeans_quality", "data": "planted",
                      "rows": len(t), "cols": len(feats), "k": k,
                      "n_init": n_init, "seed": seed,
                      "planted_sse": planted_sse, "crmine": ours,
                      "sklearn": theirs,
                      "sse_ratio": ours["sse"] / theirs["sse"]}))


def speed(truth_path, k, threads, n_init, max_iter, tol, repeat):
    import pandas as pd
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits
    t = pd.read_csv(truth_path)
    feats = [c for c in t.columns if c not in ("id", "true_label")]
    x64 = zscore(t[feats])
    x = x64.astype(np.float32)  # crmine clusters float32 features too
    del t

    def fit(mi):
        km = KMeans(n_clusters=k, init="k-means++", n_init=n_init,
                    max_iter=mi, tol=tol, random_state=0, algorithm="lloyd")
        t0 = time.perf_counter()
        km.fit(x)
        return time.perf_counter() - t0, km

    with threadpool_limits(limits=threads):
        fit(1)  # warm-up: imports, OpenMP pool, page faults
        full, one = [], []
        for _ in range(repeat):
            secs, km = fit(max_iter)
            full.append(secs)
            one.append(fit(1)[0])
        info = blas_info()
    n_iter = int(km.n_iter_)
    full_s, one_s = float(np.median(full)), float(np.median(one))
    per_iter = (full_s - one_s) / (n_iter - 1) if n_iter > 1 else full_s
    labels = km.labels_
    c64 = km.cluster_centers_.astype(np.float64)
    inertia64 = float(((x64 - c64[labels]) ** 2).sum())
    sse = partition_sse(x64, labels, k)
    print(json.dumps({"bench": "kmeans_speed", "tool": "sklearn",
                      "rows": x.shape[0], "cols": x.shape[1], "k": k,
                      "threads": threads, "n_init": n_init,
                      "max_iter": max_iter, "tol": tol, "repeat": repeat,
                      "fit_s": full_s, "fit_max_iter1_s": one_s,
                      "iterations": n_iter, "s_per_iter": per_iter,
                      "s_per_iter_total": full_s / n_iter,
                      "inertia": float(km.inertia_),
                      "inertia_f64": inertia64, "sse": sse,
                      "fit_all_s": full, "threadpool": info,
                      "versions": versions()}))


def speed_seeds(truth_path, k, n_init, max_iter, tol, seeds):
    """sklearn at the speed settings for random_state 0 .. seeds-1 (two
    threads): one JSON line per seed, the inertia recomputed in float64."""
    import pandas as pd
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits
    t = pd.read_csv(truth_path)
    feats = [c for c in t.columns if c not in ("id", "true_label")]
    x64 = zscore(t[feats])
    x = x64.astype(np.float32)
    del t
    with threadpool_limits(limits=2):
        for s in range(seeds):
            km = KMeans(n_clusters=k, init="k-means++", n_init=n_init,
                        max_iter=max_iter, tol=tol, random_state=s,
                        algorithm="lloyd").fit(x)
            c64 = km.cluster_centers_.astype(np.float64)
            print(json.dumps({"bench": "kmeans_seed_inertia",
                              "tool": "sklearn", "k": k, "seed": s,
                              "iterations": int(km.n_iter_),
                              "inertia": float(((x64 - c64[km.labels_])
                                                ** 2).sum())}))


def crmine_speed(n, d, k, ranks, threads, max_iter, tol, full, one):
    """One JSON line from crmine's run.json files: medians of the k-means
    stage seconds of the full runs and of the max_iter = 1 runs."""
    def load(paths):
        out = []
        for p in paths.split(","):
            with open(p) as fp:
                out.append(json.load(fp)["stages"]["kmeans"])
        return out
    runs, ones = load(full), load(one)
    iters = {r["iterations"] for r in runs}
    inertia = {r["inertia"] for r in runs}
    if len(iters) != 1 or len(inertia) != 1:
        sys.exit("crmine runs differ between repeats: %s %s" % (iters,
                                                                inertia))
    n_iter = iters.pop()
    full_s = float(np.median([r["seconds"] for r in runs]))
    one_s = float(np.median([r["seconds"] for r in ones]))
    step = lambda rs, key: float(np.median([r["seconds_by_step"][key]
                                            for r in rs]))
    # the training alone (seeding + Lloyd + last assignment), which is what
    # sklearn's fit times; the stage also reads, scales and writes
    train_s, train_one = step(runs, "train"), step(ones, "train")
    per_iter = ((train_s - train_one) / (n_iter - 1) if n_iter > 1
                else train_s)
    print(json.dumps({"bench": "kmeans_speed", "tool": "crmine",
                      "rows": n, "cols": d, "k": k, "ranks": ranks,
                      "threads": threads, "n_init": 1, "max_iter": max_iter,
                      "tol": tol, "repeat": len(runs), "fit_s": full_s,
                      "fit_max_iter1_s": one_s, "train_s": train_s,
                      "seed_s": step(runs, "seed"),
                      "features_s": step(runs, "features"),
                      "outputs_s": step(runs, "outputs"),
                      "iterations": n_iter,
                      "s_per_iter": per_iter,
                      "s_per_iter_total": full_s / n_iter,
                      "inertia": inertia.pop(),
                      "fit_all_s": [r["seconds"] for r in runs]}))


def table(path):
    """The markdown summary of a results.jsonl."""
    rows = []
    with open(path) as fp:
        for line in fp:
            if line.strip():
                rows.append(json.loads(line))
    med = lambda v: float(np.median(v))
    peak = {r["threads"]: r["gflops"] for r in rows
            if r["bench"] == "fp32_fma_peak"}
    out = ["", "| threads | FP32 FMA peak (measured) | kernel k | "
           "distance kernel GFLOP/s (3nkd) | of peak | executed (2nkd), "
           "of peak | plain assign GFLOP/s | of peak | with bounds "
           "(equiv.) | training step (equiv.) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["bench"] == "bench_kmeans":
            b = r["result"]
            p = r["peak_gflops"]
            tile = b.get("gflops_tile", float("nan"))
            out.append("| %d | %.0f GFLOP/s | %d | %.1f | %.1f %% | %.1f %% "
                       "| %.1f | %.1f %% | %.1f | %.1f |" % (
                           r["threads"], p, r["k"], tile, 100 * tile / p,
                           100 * b.get("gflops_tile_fma", float("nan")) / p,
                           b["gflops_plain"], 100 * b["gflops_plain"] / p,
                           b["gflops_accel_equiv"],
                           b.get("gflops_step_equiv", float("nan"))))
    out += ["", "| data | k | seeds | crmine SSE (median) | sklearn SSE "
            "(median) | ratio median [min, max] | ARI crmine | ARI sklearn |",
            "|---|---|---|---|---|---|---|---|"]
    groups = {}
    for r in rows:
        if r["bench"] == "kmeans_quality":
            groups.setdefault((r["data"], r["k"]), []).append(r)
    for (data, k), g in groups.items():
        ratio = [r["sse_ratio"] for r in g]
        ari = lambda side: ("%.4f" % med([r[side]["ari"] for r in g])
                            if "ari" in g[0][side] else "")
        out.append("| %s (%d rows) | %d | %d | %.6g | %.6g | %.5f [%.5f, "
                   "%.5f] | %s | %s |" % (
                       data, g[0]["rows"], k, len(g),
                       med([r["crmine"]["sse"] for r in g]),
                       med([r["sklearn"]["sse"] for r in g]),
                       med(ratio), min(ratio), max(ratio),
                       ari("crmine"), ari("sklearn")))
    out += ["", "| k | run | stage total | training | iterations | "
            "s / iteration | GFLOP/s equiv. | of peak | sklearn fit / this "
            "(training, per iter.) | scaling vs 1 x 1 (per iter.) | "
            "inertia |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    speed = [r for r in rows if r["bench"] == "kmeans_speed"]
    for k in sorted({r["k"] for r in speed}):
        sk = {r["threads"]: r for r in speed
              if r["k"] == k and r["tool"] == "sklearn"}
        base = {}
        for r in speed:
            if r["k"] == k and r.get("ranks", 1) * r["threads"] == 1:
                base[r["tool"]] = r["s_per_iter"]
        for r in (x for x in speed if x["k"] == k):
            t = r.get("ranks", 1) * r["threads"]
            flops = 3.0 * r["rows"] * r["cols"] * k / r["s_per_iter"] / 1e9
            if r["tool"] == "crmine":
                name = "crmine %d rank x %d thread" % (r["ranks"],
                                                       r["threads"])
                inertia = r["inertia"]
            else:
                name = "sklearn %d thread" % r["threads"]
                inertia = r["inertia_f64"]
            ref = sk.get(t)
            train = r.get("train_s", r["fit_s"])
            ratio = ("%.2fx, %.2fx" % (ref["fit_s"] / train,
                                       ref["s_per_iter"] / r["s_per_iter"])
                     if ref else "")
            scale = base.get(r["tool"], float("nan")) / r["s_per_iter"]
            out.append("| %d | %s | %.3f s | %.3f s | %d | %.4f s | %.1f | "
                       "%.1f %% | %s | %.2fx | %.7g |" % (
                           k, name, r["fit_s"], train, r["iterations"],
                           r["s_per_iter"], flops,
                           100 * flops / peak.get(t, float("nan")), ratio,
                           scale, inertia))
    seeds = [r for r in rows if r["bench"] == "kmeans_seed_inertia"]
    if seeds:
        out += ["", "| k | seeds | crmine inertia median [min, max] | "
                "sklearn inertia median [min, max] | ratio of medians | "
                "crmine better in |",
                "|---|---|---|---|---|---|"]
    for k in sorted({r["k"] for r in seeds}):
        side = lambda tool: {r["seed"]: r["inertia"] for r in seeds
                             if r["k"] == k and r["tool"] == tool}
        c, sk = side("crmine"), side("sklearn")
        both = sorted(set(c) & set(sk))
        cv, sv = [c[s] for s in both], [sk[s] for s in both]
        out.append("| %d | %d | %.7g [%.7g, %.7g] | %.7g [%.7g, %.7g] | "
                   "%.5f | %d of %d |" % (
                       k, len(both), med(cv), min(cv), max(cv), med(sv),
                       min(sv), max(sv), med(cv) / med(sv),
                       sum(a <= b for a, b in zip(cv, sv)), len(both)))
    print("\n".join(out))


def main(argv):
    mode = argv[1]
    a = argv[2:]
    if mode == "gen":
        gen(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]))
    elif mode == "rfm":
        rfm(a[0], a[1], int(a[2]), int(a[3]), int(a[4]))
    elif mode == "planted":
        planted(a[0], a[1], a[2], int(a[3]), int(a[4]), int(a[5]))
    elif mode == "speed":
        speed(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]),
              float(a[5]), int(a[6]))
    elif mode == "seed_line":
        with open(a[0]) as fp:
            km = json.load(fp)["stages"]["kmeans"]
        print(json.dumps({"bench": "kmeans_seed_inertia", "tool": "crmine",
                          "k": int(a[1]), "seed": int(a[2]),
                          "iterations": km["iterations"],
                          "inertia": km["inertia"]}))
    elif mode == "speed_seeds":
        speed_seeds(a[0], int(a[1]), int(a[2]), int(a[3]), float(a[4]),
                    int(a[5]))
    elif mode == "crmine_speed":
        crmine_speed(int(a[0]), int(a[1]), int(a[2]), int(a[3]), int(a[4]),
                     int(a[5]), float(a[6]), a[7], a[8])
    elif mode == "table":
        table(a[0])
    elif mode == "versions":
        print(json.dumps({"versions": versions(), "threadpool": blas_info()}))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv)
