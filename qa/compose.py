"""Write the answer text from ranked units: extractive quotes, grouped lists, a named study's own findings (lookups:
`qa.lookup_answers`)."""

from __future__ import annotations

from corpus.model import Document
from index.lexical import tokenize
from index.lookups import StudyRef
from index.model import Unit
from index.search import SearchIndex, UnitRecord
from qa.abstain import META_TERMS
from qa.aggregate import Aggregation
from qa.citations import CitationRegistry
from qa.parts import cover_parts
from qa.query import Query
from qa.rank import ScoredUnit, UnitScorer
from qa.render import render_row, render_unit, with_marker
from qa.rerank import NON_FINDING_PENALTY
from qa.stance import is_concluding, is_conclusion_label
from qa.verdict import reports_a_study
from qa.yesno import is_yes_no

SECOND_UNIT_RATIO = 0.92  # a further quote is added only when it scores this close to the best one
MAX_QUOTES = 3
COVERAGE_POOL = 10  # units considered for covering the question words the best ones lack
MIN_COVERAGE_GAIN = 0.15  # IDF-weighted share of the question a completing unit must add
NON_NEIGHBOUR_DISCOUNT = 0.6
CROSS_DOCUMENT_RATIO = 0.6  # the other review's best unit joins a cross-document answer above this share
OTHER_DOCUMENT_QUOTES = 2  # units of each other document a cross-document answer quotes, at most


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


def _novel(tokens_seen: set[str], unit_tokens: frozenset[str]) -> bool:
    return len(unit_tokens - tokens_seen) >= max(2, 0.3 * len(unit_tokens))


def _render_list(doc: Document, span: tuple[int, int, list[int]], marker: str) -> str:
    start, _end, items = span
    lines = []
    if start < doc.blocks[items[0]].start:
        lines.append(with_marker(doc.text[start : doc.blocks[items[0]].start].strip(), marker))
    lines += [f"- {with_marker(doc.text[doc.blocks[b].start : doc.blocks[b].end], marker)}" for b in items]
    return "\n".join(lines)


def choose_units(query: Query, scored: list[ScoredUnit], scorer: UnitScorer,
                 author_refs: set[StudyRef] | None) -> list[ScoredUnit]:
    """The best unit; up to two more that score close to it, add new words and (for a question about one
    study) speak of that study; then units that cover question words still uncovered, preferring the
    sentences next to a chosen one ("... conducted by Pisano et al. (45) ..." + "The results showed ...").
    A cross-document question gets the best units of each other document (`_add_other_documents`)."""
    top = scored[0]
    chosen = [top]
    if query.answer_type == "conclusion" and is_concluding(top.unit.section, top.plain):
        _add_rest_of_paragraph(scorer, query, chosen, MAX_QUOTES + 1)
    study_refs = (author_refs or set()) & top.refs
    for s in scored[1:]:
        if len(chosen) >= MAX_QUOTES or s.score < SECOND_UNIT_RATIO * top.score:
            break
        if any(c.unit.overlaps(s.unit) for c in chosen) or (study_refs and not study_refs & s.refs):
            continue
        if not _novel(set().union(*(c.tokens for c in chosen)), s.tokens):
            continue
        chosen.append(s)
    _complete_coverage(query, scored, scorer, chosen, study_refs)
    cover_parts(query, scored, scorer, chosen, MAX_QUOTES + 1)
    if is_yes_no(query.resolved):
        _add_conclusion(scorer.index, scored, chosen)
    if query.cross_document:
        _add_other_documents(scored, chosen, CROSS_DOCUMENT_RATIO * top.score)
    return chosen


def _add_rest_of_paragraph(scorer: UnitScorer, query: Query, chosen: list[ScoredUnit], limit: int) -> None:
    """The sentences around the best one (`chosen[0]`) in its paragraph, in text order, up to `limit` units in
    all: what the authors concluded is their conclusion's paragraph, not its sentence nearest the question's
    words."""
    top = chosen[0]
    while len(chosen) < limit:
        paragraph = [c for c in chosen if c.unit.doc_id == top.unit.doc_id and c.unit.block == top.unit.block]
        around = {j: r for j, r in _neighbours(scorer, paragraph).items() if all(c.index != j for c in chosen)}
        if not around:
            return
        j = min(around)  # the earlier first: a conclusion's sentences build on each other
        chosen.append(scorer.score(query, {j: 0.0}, {j: around[j]})[0])


def _add_other_documents(scored: list[ScoredUnit], chosen: list[ScoredUnit], floor: float) -> None:
    """For a cross-document question, the best units of each document no chosen unit is from, up to
    `OTHER_DOCUMENT_QUOTES` each, scoring at least `floor`: one sentence seldom says all another review says
    ("in animal models, these secretions ..." and the animal study of the other review's table)."""
    answered = {c.unit.doc_id for c in chosen}
    taken: dict[str, int] = {}
    for s in scored:
        doc_id = s.unit.doc_id
        if s.score < floor or doc_id in answered or taken.get(doc_id, 0) >= OTHER_DOCUMENT_QUOTES:
            continue
        if not any(c.unit.overlaps(s.unit) for c in chosen):
            chosen.append(s)
            taken[doc_id] = taken.get(doc_id, 0) + 1


def _add_conclusion(index: SearchIndex, scored: list[ScoredUnit], chosen: list[ScoredUnit]) -> None:
    """For a yes/no question, the best scored sentence of the lead document's conclusion (by its section label)
    when no chosen unit quotes it and the document reports a study (`qa.verdict.reports_a_study`): a study's
    results say what it measured, its conclusion what the authors answer, and the verdict reads the conclusion
    the answer shows (`qa.verdict.encoder_reading`). A review's closing section is its outlook on the field,
    not the answer to a question about one of the studies it discusses."""
    lead = chosen[0].unit.doc_id
    if any(c.unit.doc_id == lead and is_conclusion_label(c.unit.section) for c in chosen):
        return
    if not reports_a_study(index.documents[lead]):
        return
    for s in scored:
        if (s.unit.doc_id == lead and s.unit.kind == "sentence" and is_conclusion_label(s.unit.section)
                and not any(c.unit.overlaps(s.unit) for c in chosen)):
            chosen.append(s)
            return


def _complete_coverage(query: Query, scored: list[ScoredUnit], scorer: UnitScorer, chosen: list[ScoredUnit],
                       study_refs: set[StudyRef]) -> None:
    """Add units that bring question words the chosen ones lack, while that adds enough (IDF-weighted); a word
    is not lacking when they say the other form of its abbreviation (`UnitScorer.holds`).

    An abbreviation the corpus defines in several ways counts with the meaning of the best unit's document:
    the words of its other meanings are not missing from an answer about this one."""
    other_meanings = _other_meanings(scorer, query, chosen[0])
    terms = [t for t in query.focus_terms if t in query.idf and t not in other_meanings]
    total = sum(query.idf[t] for t in terms) or 1.0
    # Words that frame the question ("the evidence for", "which papers") are never looked for, but still weigh in
    # the total: what the others add is judged as before.
    sought = [t for t in terms if t not in META_TERMS]
    while len(chosen) < MAX_QUOTES + 1:
        covered = set().union(*(c.tokens for c in chosen))
        missing = [t for t in sought if not scorer.holds(query, t, covered)]
        if not missing:
            return
        neighbours = _neighbours(scorer, chosen)
        pool = {s.index: s for s in scored[:COVERAGE_POOL] if not study_refs or study_refs & s.refs}
        for j in sorted(set(neighbours) - set(pool)):
            pool[j] = scorer.score(query, {j: 0.0}, {j: neighbours[j]})[0]
        best, gain = None, 0.0
        for i, s in pool.items():
            if any(c.index == i or c.unit.overlaps(s.unit) for c in chosen) or s.unit.kind == "reference":
                continue
            g = sum(query.idf[t] for t in missing if scorer.holds(query, t, s.tokens | covered)) / total
            g *= 1.0 if i in neighbours else NON_NEIGHBOUR_DISCOUNT
            if g > gain:
                best, gain = s, g
        if best is None or gain < MIN_COVERAGE_GAIN:
            return
        chosen.append(best)


def _other_meanings(scorer: UnitScorer, query: Query, top: ScoredUnit) -> set[str]:
    """Words of the long forms of the question's abbreviations that the top unit's document does not use."""
    ambiguous = {e: forms for e, forms in query.entity_forms.items() if len(forms) > 1}
    if not ambiguous:
        return set()
    own = scorer.index.documents[top.unit.doc_id].glossary
    words = {t for e, forms in ambiguous.items() if e in own for f in forms if f != own[e] for t in tokenize(f)}
    return words - set(tokenize(" ".join(own[e] for e in ambiguous if e in own)))


def _neighbours(scorer: UnitScorer, chosen: list[ScoredUnit]) -> dict[int, UnitRecord]:
    """The units just before and after the chosen ones, in the same paragraph."""
    ids = {(j, c.unit.doc_id, c.unit.block) for c in chosen for j in (c.index - 1, c.index + 1)
           if 0 <= j < scorer.index.manifest.units}
    records = scorer.index.units(sorted({j for j, _, _ in ids}))
    return {j: records[j] for j, doc_id, block in ids
            if j in records and records[j].unit.doc_id == doc_id and records[j].unit.block == block}


def compose_extractive(index: SearchIndex, query: Query, scored: list[ScoredUnit],
                       registry: CitationRegistry, scorer: UnitScorer, author_refs: set[StudyRef] | None = None) -> str:
    """Quote the chosen units in reading order; a unit that introduces a list brings the whole list."""
    chosen = choose_units(query, scored, scorer, author_refs)
    first_doc = chosen[0].unit.doc_id
    chosen.sort(key=lambda s: (s.unit.doc_id != first_doc, s.unit.doc_id, s.unit.start))
    plans = []
    for s in chosen:
        doc = index.documents[s.unit.doc_id]
        span = _list_span(doc, s.unit)
        as_list = span is not None and (query.is_list or s.unit.kind == "list_item" or len(chosen) > 1)
        plans.append((s, doc, span if as_list else None))
    lists = {(s.unit.doc_id, span[0], span[1]) for s, _doc, span in plans if span is not None}
    parts, quoted = [], set()
    for s, doc, span in plans:
        if span is not None:
            key = (s.unit.doc_id, span[0], span[1])
            if key in quoted:
                continue  # two items of one list: the list is quoted once
            quoted.add(key)
            marker = registry.markers([registry.cite(doc, span[0], span[1], "list", s.unit.section, s.score)])
            parts.append(_render_list(doc, span, marker))
        elif not any(d == s.unit.doc_id and a <= s.unit.start and s.unit.end <= b for d, a, b in lists):
            marker = registry.markers([registry.cite_unit(s.unit, s.score)])
            parts.append(with_marker(render_unit(doc, s.unit), marker))
    return "\n".join(parts) if any("\n- " in p for p in parts) else " ".join(parts)


def _short_label(doc: Document, unit: Unit) -> str:
    """How a sentence already quoted above is named again: its citation ("van Velthoven et al. (31,32)")."""
    mentions = [m for m in doc.mentions if unit.start <= m.start and m.end <= unit.end]
    if mentions:
        return doc.text[mentions[0].start : mentions[0].end]
    words = doc.text[unit.start : unit.end].split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


# Where a list's count was counted: a table's rows only, or rows and the text's sentences.
COUNTED_IN = ("in the table", "in the table and text")


def compose_aggregation(doc: Document, query: Query, agg: Aggregation, registry: CitationRegistry) -> str:
    """A lead naming each value with its markers, then one bullet per value listing its studies."""
    lead_parts, bullets = [], []
    shown: set[tuple[int, int]] = set()
    for _key, entries in agg.groups.items():
        markers, items = [], []
        value = entries[0].value
        for e in entries:
            m = registry.cite(doc, e.unit.start, e.unit.end, e.unit.kind, e.unit.section, e.score)
            markers.append(m)
            if e.row is not None:
                # A row shown under an earlier value is named by its first cell only.
                text = (e.row.cells[0].text if (e.unit.start, e.unit.end) in shown
                        else render_row(e.row, agg.attribute.table.columns))
            elif (e.unit.start, e.unit.end) in shown:
                text = _short_label(doc, e.unit)
            else:
                text = doc.text[e.unit.start : e.unit.end].rstrip()
            shown.add((e.unit.start, e.unit.end))
            items.append(with_marker(text, registry.markers([m])))
            if e.linked is not None:  # name the study the sentence describes, citing its table row
                lm = registry.cite(doc, e.linked.start, e.linked.end, "table_row", e.unit.section, e.score)
                markers.append(lm)
                items.append(f"({with_marker(e.linked.cells[0].text, registry.markers([lm]))})")
        lead_parts.append(f"{value} {registry.markers(markers)}")
        # A study's name or a free-text finding is the row's own cell: the row says it.
        first_cells = {e.row.cells[0].text for e in entries if e.row is not None and e.row.cells}
        bullets.append("- " + ("" if value in first_cells or not agg.labels else f"{value}: ") + " ".join(items))
    units = {(e.unit.start, e.unit.end) for entries in agg.groups.values() for e in entries}
    if len(units) == 1 and not query.counted:  # one row answers it all: quote the row once (a count says "1")
        e = next(iter(agg.groups.values()))[0]
        text = (render_row(e.row, agg.attribute.table.columns) if e.row is not None
                else doc.text[e.unit.start : e.unit.end])
        return with_marker(text, registry.markers([registry.citations[-1].marker]))
    # The lead names only the subject and the values: every word of it stands in the spans it cites; a count
    # the question asks for is the number of values it then lists (`eval.grounding` checks that it is).
    subject = ", ".join(query.entities + query.authors)
    # The text may discuss more studies than the table lists: the count says which it counted.
    rows_only = all(e.row is not None for entries in agg.groups.values() for e in entries)
    counted = _singular(query.counted) if query.counted and len(lead_parts) == 1 else query.counted
    count = (f"{len(lead_parts)} {counted} {COUNTED_IN[0 if rows_only else 1]}"
             if query.counted and _all_say_modifiers(doc, query.counted, agg) else "")
    heading = f"{subject} ({count})" if subject and count else subject or count
    lead = (f"{heading}: " if heading else "") + "; ".join(lead_parts) + "."
    return lead + "\n" + "\n".join(bullets)


def _singular(counted: str) -> str:
    """"animal studies" -> "animal study", "routes" -> "route": one of what a "how many" question counts."""
    head, _, last = counted.rpartition(" ")
    last = last[:-3] + "y" if last.endswith("ies") else last[:-1] if last.endswith("s") else last
    return f"{head} {last}".strip()


def _all_say_modifiers(doc: Document, counted: str, agg: Aggregation) -> bool:
    """Whether every item listed says the words before the counted noun ("clinical" of "clinical trials"): a
    count of "randomised trials" over rows that do not say so would claim what they do not."""
    modifiers = set(tokenize(" ".join(counted.split()[:-1])))
    return not modifiers or all(modifiers <= set(tokenize(doc.text[e.unit.start : e.unit.end]))
                                for entries in agg.groups.values() for e in entries)


OWN_FINDINGS = 2  # named studies whose own papers are quoted, at most


def compose_own_findings(index: SearchIndex, query: Query, scored: list[ScoredUnit],
                         registry: CitationRegistry) -> str:
    """For a question naming a study whose own paper the library holds (`Query.study_documents`): that paper's
    best-scored finding (or, without one, its best sentence that is no aim, method or background), quoted
    after what the answer says of the study; nothing for a paper the answer already cites."""
    cited = {c.doc_id for c in registry.citations}
    best: dict[str, ScoredUnit] = {}
    for s in scored:  # best first
        doc_id = s.unit.doc_id
        # The roles findings go before (`qa.rerank`): an aim, a method, background.
        if doc_id not in query.study_documents or doc_id in cited or s.role in NON_FINDING_PENALTY:
            continue
        if doc_id not in best or (s.role == "finding" and best[doc_id].role != "finding"):
            best[doc_id] = s
    parts = []
    for s in list(best.values())[:OWN_FINDINGS]:
        m = registry.cite_unit(s.unit, s.score)
        parts.append(with_marker(render_unit(index.documents[s.unit.doc_id], s.unit), registry.markers([m])))
    return " ".join(parts)
