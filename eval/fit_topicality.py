"""Fit the topicality model (`qa.abstain.Topicality`) on PubMedQA dev and write `qa/topicality.json`.

Run: `.venv/bin/python -m eval.fit_topicality [--pubmedqa-dir DIR]`. The even-position dev questions
(`eval/pubmedqa_library.py`) are asked twice: of the 1,000 abstracts, where the best passage's paper should be
their own (label 1), and of a library without their own abstracts, where no paper is about them (label 0). Both
libraries are built in `--pubmedqa-dir` (reused when already there) or in a temporary folder (about 7 minutes).
The threshold keeps `KEEP` of the answerable questions: a verdict lost on a question the library does answer
costs less than one drawn from another study. The odd-position questions stay out: the suite measures on them.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from eval.pubmedqa_data import load_abstracts, load_questions
from eval.pubmedqa_library import FITTED_PARITY, half, open_library, without
from qa.abstain import TOPIC_FEATURES, TOPICALITY_FILE, Topicality
from qa.engine import AnswerEngine

# Chosen on dev (fitted on one half, measured on the other): keeping 0.98 of the answerable questions withheld
# the verdict from 0.62 / 0.84 of the questions without their abstract and 0.000 / 0.032 of those with it;
# keeping 0.99 withheld it from 0.20 / 0.77 (one half has a tail of answerable questions that look absent).
KEEP = 0.98


def topic_rows(engine: AnswerEngine, questions: list[str]) -> np.ndarray:
    """The `TOPIC_FEATURES` of each question's best unit in `engine`'s library."""
    return np.array([[values[name] for name in TOPIC_FEATURES] for values in map(engine.features, questions)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pubmedqa-dir", type=Path, help="where to build (or reuse) the two PubMedQA libraries")
    args = parser.parse_args()
    questions = half(load_questions(), FITTED_PARITY)
    abstracts = load_abstracts()
    asked = [q.question for q in questions]
    with tempfile.TemporaryDirectory(prefix="neoqa-topicality-") as tmp:
        folder = args.pubmedqa_dir or Path(tmp)
        # The features do not depend on the topicality model: a neutral one stands in for the one being refitted.
        neutral = Topicality(weights={}, bias=0.0, threshold=0.0)
        about = topic_rows(open_library(abstracts, folder / "all", progress=True, topicality=neutral), asked)
        lacking = topic_rows(open_library(without(abstracts, questions), folder / "without-fitted-half",
                                          progress=True, topicality=neutral), asked)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(np.r_[about, lacking],
                                                          np.r_[np.ones(len(about)), np.zeros(len(lacking))])
    p_about, p_lacking = model.predict_proba(about)[:, 1], model.predict_proba(lacking)[:, 1]
    threshold = float(np.sort(p_about)[int((1 - KEEP) * len(p_about))])
    params = {
        "weights": {f: round(float(w), 4) for f, w in zip(TOPIC_FEATURES, model.coef_[0], strict=True)},
        "bias": round(float(model.intercept_[0]), 4),
        "threshold": round(threshold, 4),
        "fitted_on": f"PubMedQA dev, even positions: {len(asked)} questions with and without their own abstracts",
        "fitted_half": {"about_with_abstract": round(float((p_about >= threshold).mean()), 3),
                        "about_without_abstract": round(float((p_lacking >= threshold).mean()), 3)},
    }
    TOPICALITY_FILE.write_text(json.dumps(params, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(params, indent=2))


if __name__ == "__main__":
    main()
