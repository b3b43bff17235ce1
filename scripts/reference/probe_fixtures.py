#!/usr/bin/python3
"""Reference fixtures for the linear probe: scikit-learn's accuracies on small synthetic embedding sets.

Writes test/fixtures/probe-sklearn.json, read by test/native/probe-sklearn.test.ts, which asserts that
our native probe (src/eval/linearProbe.ts, native/eval/probe.cc) is within 0.5 accuracy points of
scikit-learn on every fixture.

Run with Debian's interpreter (it has numpy and scikit-learn):

    /usr/bin/python3 scripts/reference/probe_fixtures.py [--out test/fixtures/probe-sklearn.json]

Protocol (the one our probe implements):
  * embeddings are l2-normalized row-wise (BGRL's protocol) after rounding to float32;
  * for each split and each C in the grid 2^-10 .. 2^10, a model is fitted on the train rows;
    the C with the best validation accuracy (the first one, in ascending C, on ties) is selected
    and its test accuracy reported;
  * "multinomial": LogisticRegression(solver="lbfgs", multi_class="multinomial"), intercept not
    penalized; it minimizes C * sum_i logloss_i + 0.5 ||W||^2;
  * "ovr": LogisticRegression(solver="liblinear") = one binary classifier per class; liblinear
    appends a constant feature (intercept_scaling=1) whose weight, the intercept, IS penalized:
    C * sum_i log(1 + exp(-y_i (w.x_i + b))) + 0.5 (||w||^2 + b^2).
  Our probe minimizes mean_i logloss_i + lambda/2 ||W||^2 with lambda = 1 / (C * n_train): the same
  minimizer (the objective divided by C * n_train).

Embeddings are stored as base64 of little-endian float32 (exactly the values sklearn saw).
Tolerances are tight (tol=1e-10) so that sklearn's numbers are those of the converged optimum.
"""
import argparse
import base64
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

C_GRID = [2.0**k for k in range(-10, 11)]
# Coefficients are stored for this split and C, for a direct check of the optimum. lbfgs stops early
# on some fixtures (max|grad| ~ 3e-6 in our scaling whatever tol is given), so the multinomial
# coefficients come from newton-cg, which reaches ~1e-11 (same objective, same minimizer).
COEF_C = 1.0
COEF_SOLVER = {"multinomial": "newton-cg", "ovr": "liblinear"}


def gaussian_mixture(rng, n, d, k, sep, scales=None, rank=None, noise=0.0):
    """k Gaussian classes in d dims; class means ~ N(0, sep^2 I); optional low-rank embedding."""
    labels = rng.integers(0, k, size=n)
    inner = d if rank is None else rank
    means = rng.normal(0.0, sep, size=(k, inner))
    x = means[labels] + rng.normal(0.0, 1.0, size=(n, inner))
    if scales is not None:
        x = x * scales[None, :inner]
    if rank is not None:
        basis, _ = np.linalg.qr(rng.normal(size=(d, rank)))
        x = x @ basis.T + noise * rng.normal(size=(n, d))
    # Embeddings of real encoders are not centred: add an offset shared by all rows.
    x = x + rng.normal(0.0, 0.5, size=(1, d))
    return x.astype(np.float32), labels.astype(np.int64)


def make_splits(rng, n, count, train_frac, val_frac):
    out = []
    for _ in range(count):
        perm = rng.permutation(n)
        n_tr, n_va = int(train_frac * n), int(val_frac * n)
        out.append({"train": perm[:n_tr].tolist(), "val": perm[n_tr : n_tr + n_va].tolist(), "test": perm[n_tr + n_va :].tolist()})
    return out


def model(mode, c, solver=None, tol=1e-10, max_iter=20000):
    if mode == "multinomial":
        # newton-cg's tol applies to its sum-scaled gradient: 1e-8 there is ~1e-10 per sample.
        tol = 1e-8 if solver == "newton-cg" else tol
        return LogisticRegression(C=c, solver=solver or "lbfgs", multi_class="multinomial", tol=tol, max_iter=max_iter)
    return LogisticRegression(C=c, solver="liblinear", tol=tol, max_iter=max_iter, intercept_scaling=1.0)


def evaluate(x, y, split, mode, c_grid=C_GRID, with_coef=True, tol=1e-10, max_iter=20000):
    """The probe protocol on one split: fit per C on train, select the first best val accuracy."""
    tr, va, te = (np.array(split[s]) for s in ("train", "val", "test"))
    val_acc, test_acc, coef = [], [], None
    for c in c_grid:
        m = model(mode, c, tol=tol, max_iter=max_iter).fit(x[tr], y[tr])
        val_acc.append(float((m.predict(x[va]) == y[va]).mean()))
        test_acc.append(float((m.predict(x[te]) == y[te]).mean()))
        if with_coef and c == COEF_C:
            ref = model(mode, c, COEF_SOLVER[mode]).fit(x[tr], y[tr])
            coef = {"solver": COEF_SOLVER[mode], "W": ref.coef_.tolist(), "b": ref.intercept_.tolist()}
    best = int(np.argmax(val_acc))  # first maximum = smallest C on ties
    return {
        "bestC": c_grid[best],
        "valAcc": val_acc[best],
        "testAcc": test_acc[best],
        "valAccPerC": val_acc,
        "testAccPerC": test_acc,
    }, coef


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "probe-sklearn.json")))
    args = ap.parse_args()
    warnings.simplefilter("error", ConvergenceWarning)  # a reference that did not converge is no reference

    rng = np.random.default_rng(20240611)
    specs = [
        # name, n, d, k, generator kwargs
        ("separated", 600, 16, 3, dict(sep=2.0)),
        ("moderate", 1000, 24, 5, dict(sep=0.55)),
        ("hard", 1200, 32, 8, dict(sep=0.3)),
        ("lowrank-anisotropic", 800, 40, 6, dict(sep=0.8, rank=8, noise=0.05, scales=np.geomspace(3.0, 0.1, 8))),
    ]
    fixtures = []
    for name, n, d, k, kw in specs:
        x32, y = gaussian_mixture(rng, n, d, k, **kw)
        x = x32.astype(np.float64)
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        splits = make_splits(rng, n, 3, 0.2, 0.2)
        results = {}
        coefs = {}
        for mode in ("multinomial", "ovr"):
            per_split = []
            for i, s in enumerate(splits):
                r, coef = evaluate(x, y, s, mode)
                per_split.append(r)
                if i == 0:
                    coefs[mode] = coef
            tests = np.array([r["testAcc"] for r in per_split])
            results[mode] = {"splits": per_split, "meanTestAcc": float(tests.mean()), "stdTestAcc": float(tests.std())}
            print(f"{name:22s} {mode:12s} test acc {100 * tests.mean():6.2f} ± {100 * tests.std():.2f}  best C {[r['bestC'] for r in per_split]}", file=sys.stderr)
        fixtures.append({
            "name": name,
            "numNodes": n,
            "dim": d,
            "numClasses": k,
            "embeddingsFloat32Base64": base64.b64encode(x32.astype("<f4").tobytes()).decode("ascii"),
            "labels": y.tolist(),
            "splits": splits,
            "results": results,
            "coefAtC": COEF_C,
            "coefSplit": 0,
            "coef": coefs,
        })
    doc = {
        "generator": "scripts/reference/probe_fixtures.py",
        "sklearnVersion": sklearn.__version__,
        "numpyVersion": np.__version__,
        "cGrid": C_GRID,
        "protocol": "l2-normalize rows; per split fit on train for each C, select first best val accuracy, report its test accuracy",
        "fixtures": fixtures,
    }
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    os.replace(tmp, args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
