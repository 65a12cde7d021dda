"""How units read inside an answer: sentences verbatim, table rows as their cells, references as entries."""

from __future__ import annotations

from corpus.model import Document, TableRow
from index.model import Unit


def row_of(doc: Document, unit: Unit) -> TableRow | None:
    for table in doc.tables:
        for row in table.rows:
            if row.start == unit.start:
                return row
    return None


def render_row(row: TableRow) -> str:
    """`Chang et al. (39): Phase I clinical trial/ intratracheal; hUC-MSCs; BPD; ↓ BPD severity …`."""
    cells = [c.text for c in row.cells if c.text]
    if len(cells) == 1:
        return cells[0]
    return f"{cells[0]}: " + "; ".join(cells[1:])


def render_unit(doc: Document, unit: Unit) -> str:
    if unit.kind == "table_row":
        row = row_of(doc, unit)
        if row is not None:
            return render_row(row)
    return doc.text[unit.start : unit.end].rstrip()


def with_marker(text: str, marker: str) -> str:
    """Put the marker before the sentence's final punctuation: `… decreased [1].`"""
    text = text.rstrip()
    if text and text[-1] in ".!?:;" and not text.endswith("et al."):
        return f"{text[:-1]} {marker}{text[-1]}"
    return f"{text} {marker}"
