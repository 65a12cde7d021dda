"""The answer engine: question -> retrieval -> scored sentences and rows -> short grounded answer or abstention.

Answers are extractive: every sentence of an answer is a unit of the reviews (a sentence, list, table row
or reference entry) or a lead built from such units' own words, and carries the markers of what it quotes.
"""

from __future__ import annotations

import time

from index.search import SearchIndex
from qa.abstain import Abstainer
from qa.aggregate import aggregate
from qa.citations import CitationRegistry
from qa.compose import compose_aggregation, compose_bibliographic, compose_extractive
from qa.errors import QAError
from qa.model import Answer, Turn
from qa.passages import passages_for_hits
from qa.query import Query, analyse
from qa.rank import ScoredUnit, UnitScorer, candidate_units

MAX_QUESTION_CHARS = 2000
NOT_IN_REVIEWS = "The reviews do not say: no passage in them answers this question."
RETRIEVAL_DEPTH = 15
AGGREGATE_IF_ROW_IN_TOP = 8


def validate_question(question: str, limit: int = MAX_QUESTION_CHARS) -> str:
    text = question.strip()
    if not text:
        raise QAError("the question is empty")
    if len(text) > limit:
        raise QAError(f"the question is {len(text)} characters long; the limit is {limit}")
    return text


class AnswerEngine:
    """Answers questions from one loaded `SearchIndex`; read-only, so safe to share between threads."""

    def __init__(self, index: SearchIndex, max_question_chars: int = MAX_QUESTION_CHARS,
                 abstainer: Abstainer | None = None) -> None:
        self.index = index
        self.max_question_chars = max_question_chars
        self.scorer = UnitScorer(index)
        self.abstainer = abstainer or Abstainer.default()
        self.surnames = {
            a.split()[0].lower(): None for d in index.documents.values() for r in d.references for a in r.authors[:1]
        }

    def author_refs(self, query: Query) -> set[int]:
        """Reference numbers whose first author is named in the question ("Chang et al.")."""
        names = {a.lower() for a in query.authors}
        return {r.number for d in self.index.documents.values() for r in d.references
                if r.authors and r.authors[0].split()[0].lower() in names}

    def analyse(self, question: str, history: list[Turn] | None) -> Query:
        return analyse(question, history, self.index.glossary, set(self.surnames))

    def rank(self, query: Query) -> list[ScoredUnit]:
        """Candidate units scored best first; when the question names a study, the units about it lead."""
        refs = self.author_refs(query)
        scored = self.scorer.score(query, candidate_units(self.scorer, query, RETRIEVAL_DEPTH, refs), refs)
        if refs and scored:
            floor = 0.5 * scored[0].score
            about = [s for s in scored if s.refs & refs and s.score >= floor]
            scored = about + [s for s in scored if s not in about]
        return scored

    def ask(self, question: str, history: list[Turn] | None = None, k: int = 5) -> Answer:
        """A grounded answer; raises `QAError` for an empty or over-long question or k outside 1-20."""
        text = validate_question(question, self.max_question_chars)
        if not 1 <= k <= 20:
            raise QAError("k must be between 1 and 20")
        t0 = time.perf_counter()
        query = self.analyse(text, history)
        scored = self.rank(query)
        hits = self.index.search(query.expanded, k)
        t1 = time.perf_counter()
        confidence = self.abstainer.confidence(query, scored, self.scorer)
        registry = CitationRegistry(self.index)
        answer_text = ""
        if scored and confidence >= self.abstainer.threshold:
            answer_text = self._compose(query, scored, registry)
        citations = registry.used_only(answer_text)
        answered = bool(citations)
        cited = {(c.doc_id, c.start, c.end) for c in citations}
        related = [p for p in passages_for_hits(self.index, hits) if (p.doc_id, p.start, p.end) not in cited]
        return Answer(
            question=text, answer=answer_text if answered else NOT_IN_REVIEWS, answered=answered,
            citations=citations, related=related[:k],
            resolved_question=query.resolved if query.resolved != text else None,
            confidence=round(confidence, 4),
            timings_ms={"retrieve": round((t1 - t0) * 1000, 2), "compose": round((time.perf_counter() - t1) * 1000, 2)},
        )

    def _compose(self, query: Query, scored: list[ScoredUnit], registry: CitationRegistry) -> str:
        top = scored[0]
        if query.answer_type == "bibliographic":
            text = compose_bibliographic(self.index, query, scored, registry, self.author_refs(query))
            if text:
                return text
        for doc in self.index.documents.values():
            if not doc.tables:
                continue
            if not any(s.unit.kind == "table_row" and s.unit.doc_id == doc.doc_id for s in scored[:AGGREGATE_IF_ROW_IN_TOP]):
                continue  # the table is not what the question is about
            agg = aggregate(doc, query, scored, self.index.glossary, self.author_refs(query), 0.6 * top.score)
            if agg is not None:
                return compose_aggregation(doc, query, agg, registry)
        return compose_extractive(self.index, query, scored, registry, self.scorer.tokens, self.author_refs(query))
