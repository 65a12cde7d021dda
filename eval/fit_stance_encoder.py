"""Fit the stance encoder on PubMedQA dev: its out-of-fold probabilities, then the shipped members.

Run: `.venv/bin/python -m eval.fit_stance_encoder` (about an hour on two cores), then `python -m eval.fit_stance`,
which weighs the encoder against the word model and chooses the verdict threshold on these out-of-fold numbers.

1. Out of fold: for each member seed s, a 5-fold split of dev (seeded s); each fold's encoder is fitted on the
   other four folds' (question, conclusion) pairs and judges its own questions' cited findings as the verdict
   reads them (from `cited.jsonl`; a quoted conclusion sentence with the rest of its paragraph), and the
   conclusion of the dev paper nearest to its question (`eval/stance_unrelated.py`); each fold's encoder also
   learns from such unrelated pairs of its own questions (nearest among its own papers) that they settle
   nothing. Each question's probabilities are the mean over the members of encoders that never saw it. Written to
   `eval/data/pubmedqa/stance_encoder_oof.jsonl` with a digest of the text judged, so that a later collection
   of different citations is not scored with stale numbers.
2. The members: one encoder per seed fitted on all 500 dev pairs and their unrelated pairs, written to
   `qa/stance_encoder/` (adapters and heads as safetensors, a JSON manifest), atomically.
Averaging members trained on different splits steadied the gain: one encoder's out-of-fold verdicts varied by
6 points of coverage from split to split, the mean of three did not (README "Verdict").
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from tqdm import tqdm

from eval.pubmedqa_cited import load_cited, reading
from eval.pubmedqa_data import DEV, PubMedQuestion, load_questions
from eval.stance_encoder_fit import Pair, predict, save, threads, train, write_manifest
from eval.stance_encoder_oof import OOF_FILE, EncoderRow, findings_digest, write_rows
from eval.stance_fit import FOLDS
from eval.stance_unrelated import nearest_others, similarities
from index.embedder import DEFAULT_MODEL, resolve_model_path
from qa.stance import CLASSES
from qa.stance_encoder import ENCODER_DIR

MEMBERS = 3


def _with_conclusions_of(questions: list[PubMedQuestion], rows: Iterable[int], papers: Iterable[int]) -> list[Pair]:
    """Each of the questions at `rows` paired with the conclusion of the paper at the same place in `papers`."""
    return [Pair(questions[i].question, questions[j].long_answer) for i, j in zip(rows, papers, strict=True)]


def out_of_fold(base: Path, members: int) -> list[EncoderRow]:
    """Rows of `OOF_FILE`: per dev question, mean out-of-fold probabilities on its cited findings as the encoder
    reads them (`eval.pubmedqa_cited.reading`: a quoted conclusion sentence with the rest of its paragraph), and
    on the nearest other paper's conclusion."""
    from sklearn.model_selection import StratifiedKFold

    questions = load_questions(DEV)
    cited = {row.pmid: row for row in load_cited()}
    findings = [reading(cited[q.pmid].findings) if q.pmid in cited else [] for q in questions]
    labels = [q.decision for q in questions]
    y = np.array([CLASSES.index(label) for label in labels])
    scores = similarities(questions)
    other = nearest_others(scores, range(len(questions)))
    train_pairs = [Pair(q.question, q.long_answer) for q in questions]
    judged = [Pair(q.question, " ".join(f)) for q, f in zip(questions, findings, strict=True)]
    unrelated = _with_conclusions_of(questions, range(len(questions)), other)
    probs = np.zeros((len(questions), len(CLASSES)))
    unrelated_probs = np.zeros((len(questions), len(CLASSES)))
    with tqdm(total=members * FOLDS, desc="stance encoder, out of fold", unit="fit") as bar:
        for split in range(members):
            folds = StratifiedKFold(FOLDS, shuffle=True, random_state=split).split(np.zeros(len(y)), y)
            for k, (fit_rows, test_rows) in enumerate(folds):
                negatives = _with_conclusions_of(questions, fit_rows, nearest_others(scores, fit_rows, fit_rows))
                model = train(base, [train_pairs[i] for i in fit_rows], [labels[i] for i in fit_rows], seed=k,
                              unrelated=negatives)
                probs[test_rows] += predict(model, [judged[i] for i in test_rows]) / members
                unrelated_probs[test_rows] += predict(model, [unrelated[i] for i in test_rows]) / members
                bar.update()
    return [EncoderRow(pmid=q.pmid, findings=findings_digest(f), probs=[round(float(v), 6) for v in p],
                       unrelated=questions[j].pmid, unrelated_probs=[round(float(v), 6) for v in u])
            for q, f, p, j, u in zip(questions, findings, probs, other, unrelated_probs, strict=True) if f]


def fit_members(base: Path, members: int) -> None:
    """The shipped members, fitted on all dev pairs and their unrelated pairs, written into `ENCODER_DIR`
    atomically."""
    questions = load_questions(DEV)
    pairs = [Pair(q.question, q.long_answer) for q in questions]
    labels = [q.decision for q in questions]
    rows = range(len(questions))
    negatives = _with_conclusions_of(questions, rows, nearest_others(similarities(questions), rows))
    staging = Path(tempfile.mkdtemp(prefix=".stance_encoder.", dir=ENCODER_DIR.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the package folder is read by everyone
    try:
        names = []
        for seed in tqdm(range(members), desc="stance encoder, members", unit="fit"):
            names.append(f"member-{seed}")
            save(train(base, pairs, labels, seed, unrelated=negatives), staging / names[-1])
        write_manifest(staging, names, f"PubMedQA {DEV.name}: {len(pairs)} (question, conclusion) pairs and as "
                                       f"many with the nearest other paper's conclusion, taught no answer")
        old = ENCODER_DIR.with_name(ENCODER_DIR.name + ".old")
        if ENCODER_DIR.exists():
            ENCODER_DIR.rename(old)
        staging.rename(ENCODER_DIR)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=MEMBERS, help=f"encoders averaged (default {MEMBERS})")
    parser.add_argument("--skip-oof", action="store_true", help=f"keep {OOF_FILE.name}; fit the members only")
    parser.add_argument("--skip-members", action="store_true", help="write the out-of-fold file only")
    args = parser.parse_args()
    threads()
    base = resolve_model_path(DEFAULT_MODEL)
    if not args.skip_oof:
        rows = out_of_fold(base, args.members)
        write_rows(rows)
        print(f"wrote {OOF_FILE} ({len(rows)} questions)")
    if not args.skip_members:
        fit_members(base, args.members)
        print(f"wrote {ENCODER_DIR} ({args.members} members)")


if __name__ == "__main__":
    main()
