"""Write the answer text from ranked units: extractive quotes, grouped lists, bibliography entries."""

from __future__ import annotations

from corpus.model import Document
from index.model import Unit
from index.search import SearchIndex
from qa.aggregate import Aggregation
from qa.citations import CitationRegistry
from qa.query import Query
from qa.rank import ScoredUnit
from qa.render import render_row, render_unit, with_marker

SECOND_UNIT_RATIO = 0.9  # a further quote is added only when it scores this close to the best one
MAX_QUOTES = 3


def _cite_unit(index: SearchIndex, unit: Unit, score: float, registry: CitationRegistry) -> int:
    doc = index.documents[unit.doc_id]
    return registry.cite(doc, unit.start, unit.end, unit.kind, unit.section, score)


def _list_span(doc: Document, unit: Unit) -> tuple[int, int, list[int]] | None:
    """When `unit` introduces a list ("... as follows (9):") or is one of its items: the whole list's span."""
    i = unit.block
    if not 0 <= i < len(doc.blocks):
        return None
    if doc.blocks[i].kind == "paragraph" and doc.text[unit.start : unit.end].rstrip().endswith(":"):
        first = i + 1
    elif doc.blocks[i].kind == "list_item":
        first = i
        while first > 0 and doc.blocks[first - 1].kind == "list_item":
            first -= 1
    else:
        return None
    if first >= len(doc.blocks) or doc.blocks[first].kind != "list_item":
        return None
    last = first
    while last + 1 < len(doc.blocks) and doc.blocks[last + 1].kind == "list_item":
        last += 1
    start = unit.start if doc.blocks[i].kind == "paragraph" else doc.blocks[first].start
    intro = [s for s in doc.sentences if s.block == first - 1]
    if doc.blocks[i].kind == "list_item" and intro and doc.text[intro[-1].start : intro[-1].end].endswith(":"):
        start = intro[-1].start
    return start, doc.blocks[last].end, list(range(first, last + 1))


def scorer_refs(s: ScoredUnit) -> set[int]:
    return s.refs


def _novel(tokens_seen: set[str], unit_tokens: set[str]) -> bool:
    return len(unit_tokens - tokens_seen) >= max(2, 0.3 * len(unit_tokens))


def compose_extractive(index: SearchIndex, query: Query, scored: list[ScoredUnit],
                       registry: CitationRegistry, tokens: list[set[str]] | None = None,
                       author_refs: set[int] | None = None) -> str:
    """Quote the best unit, and up to two more when they score close to it and add new content."""
    top = scored[0]
    doc = index.documents[top.unit.doc_id]
    span = _list_span(doc, top.unit)
    if span is not None and (query.is_list or top.unit.kind == "list_item"):
        start, end, items = span
        marker = registry.markers([registry.cite(doc, start, end, "list", top.unit.section, top.score)])
        lines = []
        if start < doc.blocks[items[0]].start:
            lines.append(with_marker(doc.text[start : doc.blocks[items[0]].start].strip(), marker))
        lines += [f"- {with_marker(doc.text[doc.blocks[b].start : doc.blocks[b].end], marker)}" for b in items]
        return "\n".join(lines)
    chosen = [top]
    docs_seen = {top.unit.doc_id}
    study_refs = author_refs & scorer_refs(top) if author_refs else set()
    for s in scored[1:]:
        if study_refs and not study_refs & scorer_refs(s):
            continue  # the question is about one study: stay with passages that cite it
        if len(chosen) >= MAX_QUOTES or s.score < SECOND_UNIT_RATIO * top.score:
            break
        if any(c.unit.start <= s.unit.start < c.unit.end or s.unit.start <= c.unit.start < s.unit.end
               for c in chosen if c.unit.doc_id == s.unit.doc_id):
            continue
        if tokens is not None and not _novel(set().union(*(tokens[c.index] for c in chosen)), tokens[s.index]):
            continue
        if s.unit.kind == "reference" and top.unit.kind != "reference":
            continue
        chosen.append(s)
        docs_seen.add(s.unit.doc_id)
    # Text order within a document reads better than score order.
    chosen.sort(key=lambda s: (s.unit.doc_id != top.unit.doc_id, s.unit.doc_id, s.unit.start))
    parts = []
    for s in chosen:
        d = index.documents[s.unit.doc_id]
        marker = registry.markers([_cite_unit(index, s.unit, s.score, registry)])
        parts.append(with_marker(render_unit(d, s.unit), marker))
    return " ".join(parts)


def compose_aggregation(doc: Document, query: Query, agg: Aggregation, registry: CitationRegistry) -> str:
    """A lead naming each value with its markers, then one bullet per value listing its studies."""
    lead_parts, bullets = [], []
    for _key, entries in agg.groups.items():
        markers, items = [], []
        value = entries[0].value
        for e in entries:
            m = registry.cite(doc, e.unit.start, e.unit.end, e.unit.kind, e.unit.section, e.score)
            markers.append(m)
            text = render_row(e.row) if e.row is not None else doc.text[e.unit.start : e.unit.end].rstrip()
            items.append(with_marker(text, registry.markers([m])))
        lead_parts.append(f"{value} {registry.markers(markers)}")
        first_cells = {e.row.cells[0].text for e in entries if e.row is not None and e.row.cells}
        bullets.append("- " + ("" if value in first_cells else f"{value}: ") + " ".join(items))
    units = {(e.unit.start, e.unit.end) for entries in agg.groups.values() for e in entries}
    if len(units) == 1:  # one row answers it all: quote the row once
        e = next(iter(agg.groups.values()))[0]
        text = render_row(e.row) if e.row is not None else doc.text[e.unit.start : e.unit.end]
        return with_marker(text, registry.markers([registry.citations[0].marker]))
    # The lead names only the subject and the values: every word of it stands in the spans it cites.
    subject = ", ".join(query.entities + query.authors)
    lead = (f"{subject}: " if subject else "") + "; ".join(lead_parts) + "."
    return lead + "\n" + "\n".join(bullets)


def compose_bibliographic(index: SearchIndex, query: Query, scored: list[ScoredUnit],
                          registry: CitationRegistry, author_refs: set[int]) -> str:
    """The bibliography entries of the study the question names (by number, author, or best passage)."""
    top_text = next((s for s in scored if s.unit.kind != "reference"), None)
    for doc in index.documents.values():
        numbers: list[int] = []
        if query.reference_number is not None:
            numbers = [query.reference_number]
        elif author_refs:
            numbers = sorted(author_refs)
        elif top_text is not None and top_text.unit.doc_id == doc.doc_id:
            numbers = doc.cited_numbers(top_text.unit.start, top_text.unit.end)
        refs = [r for r in (doc.reference(n) for n in numbers[:2]) if r is not None]
        if not refs:
            continue
        parts = []
        if not query.authors and query.reference_number is None and top_text is not None:
            m = _cite_unit(index, top_text.unit, top_text.score, registry)
            parts.append(with_marker(render_unit(doc, top_text.unit), registry.markers([m])))
        for r in refs:
            m = registry.cite(doc, r.start, r.end, "reference", "References", 1.0)
            parts.append(with_marker(r.text, registry.markers([m])))
        return " ".join(parts)
    return ""
