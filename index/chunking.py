"""Cut documents into chunks: sentence windows inside a section, whole lists, one chunk per table row and
per reference entry. Every chunk keeps its exact offsets into the document text."""

from __future__ import annotations

from corpus.model import Document, Sentence, Table, TableRow
from index.model import Chunk, ChunkingConfig


def abbreviation_note(text: str, glossary: dict[str, str]) -> str:
    used = [f"{short} = {long}" for short, long in glossary.items() if short in text]
    return (" Abbreviations: " + "; ".join(used) + ".") if used else ""


def _context(doc: Document, section: str) -> str:
    return doc.meta.title if section == doc.meta.title else f"{doc.meta.title} — {section}"


def row_embed_text(doc: Document, table: Table, row: TableRow) -> str:
    cells = ". ".join(f"{c.column}: {c.text}" for c in row.cells if c.text)
    return f"{_context(doc, table.section)}. Table of studies. {cells}."


def _windows(sentences: list[Sentence], doc: Document, config: ChunkingConfig) -> list[tuple[int, int]]:
    """Greedy windows of whole sentences up to `chunk_chars`, overlapping by `overlap_sentences`."""
    windows = []
    i = 0
    while i < len(sentences):
        j = i + 1
        while j < len(sentences) and sentences[j].end - sentences[i].start <= config.chunk_chars:
            j += 1
        windows.append((i, j))
        if j >= len(sentences):
            break
        i = max(j - config.overlap_sentences, i + 1)
    return windows


def chunk_document(doc: Document, config: ChunkingConfig) -> list[Chunk]:
    chunks: list[Chunk] = []

    def add(kind: str, start: int, end: int, section: str, embed_text: str | None = None) -> None:
        text = doc.text[start:end]
        embed = embed_text or f"{_context(doc, section)}. {text}"
        chunks.append(Chunk(
            chunk_id=f"{doc.doc_id}:{len(chunks)}", doc_id=doc.doc_id, section=section, kind=kind,
            start=start, end=end, text=text, embed_text=embed + abbreviation_note(text, doc.glossary),
            references=doc.cited_numbers(start, end),
        ))

    # Prose: sentence windows per section (paragraphs and legends).
    by_section: dict[str, list[Sentence]] = {}
    for s in doc.sentences:
        block = doc.blocks[s.block]
        if block.kind in ("paragraph", "legend"):
            by_section.setdefault(block.section, []).append(s)
    for section, sentences in by_section.items():
        for i, j in _windows(sentences, doc, config):
            add("text", sentences[i].start, sentences[j - 1].end, section)

    # Lists: the whole list with the sentence that introduces it ("... as follows (9):").
    i = 0
    blocks = doc.blocks
    while i < len(blocks):
        if blocks[i].kind != "list_item":
            i += 1
            continue
        j = i
        while j + 1 < len(blocks) and blocks[j + 1].kind == "list_item":
            j += 1
        start = blocks[i].start
        intro = [s for s in doc.sentences if s.block == i - 1] if i > 0 else []
        if intro and doc.text[intro[-1].start : intro[-1].end].rstrip().endswith(":"):
            start = intro[-1].start
        add("list", start, blocks[j].end, blocks[i].section)
        i = j + 1

    for table in doc.tables:
        for row in table.rows:
            add("table_row", row.start, row.end, table.section, row_embed_text(doc, table, row))

    for ref in doc.references:
        add("reference", ref.start, ref.end, "References", f"Reference {ref.number}: {ref.text}")
        chunks[-1].references = [ref.number]
    return chunks
