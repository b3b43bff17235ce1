#!/usr/bin/python3
"""scikit-learn side of scripts/bench/probe.mjs: the probe protocol on embeddings written by it.

    probe_sklearn.py DIR MODE TOL MAX_ITER    (DIR holds x.f32, meta.json)
Prints one JSON line: seconds, mean test accuracy, best C per split.
"""
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from probe_fixtures import evaluate  # noqa: E402

d, mode, tol, max_iter = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
meta = json.load(open(os.path.join(d, "meta.json")))
x = np.fromfile(os.path.join(d, "x.f32"), dtype="<f4").reshape(meta["n"], meta["d"]).astype(np.float64)
x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
y = np.array(meta["labels"])
warnings.simplefilter("ignore")  # sklearn's ConvergenceWarning at its default caps is part of what is measured
t = time.perf_counter()
res = [evaluate(x, y, s, mode, c_grid=meta["cGrid"], with_coef=False, tol=tol, max_iter=max_iter)[0] for s in meta["splits"]]
sec = time.perf_counter() - t
print(json.dumps({"seconds": sec, "mean": float(np.mean([r["testAcc"] for r in res])), "bestC": [r["bestC"] for r in res]}))
