#!/usr/bin/python3
"""BGRL's linear evaluation, scored by scikit-learn's own code path, on splits given from outside.

The code path is nerdslab/bgrl's bgrl/logistic_regression_eval.py, fit_logistic_regression, with the
random splits replaced by given ones so that our implementation (src/eval/crossValidatedProbe.ts) and
scikit-learn see the same nodes: one-hot targets, l2-normalized embeddings, per repeat
GridSearchCV(OneVsRestClassifier(LogisticRegression(solver='liblinear')), C = 2^-10..2^10, cv=the
given folds) on the train part with the default scorer, test accuracy of argmax predict_proba.
Used by test/data/probe-bgrl-golden.test.ts.

Run with Debian's interpreter (apt-get install python3-sklearn):

    /usr/bin/python3 scripts/reference/bgrl_probe.py INPUT.json

INPUT.json: {"embeddings": "X.npy" (float32 [N, d]), "labels": [N ints],
             "repeats": [{"train": [ids], "test": [ids], "folds": [{"train": [ids], "val": [ids]}]}]}
  (node ids; fold ids lie inside the repeat's train ids).
Prints one JSON object: {"sklearnVersion", "repeats": [{"bestC", "test", "meanCvScore": [per C]}]}.
"""
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import OneHotEncoder, normalize


def one_hot_encoder():
    # scikit-learn renamed `sparse` to `sparse_output` in 1.2.
    try:
        return OneHotEncoder(categories="auto", sparse_output=False)
    except TypeError:
        return OneHotEncoder(categories="auto", sparse=False)


def main(path):
    with open(path) as f:
        spec = json.load(f)
    X = np.load(spec["embeddings"])
    y = np.asarray(spec["labels"], dtype=np.int64)
    encoder = one_hot_encoder()
    Y = encoder.fit_transform(y.reshape(-1, 1)).astype(bool)
    X = normalize(X, norm="l2")
    c = 2.0 ** np.arange(-10, 11)
    out = []
    for rep in spec["repeats"]:
        train = np.asarray(rep["train"], dtype=np.int64)
        test = np.asarray(rep["test"], dtype=np.int64)
        pos = {int(node): i for i, node in enumerate(train)}
        cv = [(np.array([pos[int(v)] for v in fold["train"]]), np.array([pos[int(v)] for v in fold["val"]])) for fold in rep["folds"]]
        clf = GridSearchCV(estimator=OneVsRestClassifier(LogisticRegression(solver="liblinear")), param_grid=dict(estimator__C=c), n_jobs=1, cv=cv, verbose=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X[train], Y[train])
        pred = np.argmax(clf.predict_proba(X[test]), axis=1)
        pred = encoder.transform(pred.reshape(-1, 1)).astype(bool)
        out.append({
            "bestC": float(clf.best_params_["estimator__C"]),
            "test": float(metrics.accuracy_score(Y[test], pred)),
            "meanCvScore": [float(s) for s in clf.cv_results_["mean_test_score"]],
        })
    json.dump({"sklearnVersion": sklearn.__version__, "repeats": out}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bgrl_probe.py INPUT.json")
    main(sys.argv[1])
