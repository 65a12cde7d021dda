"""Fit the stance model on PubMedQA dev and write `qa/stance.json`.

Run: `.venv/bin/python -m eval.fit_stance`. Everything comes from `eval/data/pubmedqa` only (dev, never test):
the text model is fitted on (question, the abstract's conclusion) pairs labelled with the experts' yes/no/maybe
decision; the verdict's second stage on what the engine cites for each question (`cited.jsonl`); both thresholds
on repeated 5-fold cross-validation for a precision of at least 0.85 (see eval/stance_fit.py).
`--collect --index-dir DIR` first asks the engine every dev question over the 1,000 abstracts (indexed in DIR,
reused when it already holds them) and rewrites `cited.jsonl`: do it after a change to what the engine cites.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from eval.pubmedqa_cited import CITED, CitedAnswer, collect, examples, load_cited, write_cited
from eval.pubmedqa_data import DEV, PubMedQuestion, load_abstracts, load_questions
from eval.pubmedqa_library import open_library
from eval.stance_fit import SEEDS, TARGET_PRECISION, fit
from qa.stance import PARAMS_FILE, StanceModel


def collect_into(index_dir: Path, questions: list[PubMedQuestion]) -> list[CitedAnswer]:
    """Index the 1,000 abstracts in `index_dir` (reused when already there) and collect the engine's citations.
    What the engine cites does not depend on the stance model: a neutral one stands in for the one being refitted."""
    with tempfile.TemporaryDirectory(prefix="neoqa-pubmedqa-") as tmp:
        engine = open_library(load_abstracts(), Path(tmp), index_dir, progress=True, stance=StanceModel.neutral())
        return collect(engine, questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=SEEDS, help=f"CV repetitions (default {SEEDS})")
    parser.add_argument("--collect", action="store_true", help=f"ask the engine first and rewrite {CITED.name}")
    parser.add_argument("--index-dir", type=Path, help="with --collect: where the PubMedQA index is (or goes)")
    args = parser.parse_args()
    questions = load_questions(DEV)
    if args.collect:
        if args.index_dir is None:
            parser.error("--collect needs --index-dir")
        write_cited(collect_into(args.index_dir, questions))
    cited = {row.pmid: row for row in load_cited()}
    model, cv = fit(examples(questions, cited), args.seeds)
    model.meta = {"fitted_on": f"PubMedQA {DEV.name}: {len(questions)} questions; text model on (question, "
                               f"conclusion) pairs, verdict on the findings the engine cites ({CITED.name})",
                  "cv": {**cv, "target_precision": TARGET_PRECISION}}
    PARAMS_FILE.write_text(json.dumps(model.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(model.meta, indent=2))
    print(f"wrote {PARAMS_FILE} ({len(model.featurizer.vocabulary)} terms)")


if __name__ == "__main__":
    main()
