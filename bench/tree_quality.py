#!/usr/bin/python3
"""Churn-tree quality: crmine's [tree] against scikit-learn's
DecisionTreeClassifier on the same training customers (crmine's `split`
column), the same max_depth, min_samples_leaf, criterion and class weights.
Test AUC of both on the same held-out customers, one JSON line.

scikit-learn 1.2 trees take neither NaN nor categories: numeric gaps are
filled with the training median, categorical columns one-hot encoded (what
a scikit-learn user would do). crmine splits categories as sets and learns
where missing values go. Ties between equal splits are broken differently
(sklearn: random_state), which is within noise.

Usage: tree_quality.py NAME SCORES.csv RAW.csv IDCOL LABELCOL RUN.json
       DEPTH LEAF CLASS_WEIGHT FEATURES (comma-separated)"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier

YES = {"yes", "y", "true", "t", "1", "1.0"}


def main(argv):
    name, scores, raw, idcol, labelcol, runjson = argv[:6]
    depth, leaf, weight = int(argv[6]), int(argv[7]), argv[8]
    features = [f.strip() for f in argv[9].split(",")]
    sc = pd.read_csv(scores, dtype={"customer_id": str})
    df = pd.read_csv(raw, dtype={idcol: str}, skipinitialspace=True,
                     na_values=[" ", ""])
    df = df.merge(sc[["customer_id", "split"]], left_on=idcol,
                  right_on="customer_id")
    y = df[labelcol].astype(str).str.strip().str.lower().isin(YES)
    x = df[features]
    cats = [c for c in features if x[c].dtype == object]
    x = pd.get_dummies(x, columns=cats, dtype=float)
    train = (df["split"] == "train").to_numpy()
    test = (df["split"] == "test").to_numpy()
    x = x.fillna(x[train].median()).to_numpy(dtype=float)
    crit = json.load(open(runjson))["stages"]["tree"]
    clf = DecisionTreeClassifier(
        max_depth=depth, min_samples_leaf=leaf, random_state=0,
        class_weight="balanced" if weight == "balanced" else None)
    clf.fit(x[train], y[train])
    auc = roc_auc_score(y[test], clf.predict_proba(x[test])[:, 1])
    out = {"data": name, "depth": depth, "min_samples_leaf": leaf,
           "class_weight": weight, "train": int(train.sum()),
           "test": int(test.sum()), "crmine_auc": crit["test"]["auc"],
           "sklearn_auc": auc, "crmine_leaves": crit["trees"][0]["leaves"],
           "sklearn_leaves": int(clf.get_n_leaves())}
    out["auc_diff"] = out["crmine_auc"] - auc
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
