"""Answers that are lookups rather than searches: the bibliography entries of the study a question names (by
reference number, author, or the best passage's citation), and what an abbreviation stands for (a legend entry
or an in-text definition)."""

from __future__ import annotations

import re

from index.lookups import StudyRef
from index.search import SearchIndex
from qa.citations import CitationRegistry
from qa.query import Query
from qa.rank import ScoredUnit
from qa.render import render_unit, with_marker

ENTRIES_SHOWN = 2  # bibliography entries quoted for one study named (a passage may cite two together)
CITING_CANDIDATES = 5  # passages weighed with the entries they cite (not tuned: the answer quotes one) ...
CITING_MARGIN = 0.05  # ... when as close to the best one (not tuned): a clearly better sentence says the claim
ENTRIES_LISTED = 10  # ... for a question asking for several ("Which papers by Hassiotou are cited?")
_ASKS_ENTRIES = re.compile(r"\b(?:sources|papers|references|articles|works|publications|studies)\b", re.I)


def compose_bibliographic(index: SearchIndex, query: Query, scored: list[ScoredUnit],
                          registry: CitationRegistry, author_refs: set[StudyRef]) -> str:
    """The bibliography entries of the study the question names (by number, author, or best passage), looked
    for in the documents the question reached, best first."""
    top_text = _citing_best_entry(scored)
    order = dict.fromkeys([*(d for d, _ in sorted(author_refs)), *(s.unit.doc_id for s in scored)])
    for doc in (index.documents[d] for d in order):
        numbers: list[int] = []
        if query.reference_number is not None:
            numbers = [query.reference_number]
        elif author_refs:
            numbers = sorted(n for d, n in author_refs if d == doc.doc_id)
        elif top_text is not None and top_text.unit.doc_id == doc.doc_id:
            numbers = doc.cited_numbers(top_text.unit.start, top_text.unit.end)
        shown = ENTRIES_LISTED if _ASKS_ENTRIES.search(query.resolved) else ENTRIES_SHOWN
        refs = [r for r in (doc.reference(n) for n in numbers[:shown]) if r is not None]
        if not refs:
            continue
        parts = []
        if not query.authors and query.reference_number is None and top_text is not None:
            m = registry.cite_unit(top_text.unit, top_text.score)
            parts.append(with_marker(render_unit(doc, top_text.unit), registry.markers([m])))
        for r in refs:
            m = registry.cite(doc, r.start, r.end, "reference", "References", 1.0)
            parts.append(with_marker(r.text, registry.markers([m])))
        return " ".join(parts)
    return ""


def _citing_best_entry(scored: list[ScoredUnit]) -> ScoredUnit | None:
    """Of the best few passages about as good as the best one, the one whose score plus that of the best-ranked
    bibliography entry it cites is highest: "Which paper is cited for milk stem cells integrating into the
    brains of suckling pups?" matches the title "Transfer and integration of breast milk stem cells to the brain
    of suckling pups" best, and the sentence citing it ("maternal cells detected in the blood and brain of
    pups") about as well as a sentence on another study ("stem cells in breast milk could pass through the
    infant gastrointestinal system")."""
    texts = [s for s in scored if s.unit.kind != "reference"]
    texts = [s for s in texts[:CITING_CANDIDATES] if s.score >= texts[0].score - CITING_MARGIN]
    # A bibliography entry's unit is about its own study; a passage's, about the studies it cites (index time).
    entries: dict[StudyRef, float] = {}
    for s in scored:
        if s.unit.kind == "reference":
            for ref in s.refs:
                entries[ref] = max(entries.get(ref, s.score), s.score)

    def weight(s: ScoredUnit) -> float:
        return s.score + max((entries.get(ref, 0.0) for ref in s.refs), default=0.0)

    return max(texts, key=weight, default=None)


def compose_abbreviation(index: SearchIndex, query: Query, scored: list[ScoredUnit],
                         registry: CitationRegistry, within: frozenset[str] | None = None) -> str:
    """What an abbreviation stands for, quoted from a legend entry or an in-text definition (of the documents
    `within` when given); a document the question reached is preferred, as it gives the meaning the question's
    context has."""
    reached = {s.unit.doc_id: rank for rank, s in reversed(list(enumerate(scored)))}
    parts = []
    for short in query.entities:
        found = index.lookups.definitions(short, within=within)
        if not found:
            continue
        doc_id, start, end = min(found, key=lambda f: reached.get(f[0], len(reached)))
        doc = index.documents[doc_id]
        marker = registry.markers([registry.cite(doc, start, end, "definition", doc.section_at(start), 1.0)])
        parts.append(with_marker(doc.text[start:end], marker))
    return " ".join(parts)
