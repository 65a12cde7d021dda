"""Assemble a `Document`: clean text plus sections, blocks, sentences, tables, references and mentions.

The text is written block by block, so every structural element is known by its exact offsets.
"""

from __future__ import annotations

import re

from corpus.blocks import TypedBlock, classify
from corpus.glossary import build_glossary
from corpus.model import (
    Block,
    CitationMention,
    Document,
    DocumentMeta,
    Reference,
    Section,
    Sentence,
    Span,
    Table,
    TableCell,
    TableRow,
)
from corpus.raw import RawDocument
from corpus.references import find_citations, parse_reference
from corpus.sentences import sentence_spans
from corpus.text import strip_emphasis

_GROUPED = {"list_item", "reference", "table"}


class _Writer:
    """Appends blocks to the text, separating paragraphs by a blank line and list/reference lines by one."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.last_kind: str | None = None

    def write(self, text: str, kind: str) -> Span:
        if self.parts:
            sep = "\n" if kind == self.last_kind and kind in ("list_item", "reference") else "\n\n"
            self.parts.append(sep)
            self.length += len(sep)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        self.last_kind = kind
        return Span(start=start, end=self.length)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _parse_cite_line(furniture: list[str], meta: DocumentMeta) -> None:
    """Fill journal/year from a "Cite this article as:" line when the sidecar did not give them."""
    for line in furniture:
        if re.match(r"^\s*(cite this article|to cite this article|how to cite)", line, re.I):
            year = re.search(r"\b(19\d{2}|20\d{2})\b", line)
            if meta.year is None and year:
                meta.year = int(year.group(1))
            journal = re.search(r"[?.]\s+([A-Z][A-Za-z .&]+?)\s+(?:19|20)\d{2}", line)
            if meta.journal is None and journal:
                meta.journal = journal.group(1).strip()


def build_document(doc_id: str, raw: RawDocument, meta: DocumentMeta) -> Document:
    """Build the structured document from raw blocks and metadata."""
    classified = classify(raw.blocks, meta.title, meta.authors)
    meta = meta.model_copy(update={"furniture": meta.furniture + classified.furniture})
    _parse_cite_line(classified.furniture, meta)
    w = _Writer()
    section_title = meta.title
    sections: list[Section] = []
    blocks: list[Block] = []
    tables: list[Table] = []
    references: list[Reference] = []
    pending_table: Table | None = None
    for tb in classified.blocks:
        if tb.kind == "heading":
            span = w.write(tb.text, "heading")
            if sections:
                sections[-1].end = span.start
            section_title = tb.text
            sections.append(Section(title=tb.text, heading=span, start=span.start, end=span.end))
            pending_table = None
            continue
        if tb.kind == "table":
            pending_table = _write_table(w, tb, section_title, blocks)
            tables.append(pending_table)
            continue
        if tb.kind == "reference":
            parsed = parse_reference(tb.text)
            prefix = f"{tb.number}. "
            line = w.write(prefix + parsed.text, "reference")
            span = Span(start=line.start + len(prefix), end=line.end)
            blocks.append(Block(kind="reference", section=section_title, start=span.start, end=span.end))
            references.append(Reference(number=tb.number or len(references) + 1, authors=parsed.authors,
                                        title=parsed.title, journal=parsed.journal, year=parsed.year,
                                        text=parsed.text, start=span.start, end=span.end))
            continue
        kind = tb.kind
        span = w.write(strip_emphasis(tb.text), kind)
        blocks.append(Block(kind=kind, section=section_title, level=tb.level, start=span.start, end=span.end))
        if kind == "legend" and pending_table is not None:
            pending_table.legend = span
        pending_table = None
    text = w.text
    if sections:
        sections[-1].end = len(text)
    if not sections or sections[0].start > 0:
        sections.insert(0, Section(title=meta.title, start=0, end=sections[0].start if sections else len(text)))
    sentences = [
        Sentence(start=s, end=e, block=i)
        for i, b in enumerate(blocks)
        if b.kind in ("paragraph", "list_item", "legend")
        for s, e in sentence_spans(text[b.start : b.end], b.start)
    ]
    known = {r.number for r in references}
    mentions = [
        CitationMention(start=b.start + s, end=b.start + e, numbers=nums)
        for b in blocks
        if b.kind != "reference"
        for s, e, nums in find_citations(text[b.start : b.end], known)
    ]
    glossary = build_glossary(
        [text[b.start : b.end] for b in blocks if b.kind in ("paragraph", "list_item")],
        [text[b.start : b.end] for b in blocks if b.kind == "legend"],
    )
    return Document(doc_id=doc_id, meta=meta, text=text, sections=sections, blocks=blocks,
                    sentences=sentences, tables=tables, references=references, mentions=mentions,
                    glossary=glossary)


def _write_table(w: _Writer, tb: TypedBlock, section: str, blocks: list[Block]) -> Table:
    rows = [[strip_emphasis(c.strip()) for c in line.split("\t")] for line in tb.rows]
    columns = [c or f"Column {i + 1}" for i, c in enumerate(rows[0])]
    lines = ["\t".join(r) for r in rows]
    span = w.write("\n".join(lines), "table")
    table_rows: list[TableRow] = []
    offset = span.start
    header = Span(start=offset, end=offset + len(lines[0]))
    for n, (cells, line) in enumerate(zip(rows, lines, strict=True)):
        if n > 0:
            parsed_cells, pos = [], offset
            for i, cell in enumerate(cells):
                column = columns[i] if i < len(columns) else f"Column {i + 1}"
                parsed_cells.append(TableCell(column=column, text=cell, start=pos, end=pos + len(cell)))
                pos += len(cell) + 1
            table_rows.append(TableRow(start=offset, end=offset + len(line), cells=parsed_cells))
            blocks.append(Block(kind="table_row", section=section, start=offset, end=offset + len(line)))
        else:
            blocks.append(Block(kind="table_header", section=section, start=offset, end=offset + len(line)))
        offset += len(line) + 1
    return Table(section=section, columns=columns, header=header, rows=table_rows,
                 start=span.start, end=span.end)
