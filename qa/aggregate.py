"""List answers grouped by the attribute the question asks for, from table rows and prose together.

A table column (or one part of a compound header such as "Phase / Route") is the attribute when the question
names it, or the rows' first column when it asks for a kind of row (`qa.attributes`). Rows are kept when they
match the question's constraints (glossary entities, author names, and words that occur in other columns'
cells); their values come from the column. Prose sentences that satisfy the same constraints and name one of
the column's values add studies the table lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from corpus.model import Document, Table, TableRow
from index.glossary import Glossary
from index.lexical import tokenize
from index.lookups import StudyRef
from index.model import Unit
from qa.attributes import Attribute, find_attribute, header_parts, rows_asked
from qa.query import Query
from qa.rank import ScoredUnit
from qa.wordnet import default as default_wordnet


@dataclass
class Entry:
    value: str
    unit: Unit
    refs: list[int]
    score: float
    row: TableRow | None = None
    linked: TableRow | None = None  # for a sentence: the table row of the study it describes


ROW_LINK_SHARE = 0.5  # a sentence describes a row's study when it holds this share of the row's own words
LABEL_WORDS = 3  # a column whose median cell is longer holds free text, not a list of labels


DOCUMENTS_CACHED = 64


class DocumentTokens:
    """Tokens of a document's cells, rows and sentences, expanded with that document's own glossary; the same
    few texts recur on every list question, so they are kept per document (a small LRU)."""

    def __init__(self, documents: Mapping[str, Document]) -> None:
        self.documents = documents
        self._glossary = lru_cache(maxsize=DOCUMENTS_CACHED)(self._make_glossary)
        self._tokens = lru_cache(maxsize=DOCUMENTS_CACHED * 256)(self._make_tokens)

    def _make_glossary(self, doc_id: str) -> Glossary:
        return Glossary.of(self.documents[doc_id].glossary)

    def _make_tokens(self, doc_id: str, text: str) -> frozenset[str]:
        return frozenset(tokenize(self._glossary(doc_id).expand(text)))

    def __call__(self, doc: Document, text: str) -> frozenset[str]:
        return self._tokens(doc.doc_id, text)


@dataclass(frozen=True)
class Constraints:
    """Question words a row or sentence must hold to be listed (`_constraint_terms`), and the question's own words.

    A word the text holds only through the document's glossary counts when the question names that whole form:
    "intraventricular" in the long form of a row's "IVH" is not the intraventricular route the question asks
    about, but a question about "intraventricular hemorrhage" is about the IVH rows."""

    terms: frozenset[str]
    asked: frozenset[str]

    def met_by(self, doc: Document, text: str, doc_tokens: DocumentTokens) -> bool:
        raw = frozenset(tokenize(text))
        missing = set(self.terms - raw)
        if not missing:
            return True
        if not missing <= doc_tokens(doc, text):
            return False
        for short, long_form in doc.glossary.items():
            forms = frozenset(tokenize(short)), frozenset(tokenize(long_form))
            if any(f and f <= raw for f in forms) and any(f and f <= self.asked for f in forms):
                missing -= forms[0] | forms[1]
        return not missing


def describing_row(doc: Document, attr: Attribute, tokens: frozenset[str], need: Constraints,
                   doc_tokens: DocumentTokens) -> TableRow | None:
    """The row (meeting the constraints) whose words the sentence repeats most, if it repeats enough of them:
    "In the phase II trial of children ... aged 0-1 years" describes "Wu et al. (41) | Phase II ... 0-1 year"."""
    best, best_share = None, 0.0
    for row in attr.table.rows:
        text = doc.text[row.start : row.end]
        own = doc_tokens(doc, text) - need.terms
        if not own or not need.met_by(doc, text, doc_tokens):
            continue
        share = len(own & tokens) / len(own)
        if share > best_share:
            best, best_share = row, share
    return best if best_share >= ROW_LINK_SHARE else None


@dataclass
class Aggregation:
    attribute: Attribute
    labels: bool  # the attribute's cells are labels, not free text (`holds_labels`)
    constrained: bool  # the rows were chosen by the question's words or named study, not the whole column
    groups: dict[str, list[Entry]] = field(default_factory=dict)


def _cell_text(row: TableRow, attr: Attribute) -> str | None:
    """The row's text under the attribute: the cell, or its part under a compound header (None when the cell
    does not fill every part of the header: ambiguous)."""
    if attr.column >= len(row.cells):
        return None
    text = row.cells[attr.column].text
    if attr.part >= 0:
        pieces = [p.strip() for p in text.split("/")]
        if len(pieces) != len(header_parts(attr.table.columns[attr.column])):
            return None
        text = pieces[attr.part]
    return text


def holds_labels(attr: Attribute) -> bool:
    """Whether the attribute's cells are short labels ("intravenous", "hUC-MSCs") rather than free text
    ("↓ Incidence and severity of experimental NEC"): the median cell is at most `LABEL_WORDS` words long."""
    lengths = sorted(len(t.split()) for row in attr.table.rows if (t := _cell_text(row, attr)) is not None)
    return bool(lengths) and lengths[len(lengths) // 2] <= LABEL_WORDS


def cell_values(row: TableRow, attr: Attribute, labels: bool = True) -> list[str]:
    """Values of the attribute in one row: the cell, or its part under a compound header; a cell of labels is
    split on commas and "and" ("intraperitoneal, enteral"), free text is one value (splitting "↓ MAPK and STAT
    pathways" would make two findings of one)."""
    text = _cell_text(row, attr)
    if text is None:
        return []
    if not labels:
        return [text.strip()] if text.strip() else []
    return [v.strip() for v in re.split(r",\s*|\s+and\s+", text) if v.strip()]


def _named_columns(table: Table, words: list[str]) -> set[str]:
    """The words of the table's multi-word column names (or header parts) that `words` name by two of their
    words in a row: "cell type" in "What route and cell type does the table give ...?" asks for "Stem cell
    type", so its words are no constraint on the rows."""
    pairs = set(zip(words, words[1:], strict=False))
    named: set[str] = set()
    for header in table.columns:
        for name in [header, *header_parts(header)]:
            toks = tokenize(name)
            if pairs & set(zip(toks, toks[1:], strict=False)):
                named |= set(toks)
    return named


@lru_cache(maxsize=DOCUMENTS_CACHED)
def _header_synonyms(columns: tuple[str, ...]) -> frozenset[str]:
    """The stems of the one-word WordNet synonyms (first two senses) of a table's one-word headers and header
    parts: "outcome" and "result" of "Effect", "stage" of "Phase". A question word among them names a column ("How
    many clinical trials had a feasible and safe outcome?"), it does not choose the rows that say it."""
    wordnet = default_wordnet()
    if wordnet is None:
        return frozenset()
    names = {n for header in columns for n in [header, *header_parts(header)] if len(n.split()) == 1}
    return frozenset(t for n in names for synonym in wordnet.synonyms(n, 2) if len(synonym.split()) == 1
                     for t in tokenize(synonym))


@lru_cache(maxsize=DOCUMENTS_CACHED)
def _header_kinds(headers: tuple[str, ...]) -> frozenset[str]:
    """The WordNet kinds (lexicographer files: "noun.act" for "Study", "noun.location" for "Route") of the words
    of `headers`."""
    wordnet = default_wordnet()
    if wordnet is None:
        return frozenset()
    return frozenset(k for w in re.findall(r"[^\W\d_]+", " ".join(headers)) if (k := wordnet.kind(w)) is not None)


def counts_what_table_lists(counted: str, attr: Attribute) -> bool:
    """Whether "how many <counted>" counts what the table's rows are (its first column: "Study" for "studies",
    "trials", "experiments", all acts to WordNet) or the values of the grouped column ("Route" for "routes"): "How
    many babies in the HIE pilot study ...?" over a table of studies counts neither, and a count of its rows would
    claim "2 babies". The counted noun's WordNet kind is compared; a noun WordNet does not know is let through."""
    head = counted.split()[-1]
    headers = (attr.table.columns[0] if attr.table.columns else "", attr.name)
    if set(tokenize(head)) & set(tokenize(" ".join(headers))):
        return True
    wordnet = default_wordnet()
    kind = wordnet.kind(head) if wordnet is not None else None
    return kind is None or kind in _header_kinds(headers)


def _constraint_terms(doc: Document, query: Query, attr: Attribute, doc_tokens: DocumentTokens) -> Constraints:
    """Question words that occur in other columns' cells: they restrict which rows count."""
    other: set[str] = set()
    for row in attr.table.rows:
        for i, cell in enumerate(row.cells):
            if i != attr.column or attr.part >= 0:
                other |= doc_tokens(doc, cell.text)
    asked = tokenize(query.resolved)
    attribute_words = set(tokenize(attr.name)) | _named_columns(attr.table, asked) | _header_synonyms(
        tuple(attr.table.columns))
    return Constraints(frozenset(t for t in query.terms if t in other and t not in attribute_words),
                       frozenset(asked))


def _long_forms(doc: Document, query: Query, short: str) -> list[str]:
    """The long forms of an abbreviation of the question: the document's own meaning, else the corpus'."""
    return [doc.glossary[short]] if short in doc.glossary else query.entity_forms.get(short, [short])


def _names_only_table_entities(doc: Document, table: Table, query: Query, doc_tokens: DocumentTokens) -> bool:
    """Whether every glossary entity of the question occurs in the table: a table of BPD, IVH and NEC studies
    cannot list the routes used for a disease it does not contain."""
    tokens = doc_tokens(doc, doc.text[table.start : table.end])
    return all(set(tokenize(e)) <= tokens or any(set(tokenize(f)) <= tokens for f in _long_forms(doc, query, e))
               for e in query.entities)


def _names_value(query: Query, value: str, glossary: dict[str, str]) -> bool:
    """Whether the question's own words name `value` (or its long form). Glossary expansions of other words
    do not count: "intraventricular" in the long form of IVH does not name the intraventricular route."""
    words = set(tokenize(query.resolved))
    return set(tokenize(value)) <= words or (value in glossary and set(tokenize(glossary[value])) <= words)


def aggregate(doc: Document, query: Query, scored: list[ScoredUnit], doc_tokens: DocumentTokens,
              author_refs: set[StudyRef], min_score: float, table_in_focus: bool) -> Aggregation | None:
    """Group table rows and prose sentences by the value of the asked attribute; None if nothing asked.

    Without a constraint (a disease, an author, a cell value) the whole column would be listed: that is
    done only when a table row already ranks among the best units (`table_in_focus`).
    """
    named = find_attribute(doc, query)
    agg = _grouped_by(named, doc, query, scored, doc_tokens, author_refs, min_score, table_in_focus) if named else None
    if agg is None:
        # The rows themselves: "Which trials ...?" names no column, "Which trials used the intravenous route?"
        # names the route it asks about.
        rows = rows_asked(doc, query)
        if rows is not None and rows != named:
            agg = _grouped_by(rows, doc, query, scored, doc_tokens, author_refs, min_score, table_in_focus)
    return agg


def _grouped_by(attr: Attribute, doc: Document, query: Query, scored: list[ScoredUnit], doc_tokens: DocumentTokens,
                author_refs: set[StudyRef], min_score: float, table_in_focus: bool) -> Aggregation | None:
    """`aggregate` by one attribute."""
    if not _names_only_table_entities(doc, attr.table, query, doc_tokens):
        return None
    if query.counted and not counts_what_table_lists(query.counted, attr):
        return None
    glossary = doc.glossary
    need = _constraint_terms(doc, query, attr, doc_tokens)
    if not need.terms and not author_refs and not table_in_focus:
        return None
    agg = Aggregation(attr, holds_labels(attr), constrained=bool(need.terms or author_refs))
    vocabulary: set[str] = set()
    by_start = {s.unit.start: s for s in scored if s.unit.doc_id == doc.doc_id}
    for row in attr.table.rows:
        values = cell_values(row, attr, agg.labels)
        vocabulary |= {v.lower() for v in values}
        refs = doc.cited_numbers(row.start, row.end)
        if not need.met_by(doc, doc.text[row.start : row.end], doc_tokens):
            continue
        if author_refs and not author_refs & {(doc.doc_id, r) for r in refs}:
            continue
        hit = by_start.get(row.start)
        unit = hit.unit if hit else Unit(doc_id=doc.doc_id, kind="table_row", section=attr.table.section,
                                         start=row.start, end=row.end, block=-1, embed_text="")
        for value in values:
            agg.groups.setdefault(value.lower(), []).append(
                Entry(value, unit, refs, hit.score if hit else min_score, row))
    if not agg.groups or all(_names_value(query, e[0].value, glossary) for e in agg.groups.values()):
        return None  # the question already names the value ("What kind of disease is BPD?"): nothing to list
    for s in scored:
        if s.unit.kind not in ("sentence", "list_item") or s.score < min_score or s.unit.doc_id != doc.doc_id:
            continue
        text = doc.text[s.unit.start : s.unit.end]
        if not need.met_by(doc, text, doc_tokens):
            continue
        tokens = doc_tokens(doc, text)
        # A value inside a defined term is not that value ("intraventricular hemorrhage" is no route).
        searchable = text
        for long_form in glossary.values():
            if long_form.lower() not in vocabulary:
                searchable = re.sub(re.escape(long_form), " ", searchable, flags=re.I)
        refs = doc.cited_numbers(s.unit.start, s.unit.end)
        linked = None if refs else describing_row(doc, attr, tokens, need, doc_tokens)
        if linked is not None:
            refs = doc.cited_numbers(linked.start, linked.end)
        if author_refs and not author_refs & {(doc.doc_id, r) for r in refs}:
            continue
        for value in sorted(vocabulary):
            if re.search(rf"\b{re.escape(value)}", searchable, re.I):
                group = agg.groups.setdefault(value, [])
                known = {r for e in group for r in e.refs}
                if (refs and set(refs) <= known) or (not refs and group):
                    continue  # the same study is already listed under this value
                group.append(Entry(value, s.unit, refs, s.score, linked=linked))
    return agg
