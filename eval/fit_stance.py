"""Fit the stance model on PubMedQA dev and write `qa/stance.json`.

Run: `.venv/bin/python -m eval.fit_stance`. Pairs are (question, the abstract's conclusion) from
`eval/data/pubmedqa/dev.jsonl` only, labelled with the experts' yes/no/maybe decision; the threshold is chosen
on repeated 5-fold cross-validation for a precision of at least 0.85 (see eval/stance_fit.py).
"""

from __future__ import annotations

import argparse
import json

from eval.pubmedqa_data import DEV, load_questions
from eval.stance_fit import SEEDS, TARGET_PRECISION, fit
from qa.stance import PARAMS_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=SEEDS, help=f"CV repetitions (default {SEEDS})")
    args = parser.parse_args()
    questions = load_questions(DEV)
    model, cv = fit([(q.question, q.long_answer) for q in questions], [q.decision for q in questions], args.seeds)
    model.meta = {"fitted_on": f"PubMedQA {DEV.name}: {len(questions)} questions, (question, conclusion) pairs",
                  "cv": {**cv, "target_precision": TARGET_PRECISION}}
    PARAMS_FILE.write_text(json.dumps(model.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(model.meta, indent=2))
    print(f"wrote {PARAMS_FILE} ({len(model.featurizer.vocabulary)} terms)")


if __name__ == "__main__":
    main()
