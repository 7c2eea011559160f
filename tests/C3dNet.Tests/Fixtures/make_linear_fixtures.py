"""Makes the scikit-learn fixture that the `c3d linear` tests compare against. Run with Debian's python3-sklearn:
    /usr/bin/python3 tests/C3dNet.Tests/Fixtures/make_linear_fixtures.py
Outputs (in linear/ next to this script):
  x_train.npy, x_test.npy  float32 [videos, 96]: synthetic per-video features shaped like C3D's (non-negative,
                           sparse like fc6 after ReLU, class means + per-video noise, L2-normalised per video)
  expected.json            labels, the cross-validation fold of every training video, and per model
                           (logistic, svm) and C: coefficients, intercepts, test predictions, test accuracy;
                           per model the grid-search mean fold accuracies and the C it chose.
The estimators are the ones `c3d linear` claims to match:
  LogisticRegression(C=C, penalty='l2', multi_class='multinomial', fit_intercept=True)
  LinearSVC(C=C, loss='squared_hinge', penalty='l2', multi_class='ovr', fit_intercept=True, intercept_scaling=1)
fitted with tight tolerances (and the sklearn solvers that reach them: newton-cg, liblinear's primal Newton) so that they
sit at the optimum of their (strictly convex) objectives; the defaults (lbfgs; liblinear's dual, tol 1e-4) stop earlier,
and their test predictions are recorded too ("default_predictions").
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, PredefinedSplit, StratifiedKFold
from sklearn.svm import LinearSVC

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "linear")
os.makedirs(here, exist_ok=True)
rng = np.random.default_rng(20261201)

CLASSES, DIMS, TRAIN_PER_CLASS, TEST_PER_CLASS, FOLDS = 6, 96, 10, 5, 5
GRID = [0.01, 0.1, 1.0, 10.0, 100.0]
FIT_CS = [0.1, 1.0, 10.0, 100.0]


def features(labels):
    # fc6-like: ReLU of (class mean + shared "scene" direction + noise), then L2 per video.
    means = features.means[labels]
    scene = rng.normal(0, 1, (len(labels), 4)) @ features.scene
    x = np.maximum(means + scene + rng.normal(0, 1.0, (len(labels), DIMS)), 0)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


features.means = np.maximum(rng.normal(0, 1.0, (CLASSES, DIMS)), 0) * (rng.random((CLASSES, DIMS)) < 0.5)
features.scene = rng.normal(0, 0.5, (4, DIMS))

y_train = np.repeat(np.arange(CLASSES), TRAIN_PER_CLASS)
y_test = np.repeat(np.arange(CLASSES), TEST_PER_CLASS)
x_train, x_test = features(y_train), features(y_test)
np.save(os.path.join(here, "x_train.npy"), x_train)
np.save(os.path.join(here, "x_test.npy"), x_test)
# The C# side reads float32 and fits in float64: fit sklearn on exactly those values.
xtr, xte = x_train.astype(np.float64), x_test.astype(np.float64)

folds = np.zeros(len(y_train), dtype=int)
for f, (_, held) in enumerate(StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0).split(xtr, y_train)):
    folds[held] = f


def logistic(c, tight=True):
    # Tight: newton-cg to a gradient of 1e-12 (lbfgs stops on its function-change test about 1e-5 short of the optimum).
    return LogisticRegression(C=c, penalty="l2", multi_class="multinomial", fit_intercept=True,
                              **({"solver": "newton-cg", "tol": 1e-12, "max_iter": 10000} if tight else {}))


def svm(c, tight=True):
    # Tight: liblinear's primal trust-region Newton (dual=False) minimises the same objective and converges
    # to 1e-12 in seconds; its dual coordinate descent (the default) needs millions of passes for that.
    return LinearSVC(C=c, loss="squared_hinge", penalty="l2", multi_class="ovr", fit_intercept=True, intercept_scaling=1,
                     **({"dual": False, "tol": 1e-12, "max_iter": 100000} if tight else {}))


def optimum_gap(name, m, c):
    """||gradient of the objective|| / (C x videos) at the fitted coefficients: 0 at the optimum."""
    w, b = m.coef_, m.intercept_
    scores = xtr @ w.T + b
    if name == "logistic":
        p = np.exp(scores - scores.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        r = c * (p - np.eye(CLASSES)[y_train])
        g = np.concatenate([(w + r.T @ xtr).ravel(), r.sum(0)])
    else:
        signs = 2 * np.eye(CLASSES)[y_train] - 1
        r = -2 * c * signs * np.maximum(1 - signs * scores, 0)
        g = np.concatenate([(w + r.T @ xtr).ravel(), b + r.sum(0)])
    return np.linalg.norm(g) / (c * len(y_train))


models = {"logistic": logistic, "svm": svm}
out = {
    "sklearn_version": sklearn.__version__,
    "classes": CLASSES, "dims": DIMS,
    "y_train": y_train.tolist(), "y_test": y_test.tolist(), "folds": folds.tolist(),
    "grid": GRID, "models": {},
}
for name, make in models.items():
    fits = []
    for c in FIT_CS:
        with warnings.catch_warnings():
            # At 1e-12 newton-cg ends on "line search failed": rounding level. optimum_gap() checks where it ended.
            warnings.simplefilter("ignore")
            m = make(c).fit(xtr, y_train)
        gap = optimum_gap(name, m, c)
        assert gap < 1e-7, (name, c, gap)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            default = make(c, tight=False).fit(xtr, y_train)
        if name == "svm":
            # The dual solver, run long, reaches the same optimum: the two solvers agree on the objective.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                dual = LinearSVC(C=c, tol=1e-9, max_iter=200000).fit(xtr, y_train)
            gap = np.abs(dual.coef_ - m.coef_).max() / np.abs(m.coef_).max()
            assert gap < 1e-3, (c, gap)
        pred = m.predict(xte)
        fits.append({
            "c": c, "optimum_gap": gap,
            "coef": m.coef_.tolist(), "intercept": m.intercept_.tolist(),
            "test_predictions": pred.tolist(), "test_accuracy": float((pred == y_test).mean()),
            "default_predictions": default.predict(xte).tolist(),
        })
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = GridSearchCV(make(1.0), {"C": GRID}, cv=PredefinedSplit(folds), scoring="accuracy").fit(xtr, y_train)
    scores = search.cv_results_["mean_test_score"]
    best = int(np.argmax(scores))
    # A clear winner, so that the test of the choice does not hang on a floating-point tie.
    assert sorted(scores)[-1] - sorted(scores)[-2] > 1e-3, (name, scores)
    out["models"][name] = {"fits": fits, "cv_mean_accuracy": scores.tolist(), "cv_best_c": GRID[best]}
    print(name, "optimum gaps", [f"{f['optimum_gap']:.1e}" for f in fits], "test accuracy", [f["test_accuracy"] for f in fits], "cv", np.round(scores, 4).tolist(), "best C", GRID[best])

with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(out, f)
print("wrote", here)
