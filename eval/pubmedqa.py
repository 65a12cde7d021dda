"""`qa eval --suite pubmedqa`: the engine on a corpus nobody here wrote, 1,000 PubMed abstracts, and their questions.

Builds the corpus from the packaged PubMedQA copy in a temporary folder, indexes it (with a progress bar; an
`--index-dir` that already holds the index of the same corpus is reused), asks every dev question and scores:
- right abstract cited first / anywhere: the citation [1] / some citation is from the question's abstract;
- finding cited: a citation of the right abstract lies in its Conclusions section or in a section whose label
  names results or findings ("Results", "Main Results", "Principal Findings", "Measurements and Main Results");
- verdict coverage and accuracy against the experts' yes/no/maybe decision (Yes -> yes, No -> no, Unclear and
  Mixed evidence -> maybe), cross-validated: each question's verdict comes from a stance model fitted (both
  stages and both thresholds) on the other folds of dev, never on the question itself; the verdict stage
  learns from what this run's engine cited for those questions (for dev questions this run did not ask, from
  the stored collection `eval/data/pubmedqa/cited.jsonl`); the shipped model's numbers are shown beside them
  for reference only (it saw every dev question);
- answer length in words and latency (p50, p95) of `AnswerEngine.ask`;
- without the abstract: the odd-position questions asked again of a library that lacks their own abstracts (a
  second index, beside `--index-dir` when given): the share answered anyway (from other abstracts) and the
  share given a verdict anyway; the second should be low. The topicality model that withholds those verdicts
  learnt from the even-position questions only (`eval/pubmedqa_library.py`);
- verdict on an unrelated conclusion: each asked yes/no question judged by its fold's model on the conclusion
  of the dev paper it was paired with in the stance encoder's fit (`eval/stance_unrelated.py`); should be low;
- kept to one abstract: each question asked again kept to its own abstract (`documents=[...]`), and kept to the
  next question's abstract: the share answered; the second should be low.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from tqdm import tqdm

from eval.pubmedqa_cited import CitedAnswer, cited_answer, examples, load_cited, settles
from eval.pubmedqa_data import DATA_DIR, PubMedQuestion, corpus_for, doc_id, load_abstracts, load_questions
from eval.pubmedqa_library import HELD_OUT_PARITY, half, open_library, without
from eval.pubmedqa_model import PubMedMetrics, PubMedReport, PubMedResult, VerdictSplit
from eval.pubmedqa_report import write_report
from eval.stance_encoder_oof import load_rows, probabilities_for
from eval.stance_fit import FOLDS, TARGET_PRECISION, fit
from eval.stance_unrelated import as_citations
from qa.model import Answer, Verdict
from qa.stance import CLASSES, EncoderProbabilities, StanceModel
from qa.verdict import DECISION_OF, decide, judged_findings, reading_of
from qa.yesno import is_yes_no, names_its_subject

DEFAULT_OUT = Path("eval/reports/pubmedqa")
OUTER_SPLITS = 3  # the verdict is measured over this many outer 5-fold splits (the report's rows: the first)
MAX_OUTER_SPLITS = 10
FINDING_SECTION = re.compile(r"conclusion|result|finding", re.I)


def fold_of(index: int) -> int:
    """Fold of the dev question at `index` (file order) in the report's split: a fixed round-robin split."""
    return index % FOLDS


def folds(split: int, n: int) -> list[int]:
    """Fold of each of the `n` dev questions (file order) in outer split `split`: split 0 is the round-robin
    split of the report's rows (`fold_of`), split s > 0 the same sizes after a shuffle with seed s."""
    if split == 0:
        return [fold_of(i) for i in range(n)]
    position = np.empty(n, dtype=int)
    position[np.random.default_rng(split).permutation(n)] = np.arange(n)
    return [int(p) % FOLDS for p in position]


def out_of_fold_encoder(questions: list[PubMedQuestion]) -> EncoderProbabilities:
    """The stance encoder as the suite may use it: the stored out-of-fold probabilities of encoders that never
    saw the question (`eval/stance_encoder_oof.py`) on its cited findings or on the unrelated conclusion it was
    paired with, or None when they were read on other findings."""
    rows = load_rows()
    pmid_of = {q.question: q.pmid for q in questions}
    conclusion_of = {q.pmid: q.long_answer for q in questions}

    def read(question: str, findings: list[str]) -> dict[str, float] | None:
        pmid = pmid_of.get(question, "")
        probs = probabilities_for(rows, pmid, findings)
        row = rows.get(pmid)
        if probs is None and row is not None and row.unrelated and findings == [conclusion_of.get(row.unrelated)]:
            probs = row.unrelated_probs
        return dict(zip(CLASSES, probs, strict=True)) if probs else None

    return read


def fold_models(asked: list[CitedAnswer], progress: bool, split: int = 0
                ) -> tuple[dict[int, StanceModel], list[float], list[int]]:
    """One stance model per fold of outer split `split` that holds an asked question, each fitted on the other
    folds of dev only: the text model on their conclusions, the verdict stage on what the engine cited for them
    (this run's answers for the questions it asked, the stored collection for the others), the stance encoder's
    weight on its stored out-of-fold probabilities; each judges with the encoder's out-of-fold probabilities.
    Also returns the fold thresholds and each dev question's fold (`folds`)."""
    questions = load_questions()
    cited = {row.pmid: row for row in load_cited()} | {row.pmid: row for row in asked}
    encoder = out_of_fold_encoder(questions)
    fold = folds(split, len(questions))
    models: dict[int, StanceModel] = {}
    for k in tqdm(sorted({fold[i] for i in range(len(asked))}), desc=f"stance folds (split {split})",
                  disable=not progress):
        # Thresholds chosen as for the shipped model (`fit`'s default repetitions of the inner CV).
        models[k], _ = fit(examples([q for i, q in enumerate(questions) if fold[i] != k], cited))
        models[k].encoder = encoder
    thresholds = [m.blend.threshold if m.blend else m.pooler.threshold if m.pooler else m.threshold
                  for _, m in sorted(models.items())]
    return models, thresholds, fold


def judged(question: str, answer: Answer) -> bool:
    """Whether the engine draws a verdict on `answer` at all (qa/verdict.py; the suite asks without a
    conversation)."""
    return is_yes_no(question) and settles(answer) and names_its_subject(question)


def verdict_of(model: StanceModel, question: str, answer: Answer, conclusions: Mapping[int, str]) -> Verdict | None:
    """The engine's own verdict on `answer` as `model` draws it (`conclusions`: `AnswerEngine.conclusions`)."""
    if not judged(question, answer):
        return None
    return decide(model, question, answer.citations, conclusions)[0]  # `decide` reads the findings in marker order


def split_verdicts(questions: list[PubMedQuestion], answers: list[tuple[Answer, Mapping[int, str]]],
                   asked: list[CitedAnswer], split: int, progress: bool) -> VerdictSplit:
    """Verdict coverage and accuracy where shown when the questions are judged by outer split `split`'s models."""
    models, thresholds, fold = fold_models(asked, progress, split)
    verdicts = [verdict_of(models[fold[i]], q.question, a, conclusions)
                for i, (q, (a, conclusions)) in enumerate(zip(questions, answers, strict=True))]
    right = [DECISION_OF[v.label] == q.decision for v, q in zip(verdicts, questions, strict=True) if v is not None]
    return _verdict_split(split, thresholds, right, len(questions))


def score(i: int, pmid: str, question: str, decision: str, answer: Answer, conclusions: Mapping[int, str],
          latency_ms: float, models: dict[int, StanceModel]) -> PubMedResult:
    """Score one answer; the verdict is recomputed from its citations with the fold's model."""
    right = doc_id(pmid)
    cits = sorted(answer.citations, key=lambda c: c.marker)
    yes_no = is_yes_no(question)
    model = models[fold_of(i)]
    verdict = verdict_of(model, question, answer, conclusions)
    findings = judged_findings(cits) if judged(question, answer) else []
    read = (bool(findings) and model.encoder is not None
            and model.encoder(question, reading_of(findings, conclusions)) is not None)
    return PubMedResult(
        pmid=pmid, question=question, decision=decision, yes_no=yes_no, answered=answer.answered,
        answer=answer.answer, doc_first=bool(cits) and cits[0].doc_id == right,
        doc_any=any(c.doc_id == right for c in cits),
        finding_cited=any(c.doc_id == right and FINDING_SECTION.search(c.section) for c in cits),
        cited_sections=[f"{c.doc_id} › {c.section}" for c in cits], fold=fold_of(i),
        verdict=verdict.label if verdict else None, verdict_confidence=verdict.confidence if verdict else None,
        verdict_correct=(DECISION_OF[verdict.label] == decision) if verdict else None,
        shipped_verdict=answer.verdict.label if answer.verdict else None, encoder_read=read,
        words=len(answer.answer.split()), latency_ms=round(latency_ms, 2))


def verdict_on_unrelated(questions: list[PubMedQuestion], models: dict[int, StanceModel]) -> float | None:
    """Share of the yes/no `questions` (file order from the start of dev, as asked) given a verdict by their
    fold's model when the findings are the conclusion of the paper they were paired with in the encoder's fit
    (`eval/stance_unrelated.py`): a verdict there rests on another paper. None when no question was paired."""
    rows = load_rows()
    conclusion_of = {q.pmid: q.long_answer for q in load_questions()}
    shown = []
    for i, q in enumerate(questions):
        row = rows.get(q.pmid)
        paired = row.unrelated if row is not None else None
        if paired not in conclusion_of or not (is_yes_no(q.question) and names_its_subject(q.question)):
            continue
        other = conclusion_of[str(paired)]
        cited = as_citations(doc_id(str(paired)), other)
        shown.append(decide(models[fold_of(i)], q.question, cited, {c.marker: other for c in cited})[0] is not None)
    return round(sum(shown) / len(shown), 4) if shown else None


def split_of_rows(rows: list[PubMedResult], thresholds: list[float]) -> VerdictSplit:
    """The report's own split (0, round-robin) as a `VerdictSplit`."""
    return _verdict_split(0, thresholds, [bool(r.verdict_correct) for r in rows if r.verdict is not None], len(rows))


def _verdict_split(split: int, thresholds: list[float], right: list[bool], asked: int) -> VerdictSplit:
    """Coverage and accuracy of the verdicts shown (`right`: whether each was right) among `asked` questions."""
    return VerdictSplit(split=split, thresholds=thresholds, shown=len(right),
                        coverage=round(len(right) / max(1, asked), 4),
                        accuracy=round(sum(right) / len(right), 4) if right else None)


def aggregate(rows: list[PubMedResult], documents: int, absent: list[Answer],
              splits: list[VerdictSplit] | None = None, on_unrelated: float | None = None,
              kept: list[tuple[bool, bool]] | None = None) -> PubMedMetrics:
    """The suite's numbers; `absent` are the held-out half's answers from a library without their abstracts;
    `splits` the verdict over each outer split (their means are reported beside the report's own split); `kept`
    whether each question was answered when kept to its own abstract, and to another one."""
    splits = splits or []
    accuracies = [s.accuracy for s in splits if s.accuracy is not None]
    n = max(1, len(rows))
    shown = [r for r in rows if r.verdict is not None]
    shipped = [r for r in rows if r.shipped_verdict is not None]
    latencies = np.array([r.latency_ms for r in rows] or [0.0])
    answered = [r for r in rows if r.answered]
    return PubMedMetrics(
        questions=len(rows), documents=documents, answered=round(len(answered) / n, 4),
        doc_first=round(sum(r.doc_first for r in rows) / n, 4), doc_any=round(sum(r.doc_any for r in rows) / n, 4),
        finding_cited=round(sum(r.finding_cited for r in rows) / n, 4),
        yes_no_detected=round(sum(r.yes_no for r in rows) / n, 4),
        verdict_coverage=round(len(shown) / n, 4), verdict_shown=len(shown),
        encoder_read=sum(r.encoder_read for r in rows),
        verdict_accuracy=round(sum(bool(r.verdict_correct) for r in shown) / len(shown), 4) if shown else None,
        shipped_verdict_coverage=round(len(shipped) / n, 4),
        shipped_verdict_accuracy=(round(sum(DECISION_OF[r.shipped_verdict] == r.decision for r in shipped
                                            if r.shipped_verdict) / len(shipped), 4) if shipped else None),
        answer_words=round(sum(r.words for r in answered) / max(1, len(answered)), 1),
        latency_p50_ms=round(float(np.percentile(latencies, 50)), 1),
        latency_p95_ms=round(float(np.percentile(latencies, 95)), 1),
        asked_without_abstract=len(absent),
        answered_without_abstract=round(sum(a.answered for a in absent) / len(absent), 4) if absent else None,
        verdict_without_abstract=round(sum(a.verdict is not None for a in absent) / len(absent), 4) if absent else None,
        verdict_on_unrelated=on_unrelated,
        answered_kept_to_own=round(sum(own for own, _ in kept) / len(kept), 4) if kept else None,
        answered_kept_to_other=round(sum(other for _, other in kept) / len(kept), 4) if kept else None,
        verdict_splits=splits,
        verdict_coverage_mean=round(float(np.mean([s.coverage for s in splits])), 4) if splits else None,
        verdict_accuracy_mean=round(float(np.mean(accuracies)), 4) if accuracies else None)


def run_suite(limit: int | None, corpus_size: int | None, out: Path, index_dir: Path | None,
              progress: bool = True, outer_splits: int = OUTER_SPLITS) -> PubMedReport:
    """Build, index, ask, score and write report.json / report.md into `out`."""
    questions = load_questions(limit=limit)
    abstracts = corpus_for(questions, load_abstracts(), corpus_size)
    held_out = half(questions, HELD_OUT_PARITY)
    with tempfile.TemporaryDirectory(prefix="neoqa-pubmedqa-") as tmp:
        engine = open_library(abstracts, Path(tmp) / "all", index_dir, progress)
        engine.ask("warm up the model")
        answers = []
        for q in tqdm(questions, desc="pubmedqa", unit="q", disable=not progress):
            started = time.perf_counter()
            answer = engine.ask(q.question)
            answers.append((answer, 1000 * (time.perf_counter() - started), engine.conclusions(answer.citations)))
        # Each question kept to its own abstract, then to the next question's (about something else).
        kept = [(engine.ask(q.question, documents=[doc_id(q.pmid)]).answered,
                 engine.ask(q.question, documents=[doc_id(questions[(i + 1) % len(questions)].pmid)]).answered)
                for i, q in enumerate(tqdm(questions, desc="kept to one abstract", unit="q", disable=not progress))
                ] if len(questions) > 1 else []
        # The held-out half again, of a library without their abstracts: the engine should say it does not know.
        absent = []
        if held_out:  # `--limit 1` asks no odd-position question: no second library to build
            lacking = open_library(without(abstracts, held_out), Path(tmp) / "without",
                                   index_dir.with_name(index_dir.name + "-without-held-out") if index_dir else None,
                                   progress)
            absent = [lacking.ask(q.question) for q in tqdm(held_out, desc="without their abstracts", unit="q",
                                                              disable=not progress)]
    # Folds are fitted after asking: the verdict stage learns from what this very engine cited.
    asked = [cited_answer(q, a, conclusions) for q, (a, _, conclusions) in zip(questions, answers, strict=True)]
    models, thresholds, _ = fold_models(asked, progress)
    rows = [score(i, q.pmid, q.question, q.decision, answer, conclusions, ms, models)
            for i, (q, (answer, ms, conclusions)) in enumerate(zip(questions, answers, strict=True))]
    # The same measure over other outer splits: which questions share a fold moves the numbers by a few points.
    splits = [split_of_rows(rows, thresholds)] + [
        split_verdicts(questions, [(a, conclusions) for a, _, conclusions in answers], asked, split, progress)
        for split in range(1, outer_splits)]
    report = PubMedReport(data=str(DATA_DIR), corpus=f"{len(abstracts)} PubMed abstracts (temporary folder)",
                          model=engine.index.manifest.model, folds=FOLDS, fold_thresholds=thresholds,
                          target_precision=TARGET_PRECISION,
                          metrics=aggregate(rows, len(abstracts), absent, splits,
                                            verdict_on_unrelated(questions, models), kept), results=rows)
    json_path, md_path = write_report(report, out)
    print(f"wrote {md_path} and {json_path}", file=sys.stderr)
    return report
