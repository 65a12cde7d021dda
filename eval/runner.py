"""Run every system on every gold question, score each answer, and aggregate overall and per kind."""

from __future__ import annotations

import time
from collections.abc import Mapping

from tqdm import tqdm

from corpus.model import Document
from eval.answers import abstention_scores, key_facts, word_count
from eval.gate import check, load_thresholds
from eval.gold import GoldItem, locate_evidence
from eval.grounding import LITTLE_RATIO, SUPPORT_RATIO, GlossaryLike, ground
from eval.model import Metrics, QuestionResult, Report, RunMeta, Scores, SystemTiming
from eval.retrieval import NDCG_K, RECALL_KS, first_cover_ranks, ndcg_at, recall_at, reciprocal_rank
from eval.systems import SYSTEMS, SystemName, SystemOutput, make_runners
from index.search import SearchIndex
from qa.engine import AnswerEngine

DIGITS = 4  # metrics are rounded so that reports compare equal across runs and machines


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def score(item: GoldItem, system: str, output: SystemOutput, documents: Mapping[str, Document],
          glossary: GlossaryLike) -> QuestionResult:
    """Score one system's output on one gold question."""
    answer = output.answer
    result = QuestionResult(
        id=item.id, kind=item.kind, split=item.split, system=system, question=item.question,
        answerable=item.answerable, answered=answer.answered, answer=answer.answer, error=output.error,
    )
    if item.answerable:
        ranks = first_cover_ranks(output.ranked, item.evidence, locate_evidence(item, documents))
        result.evidence_ranks = ranks
        for k in RECALL_KS:
            setattr(result, f"evidence_recall_at_{k}", _round(recall_at(ranks, k)))
        result.mrr = _round(reciprocal_rank(ranks))
        result.ndcg_at_10 = _round(ndcg_at(ranks, NDCG_K))
        recall, result.missed_facts = key_facts(answer.answer if answer.answered else "", item.facts)
        result.key_fact_recall = _round(recall)
    if answer.answered:
        result.answer_words = word_count(answer.answer)
        grounding = ground(answer.answer, answer.citations, documents, glossary)
        result.citation_recall = _round(grounding.citation_recall)
        result.citation_precision = _round(grounding.citation_precision)
        result.sentences = grounding.sentences
        result.citations = grounding.citations
        result.intact_citations = grounding.intact_citations
        result.dangling_markers = grounding.dangling_markers
        result.unused_citations = grounding.unused_citations
    return result


def aggregate(results: list[QuestionResult]) -> Metrics:
    """Mean of each per-question score where defined; citation integrity and abstention over all answers."""
    means: dict[str, float | None] = {}
    for name in Scores.model_fields:
        values = [v for v in (getattr(r, name) for r in results) if v is not None]
        means[name] = _round(sum(values) / len(values)) if values else None
    references = sum(r.citations + len(r.dangling_markers) for r in results)
    precision, recall, false_rate = abstention_scores([(r.answerable, r.answered) for r in results])
    return Metrics(
        **means, questions=len(results), answerable=sum(r.answerable for r in results),
        answered=sum(r.answered for r in results),
        citation_integrity=(_round(sum(r.intact_citations for r in results) / references)
                            if references else None),
        abstention_precision=_round(precision), abstention_recall=_round(recall),
        false_abstention_rate=_round(false_rate),
    )


def evaluate(index: SearchIndex, items: list[GoldItem], *, gold: str, split: str, k: int = 5,
             systems: tuple[SystemName, ...] = SYSTEMS, engine: AnswerEngine | None = None,
             thresholds: dict[str, float] | None = None, progress: bool = False) -> Report:
    """Run and score `systems` on `items`; on the 'test' split the engine's gate verdict is attached.

    `thresholds` default to eval/thresholds.toml.
    """
    runners = make_runners(index, systems, k, engine)
    results: dict[str, list[QuestionResult]] = {name: [] for name in runners}
    timings: dict[str, SystemTiming] = {}
    index.search("warm up the model", 1, "dense")  # keep one-off start-up costs out of the timings
    with tqdm(total=len(items) * len(runners), desc="eval", unit="q", disable=not progress) as bar:
        for name, run in runners.items():
            elapsed: list[float] = []
            for item in items:
                bar.set_postfix_str(f"{name} {item.id}", refresh=False)
                started = time.perf_counter()
                output = run(item)
                elapsed.append(time.perf_counter() - started)
                results[name].append(score(item, name, output, index.documents, index.glossary))
                bar.update()
            timings[name] = SystemTiming(seconds=round(sum(elapsed), 3),
                                         mean_ms=round(1000 * sum(elapsed) / max(1, len(elapsed)), 2),
                                         max_ms=round(1000 * max(elapsed, default=0.0), 2))
    overall = {name: aggregate(rows) for name, rows in results.items()}
    kinds: list[str] = sorted({item.kind for item in items})
    per_kind = {name: {kind: aggregate([r for r in rows if r.kind == kind]) for kind in kinds}
                for name, rows in results.items()}
    manifest = index.manifest
    meta = RunMeta(gold=gold, split=split, questions=len(items), k=k, systems=list(runners),
                   model=manifest.model, chunking=manifest.chunking.model_dump(),
                   corpus_hash=manifest.corpus_hash, support_ratio=SUPPORT_RATIO, little_ratio=LITTLE_RATIO)
    gate = None
    if split == "test" and "engine" in overall:
        gate = check(overall["engine"], load_thresholds() if thresholds is None else thresholds)
    return Report(meta=meta, overall=overall, per_kind=per_kind,
                  results=[r for rows in results.values() for r in rows], gate=gate, timings=timings)
