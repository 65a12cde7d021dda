"""Sentence-level scoring inside retrieved passages: the engine's reranker.

No cross-encoder ships offline, so a unit (sentence, list item, table row, reference entry) is scored by a
transparent mix of dense similarity to the question, IDF-weighted term coverage (glossary-expanded), the
rank of the passage it came from, and whether it holds the kind of answer the question asks for.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass

from index.lexical import expand_abbreviations, tokenize
from index.model import SearchHit, Unit
from index.search import SearchIndex
from qa.query import Query

# Tuned by a grid search on the dev split (key-fact recall; ties broken by shorter answers).
WEIGHTS = {"dense": 0.45, "lexical": 0.5, "passage": 0.1, "type": 0.15, "author": 0.15}
ENTITY_MISS_PENALTY = 0.75
FOCUS_SHARE = 0.7  # a unit that does not name the disease/cell the question names

_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"hundreds?|thousands?|millions?|dozens?)\b", re.I)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_NEGATION = re.compile(r"\b(no|not|never|none|neither|nor|lack|lacking|without|unknown|remains? (to be|unclear|"
                       r"elusive)|have yet|has yet|thus far|so far)\b", re.I)
_DEFINITION = re.compile(r"\b(is|are) (defined as|the|a|an)\b|\brefers? to\b|\bcharacteri[sz]ed by\b|"
                         r"\bis known as\b|, which is\b", re.I)


StudyRef = tuple[str, int]  # (doc_id, reference number): reference numbers are per document


@dataclass
class ScoredUnit:
    unit: Unit
    index: int
    score: float
    dense: float
    lexical: float
    passage: float
    type_match: float
    entity_ok: bool
    refs: set[StudyRef]
    prior: float | None = None  # hook (issue 11): the score before qa/rerank.py adjusted it


class UnitScorer:
    """Scores units of one index; IDF and token sets are computed once per index."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        glossary = index.glossary
        self.texts = [index.documents[u.doc_id].text[u.start : u.end] for u in index.units]
        # The text without its in-text citations: "(39)" is not a number the question could ask for.
        self.plain = [self._without_citations(u) for u in index.units]
        self.tokens = [set(tokenize(expand_abbreviations(t, glossary))) for t in self.texts]
        df: Counter[str] = Counter(t for toks in self.tokens for t in toks)
        n = max(1, len(self.tokens))
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.default_idf = math.log(1 + n)
        self._by_doc: dict[str, tuple[list[int], list[int]]] = {}
        for i, u in sorted(enumerate(index.units), key=lambda p: (p[1].doc_id, p[1].start)):
            ids, starts = self._by_doc.setdefault(u.doc_id, ([], []))
            ids.append(i)
            starts.append(u.start)
        self.refs = [self._study_refs(i) for i in range(len(index.units))]

    def _without_citations(self, unit: Unit) -> str:
        doc = self.index.documents[unit.doc_id]
        text = doc.text[unit.start : unit.end]
        if unit.kind == "reference":
            return text
        for m in sorted(doc.mentions, key=lambda m: -m.start):
            if unit.start <= m.start and m.end <= unit.end:
                a, b = m.start - unit.start, m.end - unit.start
                text = text[:a] + " " * (b - a) + text[b:]
        return text

    def _study_refs(self, i: int) -> set[StudyRef]:
        """References a unit speaks of: its own citations; a sentence without any continues the study of the
        sentence before it in the same paragraph ("In a study by Pisano et al. (45) ... The results showed ...")."""
        units = self.index.units
        u = units[i]
        doc = self.index.documents[u.doc_id]
        if u.kind == "reference":
            ref = next((r for r in doc.references if r.start == u.start), None)
            return {(u.doc_id, ref.number)} if ref else set()
        j = i
        while j >= 0 and units[j].doc_id == u.doc_id and units[j].block == u.block:
            own = {(u.doc_id, n) for n in doc.cited_numbers(units[j].start, units[j].end)}
            if own:
                return own
            j -= 1
        return set()

    def units_in(self, doc_id: str, start: int, end: int) -> list[int]:
        """Indices of the units lying inside `[start, end)` of a document (units are sorted by offset)."""
        ids, starts = self._by_doc.get(doc_id, ([], []))
        lo = bisect.bisect_left(starts, start)
        hi = bisect.bisect_left(starts, end)
        return [ids[k] for k in range(lo, hi) if self.index.units[ids[k]].end <= end]

    def coverage(self, terms: list[str], unit_tokens: set[str]) -> float:
        """IDF-weighted share of the query terms that the unit contains."""
        if not terms:
            return 0.0
        total = sum(self.idf.get(t, self.default_idf) for t in terms)
        return sum(self.idf.get(t, self.default_idf) for t in terms if t in unit_tokens) / total

    def type_match(self, query: Query, i: int) -> float:
        unit, text = self.index.units[i], self.plain[i]
        kind = query.answer_type
        if kind == "number":
            return 1.0 if _NUMBER.search(text) else 0.0
        if kind == "year":
            return 1.0 if _YEAR.search(text) else 0.0
        if kind == "existence":
            return 1.0 if _NEGATION.search(text) or unit.kind == "table_row" else 0.0
        if kind == "definition":
            return 1.0 if _DEFINITION.search(text) else 0.0
        if kind == "bibliographic":
            return 1.0 if unit.kind == "reference" else 0.0
        return 0.0

    def entity_ok(self, query: Query, i: int) -> bool:
        if not query.entities:
            return True
        glossary = self.index.glossary
        toks = self.tokens[i]
        return any(set(tokenize(glossary.get(e, e))) <= toks or e.lower() in toks for e in query.entities)

    def score(self, query: Query, candidates: dict[int, float], author_refs: set[StudyRef] | None = None
              ) -> list[ScoredUnit]:
        """Score candidate units (unit index -> prior from its best passage, 0..1), best first."""
        if not candidates:
            return []
        ids = list(candidates)
        qvec = self.index.embedder.encode_query(query.expanded)
        dense = self.index.unit_vectors[ids] @ qvec
        out = []
        for i, d in zip(ids, dense, strict=True):
            # A follow-up asks something new about the carried-over topic: its own words weigh most.
            lexical = self.coverage(query.terms, self.tokens[i])
            if query.focus_terms != query.terms:
                lexical = FOCUS_SHARE * self.coverage(query.focus_terms, self.tokens[i]) + (1 - FOCUS_SHARE) * lexical
            tm = self.type_match(query, i)
            ok = self.entity_ok(query, i)
            s = (WEIGHTS["dense"] * float(d) + WEIGHTS["lexical"] * lexical + WEIGHTS["passage"] * candidates[i]
                 + WEIGHTS["type"] * tm)
            if author_refs and author_refs & self.refs[i]:
                s += WEIGHTS["author"]  # the unit cites the study whose author the question names
            if not ok:
                s *= ENTITY_MISS_PENALTY
            out.append(ScoredUnit(self.index.units[i], i, s, float(d), lexical, candidates[i], tm, ok, self.refs[i]))
        out.sort(key=lambda x: (-x.score, x.unit.doc_id, x.unit.start))
        return out


def candidate_units(scorer: UnitScorer, query: Query, hits: list[SearchHit],
                    author_refs: set[StudyRef] | None = None) -> dict[int, float]:
    """Units inside the retrieved passages (`hits`, best first), each with the normalised score of its best
    passage; plus every unit about a study whose author the question names."""
    if not hits:
        return {}
    top = hits[0].score or 1.0
    out: dict[int, float] = {}
    if author_refs:
        for i, refs in enumerate(scorer.refs):
            is_reference = scorer.index.units[i].kind == "reference"
            if refs & author_refs and (not is_reference or query.answer_type == "bibliographic"):
                out[i] = 1.0
    for hit in hits:
        c = hit.chunk
        prior = hit.score / top
        for i in scorer.units_in(c.doc_id, c.start, c.end):
            if scorer.index.units[i].kind == "reference" and query.answer_type != "bibliographic":
                continue  # bibliography entries answer only questions about the bibliography
            out[i] = max(out.get(i, 0.0), prior)
    return out

