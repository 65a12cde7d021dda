"""The systems compared on the same questions and index: three retrievers and the full answer engine.

A retriever (BM25 only, dense only, hybrid) "answers" with its top passage, one `[1]` marker after each of
the passage's sentences and one citation to the passage, so that every metric is defined for it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from eval.gold import GoldItem
from eval.grounding import split_sentences
from eval.retrieval import RECALL_KS
from index.search import SearchIndex
from qa.engine import AnswerEngine
from qa.errors import QAError
from qa.model import Answer, Citation, Passage
from qa.passages import passages_for_hits

SystemName = Literal["bm25", "dense", "hybrid", "engine"]
SYSTEMS: tuple[SystemName, ...] = ("bm25", "dense", "hybrid", "engine")
RETRIEVAL_DEPTH = max(RECALL_KS)


class SystemOutput(BaseModel):
    """A system's ranked passages (best first) and its answer for one question."""

    ranked: list[Passage]
    answer: Answer
    error: str | None = None


Runner = Callable[[GoldItem], SystemOutput]


def retriever_query(item: GoldItem) -> str:
    """The question preceded by the earlier user turns: the plain way a retriever handles a follow-up."""
    return " ".join([t.content for t in item.history if t.role == "user"] + [item.question])


def passage_answer(question: str, passages: list[Passage]) -> Answer:
    """The top passage as the answer, each sentence marked `[1]`; no passage means an abstention."""
    if not passages:
        return Answer(question=question, answer="", answered=False, resolved_question=None)
    top = passages[0]
    text = "\n".join(f"{s.text} [1]" for s in split_sentences(top.text))
    citation = Citation(marker=1, **top.model_dump())
    return Answer(question=question, answer=text, answered=True, resolved_question=None, citations=[citation],
                  related=passages[1:], confidence=top.score)


def engine_ranking(answer: Answer, depth: int = RETRIEVAL_DEPTH) -> list[Passage]:
    """The engine's passages as a ranking: citations by marker, then related passages; duplicates dropped."""
    ranked: list[Passage] = []
    seen: set[tuple[str, int, int]] = set()
    for p in [*sorted(answer.citations, key=lambda c: c.marker), *answer.related]:
        key = (p.doc_id, p.start, p.end)
        if key not in seen:
            seen.add(key)
            ranked.append(p)
    return ranked[:depth]


def retriever(index: SearchIndex, mode: Literal["bm25", "dense", "hybrid"]) -> Runner:
    """A runner that searches the index in `mode` and answers with the top passage."""
    def run(item: GoldItem) -> SystemOutput:
        passages = passages_for_hits(index, index.search(retriever_query(item), RETRIEVAL_DEPTH, mode))
        return SystemOutput(ranked=passages, answer=passage_answer(item.question, passages))
    return run


def engine_runner(engine: AnswerEngine, k: int) -> Runner:
    """A runner that asks the answer engine (with the history); a `QAError` is recorded, not raised."""
    def run(item: GoldItem) -> SystemOutput:
        try:
            answer = engine.ask(item.question, list(item.history) or None, k=k)
        except QAError as exc:
            abstained = Answer(question=item.question, answer="", answered=False, resolved_question=None)
            return SystemOutput(ranked=[], answer=abstained, error=f"engine error: {exc}")
        return SystemOutput(ranked=engine_ranking(answer), answer=answer)
    return run


def make_runners(index: SearchIndex, systems: tuple[SystemName, ...] = SYSTEMS, k: int = 5,
                 engine: AnswerEngine | None = None) -> dict[str, Runner]:
    """A runner per system name, in the given order."""
    runners: dict[str, Runner] = {}
    for name in systems:
        if name == "engine":
            runners[name] = engine_runner(engine or AnswerEngine(index), k)
        else:
            runners[name] = retriever(index, name)
    return runners
