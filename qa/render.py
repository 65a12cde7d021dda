"""How units read inside an answer: sentences verbatim, table rows as their cells, references as entries."""

from __future__ import annotations

import re

from corpus.model import Document, Table, TableRow
from corpus.sentences import CITATION_MARKER
from index.model import Unit

_WORD = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more says what a value is ("BPD", "intranasal")
_BARE_ANSWERS = {"yes", "no", "yes.", "no.", "+", "-", "–", "✓", "✗", "x"}
_TRAILING_SOURCE_MARKER = re.compile(rf"([.!?])\s?({CITATION_MARKER})$")


def row_of(doc: Document, unit: Unit) -> tuple[Table, TableRow] | None:
    for table in doc.tables:
        for row in table.rows:
            if row.start == unit.start:
                return table, row
    return None


def render_row(row: TableRow, columns: list[str] | None = None) -> str:
    """`Chang et al. (39): Phase I clinical trial/ intratracheal; hUC-MSCs; BPD; ↓ BPD severity …`. A value
    that does not say what it is, a number or a yes or no ("97 (26%)", "0.81–1.32", "Yes"), is given its
    column's header: `Severe ROP: EPO (n=376) 45 (12%); Placebo (n=365) 38 (10%)`, not which arm is which
    left to guess."""
    named = [(columns[i] if columns and i < len(columns) and _needs_header(c.text) else "", c.text)
             for i, c in enumerate(row.cells) if c.text]
    cells = [f"{header} {value}" if header else value for header, value in named]
    if len(cells) == 1:
        return cells[0]
    return f"{named[0][1]}: " + "; ".join(cells[1:])


def _needs_header(value: str) -> bool:
    return not _WORD.search(value) or value.strip().lower() in _BARE_ANSWERS


def render_unit(doc: Document, unit: Unit) -> str:
    if unit.kind == "table_row":
        found = row_of(doc, unit)
        if found is not None:
            return render_row(found[1], found[0].columns)
    return doc.text[unit.start : unit.end].rstrip()


def with_marker(text: str, marker: str) -> str:
    """Put the marker before the sentence's final punctuation: `… decreased [1].`; a source's own citation
    set after that punctuation (Vancouver style, `… did not differ.[2,3]`) moves before it with the marker:
    `… did not differ [2,3] [1].` (`CitationRegistry` then writes the source's brackets as parentheses)."""
    text = text.rstrip()
    trailing = _TRAILING_SOURCE_MARKER.search(text)
    if trailing:
        return f"{text[: trailing.start()]} {trailing.group(2)} {marker}{trailing.group(1)}"
    if text and text[-1] in ".!?:;" and not text.endswith("et al."):
        return f"{text[:-1]} {marker}{text[-1]}"
    return f"{text} {marker}"
