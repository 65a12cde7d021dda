"""Answer units: the smallest citable spans (sentences, list items, table rows, reference entries).

The answer engine scores units, not chunks, so each unit gets its own embedding at index time.
"""

from __future__ import annotations

from corpus.model import Document
from index.chunking import abbreviation_note, row_embed_text
from index.model import Unit


def document_units(doc: Document) -> list[Unit]:
    """Every citable unit of `doc`, in text order; `doc.text[start:end]` is the unit's text."""
    units: list[Unit] = []
    block_at: dict[int, int] = {}
    for i, b in enumerate(doc.blocks):
        block_at.setdefault(b.start, i)
    for s in doc.sentences:
        block = doc.blocks[s.block]
        kind = "list_item" if block.kind == "list_item" else "sentence"
        text = doc.text[s.start : s.end]
        units.append(Unit(doc_id=doc.doc_id, kind=kind, section=block.section, start=s.start, end=s.end,
                          block=s.block, embed_text=text + abbreviation_note(text, doc.glossary)))
    for table in doc.tables:
        for row in table.rows:
            units.append(Unit(doc_id=doc.doc_id, kind="table_row", section=table.section, start=row.start,
                              end=row.end, block=block_at[row.start], embed_text=row_embed_text(doc, table, row)))
    for ref in doc.references:
        units.append(Unit(doc_id=doc.doc_id, kind="reference", section="References", start=ref.start, end=ref.end,
                          block=block_at[ref.start], embed_text=f"Reference {ref.number}: {ref.text}"))
    units.sort(key=lambda u: u.start)
    return units
