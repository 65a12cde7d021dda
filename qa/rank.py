"""Sentence-level scoring inside retrieved passages: the engine's reranker.

No cross-encoder ships offline, so a unit (sentence, list item, table row, reference entry) is scored by a
transparent mix of dense similarity to the question, IDF-weighted term coverage (glossary-expanded), the
rank of the passage it came from, and whether it holds the kind of answer the question asks for. Everything a
unit contributes (its tokens, plain text, studies, vector) was computed at index time and is read per question
for the candidates only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from index.lexical import fold, tokenize
from index.lookups import StudyRef
from index.model import SearchHit, Unit
from index.roles import Role
from index.search import SearchIndex, UnitRecord
from qa.quantities import states_a_number
from qa.query import Query
from qa.stance import is_concluding

# A sentence of the paper that is about the question outranks an equally close sentence of a paper about something
# else: its document's standing is the similarity of its best retrieved passage plus the IDF-weighted share of the
# question's terms that the whole document holds (title, text, tables). Chosen on dev: PubMedQA right abstract
# cited first 0.952 at (0, 0), 0.966-0.972 over (0.5-3, 0.3-1) before the length scaling, 0.966 here with it and
# with abstention judged without the standing; built-in dev unchanged at these values.
DOCUMENT_DENSE = 1.0
DOCUMENT_TERMS = 0.4
# Tuned by a grid search on the dev split (key-fact recall; ties broken by shorter answers).
WEIGHTS = {"dense": 0.45, "lexical": 0.5, "passage": 0.1, "type": 0.15, "author": 0.15}
ENTITY_MISS_PENALTY = 0.75
FOCUS_SHARE = 0.7  # a unit that does not name the disease/cell the question names
MAX_STUDY_UNITS = 200  # units about the studies a question names, at most (a common surname in a large library)

_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_NEGATION = re.compile(r"\b(no|not|never|none|neither|nor|lack|lacking|without|unknown|remains? (to be|unclear|"
                       r"elusive)|have yet|has yet|thus far|so far)\b", re.I)
_ORIGIN = re.compile(r"\borigin\w*|\boriginat\w*|\bderived from\b|\b(arise|arises|arising|arose)\b|"
                     r"\bcomes? from\b|\bstem(s|med)? from\b", re.I)
# "limited by", not "can limit the damage": what a therapy limits is its effect, not its limitation.
_LIMITATION = re.compile(r"\blimited by\b|\blimitations?\b|\bchalleng\w*|\b(barriers?|obstacles?|hurdles?|drawbacks?|"
                         r"disadvantages?|shortcomings?|concerns?)\b|\b(hamper|hinder|imped)\w*|\black of\b", re.I)
_CAUSE = re.compile(r"\bcaus\w*|\bdue to\b|\bbecause\b|\b(leads?|led) to\b|\bresult(s|ed)? (in|from)\b|"
                    r"\bresponsible for\b|\bfactors?\b|\bcontribut\w*|\bdetermin\w*|\bdriv(e|es|en|ing)\b|"
                    r"\bpathogenesis\b", re.I)
_DEFINITION = re.compile(r"\b(is|are) (defined as|the|a|an)\b|\brefers? to\b|\bcharacteri[sz]ed by\b|"
                         r"\bis known as\b|, which is\b", re.I)


@dataclass
class ScoredUnit:
    unit: Unit
    index: int  # the unit's id in the index
    score: float
    dense: float
    lexical: float
    passage: float
    type_match: float
    entity_ok: bool
    refs: frozenset[StudyRef]
    tokens: frozenset[str]
    plain: str
    role: Role = "other"
    legend: bool = False
    prior: float | None = None  # the score before qa/rerank.py adjusted it
    trailing: float = 0.0  # how far its document's standing trails the best document's (included in `score`)


class UnitScorer:
    """Scores units of one index. Holds nothing per unit: what it needs comes with the candidates."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.default_idf = math.log(1 + max(1, index.manifest.units))

    def idf(self, query: Query, term: str) -> float:
        return query.idf.get(term, self.default_idf)

    def coverage(self, query: Query, terms: list[str], unit_tokens: frozenset[str]) -> float:
        """IDF-weighted share of the query terms that the unit contains; a term of an abbreviation counts as
        contained when the unit says the abbreviation's other form (`Query.counterparts`)."""
        if not terms:
            return 0.0
        total = sum(self.idf(query, t) for t in terms)
        held = sum(self.idf(query, t) for t in terms if self.holds(query, t, unit_tokens))
        return held / total

    @staticmethod
    def holds(query: Query, term: str, tokens: frozenset[str] | set[str]) -> bool:
        """Whether `tokens` hold a question term: the term itself, or the other form of the abbreviation it
        belongs to ("PCa" for "prostate", "prostate cancer" for "pca")."""
        return term in tokens or any(form <= tokens for form in query.counterparts.get(term, ()))

    def term_share(self, query: Query, tokens: frozenset[str]) -> float:
        """IDF-weighted share of the question's terms in `tokens`; a follow-up asks something new about the
        carried-over topic, so its own words weigh most."""
        share = self.coverage(query, query.terms, tokens)
        if query.focus_terms != query.terms:
            share = FOCUS_SHARE * self.coverage(query, query.focus_terms, tokens) + (1 - FOCUS_SHARE) * share
        return share

    @staticmethod
    def type_match(query: Query, record: UnitRecord) -> float:
        kind, text = query.answer_type, record.plain
        if kind == "number":
            return 1.0 if states_a_number(text) else 0.0
        if kind == "year":
            return 1.0 if _YEAR.search(text) else 0.0
        if kind == "existence":
            return 1.0 if _NEGATION.search(text) or record.unit.kind == "table_row" else 0.0
        if kind == "definition":
            return 1.0 if _DEFINITION.search(text) else 0.0
        if kind == "origin":
            return 1.0 if _ORIGIN.search(text) else 0.0
        if kind == "limitation":
            return 1.0 if _LIMITATION.search(text) else 0.0
        if kind == "cause":
            return 1.0 if _CAUSE.search(text) else 0.0
        if kind == "conclusion":
            return 1.0 if is_concluding(record.unit.section, text) else 0.0
        if kind == "bibliographic":
            return 1.0 if record.unit.kind == "reference" else 0.0
        return 0.0

    @staticmethod
    def entity_ok(query: Query, tokens: frozenset[str]) -> bool:
        if not query.entities:
            return True
        return any(fold(e) in tokens or any(set(tokenize(f)) <= tokens for f in query.entity_forms.get(e, [e]))
                   for e in query.entities)

    def standing(self, query: Query, hits: list[SearchHit]) -> dict[str, float]:
        """Each retrieved document's standing toward the question (see `DOCUMENT_DENSE`)."""
        passage: dict[str, float] = {}
        floor = min((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
        for h in hits:
            d = floor if h.dense_score is None else h.dense_score
            passage[h.chunk.doc_id] = max(passage.get(h.chunk.doc_id, d), d)
        held = self.index.document_terms(list(passage), list(dict.fromkeys(query.terms + query.focus_terms)))
        # A long document holds many words by chance: longer than the library's average, its share counts less.
        # (The average counts bibliography chunks too, the document's length does not: a small allowance.)
        average = self.index.manifest.chunks / max(1, self.index.manifest.documents)
        return {doc: DOCUMENT_DENSE * d + DOCUMENT_TERMS * self.term_share(query, held[doc].held)
                * min(1.0, math.sqrt(average / max(1, held[doc].chunks)))
                for doc, d in passage.items()}

    def score(self, query: Query, candidates: dict[int, float], records: dict[int, UnitRecord],
              author_refs: set[StudyRef] | None = None, standing: dict[str, float] | None = None
              ) -> list[ScoredUnit]:
        """Score candidate units (unit id -> prior from its best passage, 0..1), best first; `standing` (see
        `standing`) steps the units of a trailing document back (a document without one counts as the lowest)."""
        ids = [i for i in candidates if i in records]
        if not ids:
            return []
        qvec = self.index.embedder.encode_query(query.expanded)
        dense = self.index.unit_vectors[ids] @ qvec
        # Relative to the best document: its units keep their scores (and the ratios between them that choose
        # further quotes), the others step back by how far their document trails.
        standing = standing or {}
        best, lowest = max(standing.values(), default=0.0), min(standing.values(), default=0.0)
        documents = {d: standing.get(d, lowest) - best for d in {records[i].unit.doc_id for i in ids}}
        out = []
        for i, d in zip(ids, dense, strict=True):
            rec = records[i]
            lexical = self.term_share(query, rec.tokens)
            tm = self.type_match(query, rec)
            ok = self.entity_ok(query, rec.tokens)
            s = (WEIGHTS["dense"] * float(d) + WEIGHTS["lexical"] * lexical + WEIGHTS["passage"] * candidates[i]
                 + WEIGHTS["type"] * tm)
            if author_refs and author_refs & rec.refs:
                s += WEIGHTS["author"]  # the unit cites the study whose author the question names
            if not ok:
                s *= ENTITY_MISS_PENALTY
            trailing = -documents[rec.unit.doc_id]
            out.append(ScoredUnit(rec.unit, i, s - trailing, float(d), lexical, candidates[i], tm, ok, rec.refs,
                                  rec.tokens, rec.plain, rec.role, rec.legend, trailing=trailing))
        out.sort(key=lambda x: (-x.score, x.unit.doc_id, x.unit.start))
        return out


def candidate_units(index: SearchIndex, query: Query, hits: list[SearchHit],
                    author_refs: set[StudyRef] | None = None) -> tuple[dict[int, float], dict[int, UnitRecord]]:
    """Units inside the retrieved passages (`hits`, best first), each with the normalised score of its best
    passage; plus the units about a study whose author the question names. Returns them with their records."""
    if not hits:
        return {}, {}
    study_units = index.lookups.units_about(author_refs, MAX_STUDY_UNITS) if author_refs else []
    ids = {i for h in hits for i in range(*h.chunk.units)} | set(study_units)
    records = index.units(sorted(ids))
    bibliographic = query.answer_type == "bibliographic"
    top = hits[0].score or 1.0
    out: dict[int, float] = {}
    for i in study_units:
        rec = records.get(i)
        if rec is not None and (rec.unit.kind != "reference" or bibliographic):
            out[i] = 1.0
    for hit in hits:
        c, prior = hit.chunk, hit.score / top
        for i in range(*c.units):
            rec = records.get(i)
            if rec is None or rec.unit.end > c.end:
                continue
            if rec.unit.kind == "reference" and not bibliographic:
                continue  # bibliography entries answer only questions about the bibliography
            out[i] = max(out.get(i, 0.0), prior)
    return out, records
