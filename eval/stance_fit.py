"""Fitting the stance model (`qa/stance.py`) on PubMedQA dev pairs, and choosing its threshold by cross-validation.

A training pair is (question, the abstract's conclusion) with the experts' decision (yes / no / maybe). The
threshold is the lowest confidence at which the out-of-fold predictions are right at least `TARGET_PRECISION`
of the time: below it the engine shows no verdict. The same functions serve `eval/fit_stance.py` (the shipped
model) and the PubMedQA suite, which refits per fold so that no question is judged by a model that saw it.
"""

from __future__ import annotations

import numpy as np

from eval.errors import EvalError
from qa.stance import CLASSES, Featurizer, StanceModel

TARGET_PRECISION = 0.85
C = 3.0  # inverse regularisation, chosen by 5-fold CV on dev (see README "Verdict")
MIN_DF = 2
FOLDS = 5
SEEDS = 3  # repeated CV for the threshold: one 5-fold split of 500 questions is noisy
MIN_COVERAGE = 0.1
GRID = [round(t, 3) for t in np.arange(0.40, 0.99, 0.01)]

Pair = tuple[str, str]


def _matrix(featurizer: Featurizer, pairs: list[Pair]):  # noqa: ANN202 - a scipy sparse matrix
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for r, (q, f) in enumerate(pairs):
        for c, v in featurizer.transform(q, f).items():
            rows.append(r)
            cols.append(c)
            vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(pairs), featurizer.size))


def fit_weights(pairs: list[Pair], labels: list[str], threshold: float = 0.5) -> StanceModel:
    """A model fitted on all `pairs` (no threshold search)."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # a dev dependency: fitting is development work, answering is not
        raise EvalError("fitting the stance model needs scikit-learn: pip install -e '.[dev]'") from exc
    y = np.array([CLASSES.index(label) for label in labels])
    featurizer = Featurizer.fit(pairs, MIN_DF)
    model = LogisticRegression(C=C, max_iter=5000).fit(_matrix(featurizer, pairs), y)
    if len(model.classes_) != len(CLASSES):
        raise EvalError("the stance model needs examples of all three decisions (yes, no, maybe)")
    # sklearn orders classes by value: rows 0, 1, 2 are CLASSES in order.
    coef = [[float(v) for v in row] for row in model.coef_]
    intercept = [float(v) for v in model.intercept_]
    return StanceModel(featurizer, coef, intercept, threshold)


def out_of_fold(pairs: list[Pair], labels: list[str], seeds: int = SEEDS) -> np.ndarray:
    """Out-of-fold class probabilities (rows in `pairs` order, columns CLASSES), averaged over seeds."""
    from sklearn.model_selection import StratifiedKFold

    y = np.array([CLASSES.index(label) for label in labels])
    probs = np.zeros((len(pairs), len(CLASSES)))
    for seed in range(seeds):
        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)
        for train, test in folds:
            model = fit_weights([pairs[i] for i in train], [labels[i] for i in train])
            for i in test:
                p = model.probabilities(*pairs[i])
                probs[i] += np.array([p[c] for c in CLASSES]) / seeds
    return probs


def selective(probs: np.ndarray, labels: list[str], threshold: float) -> tuple[float, float]:
    """(coverage, accuracy where shown) when a verdict is shown at confidence >= threshold."""
    y = np.array([CLASSES.index(label) for label in labels])
    shown = probs.max(1) >= threshold
    if not shown.any():
        return 0.0, 0.0
    return float(shown.mean()), float((probs.argmax(1)[shown] == y[shown]).mean())


def choose_threshold(probs: np.ndarray, labels: list[str], target: float = TARGET_PRECISION) -> float:
    """The lowest grid threshold whose shown verdicts reach `target` precision, among thresholds that still show
    at least `MIN_COVERAGE` of the questions (above that, a handful of questions make the precision noise)."""
    ok = [t for t in GRID if (cp := selective(probs, labels, t))[0] >= MIN_COVERAGE and cp[1] >= target]
    return min(ok) if ok else GRID[-1]


def curve(probs: np.ndarray, labels: list[str]) -> list[dict[str, float]]:
    """Coverage and precision at every tenth of the grid: the trade-off the threshold picks from."""
    return [{"threshold": t, "coverage": round(c, 4), "precision": round(a, 4)}
            for t in GRID[::5] for c, a in [selective(probs, labels, t)]]


def fit(pairs: list[Pair], labels: list[str], seeds: int = SEEDS) -> tuple[StanceModel, dict[str, object]]:
    """The model fitted on all pairs, with its threshold chosen on out-of-fold predictions; and the CV numbers."""
    probs = out_of_fold(pairs, labels, seeds)
    threshold = choose_threshold(probs, labels)
    coverage, precision = selective(probs, labels, threshold)
    y = np.array([CLASSES.index(label) for label in labels])
    cv = {"folds": FOLDS, "seeds": seeds, "threshold": threshold, "coverage": round(coverage, 4),
          "precision": round(precision, 4), "accuracy_all": round(float((probs.argmax(1) == y).mean()), 4),
          "curve": curve(probs, labels)}
    model = fit_weights(pairs, labels, threshold)
    return model, cv
