"""Everything the index stores about one document, computed once at index time from that document alone.

A `PreparedDocument` holds the chunks and answer units with their texts to embed, and what the answer engine
needs per unit at question time (glossary-expanded tokens, the text without its in-text citations, the
studies it speaks of), so that loading an index recomputes nothing. Preparing depends on nothing but the
document, so documents can be prepared in parallel (a Ray pipeline does it on many machines) and reused
unchanged by the next build when their file did not change.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from pydantic import BaseModel

from corpus.model import Document
from corpus.store import load_document
from index.chunking import chunk_document
from index.glossary import Glossary, long_key
from index.lexical import fold, tokenize
from index.model import Chunk, ChunkingConfig, Unit
from index.roles import Role, unit_role
from index.units import document_units


class UnitFacts(BaseModel):
    """What the answer engine needs of a unit, without the document: its tokens, plain text, the studies it
    speaks of, what it does in the report (`index.roles`) and whether it is an abbreviation legend."""

    tokens: list[str]
    plain: str
    study_refs: list[int]
    role: Role = "other"
    legend: bool = False


class GlossaryEntry(BaseModel):
    """One abbreviation the document defines, with where its definition is quoted from (if found)."""

    short: str
    long: str
    long_key: str
    def_start: int | None = None
    def_end: int | None = None


class PreparedDocument(BaseModel):
    """A parsed document with its chunks, units and per-unit facts, ready to embed and write."""

    doc: Document
    chunks: list[Chunk]
    chunk_tokens: list[list[str]]
    units: list[Unit]
    facts: list[UnitFacts]
    glossary: list[GlossaryEntry]
    authors: list[tuple[str, int]]  # (first author's folded surname, reference number)
    entity_kinds: list[tuple[str, str]]  # (short form, header of the table column it occurs in)

    def texts(self) -> list[str]:
        """The texts to embed: chunks first, then units."""
        return [c.embed_text for c in self.chunks] + [u.embed_text for u in self.units]


def surname(author: str) -> str:
    """The family name's last word, folded: "van Velthoven CT" -> "velthoven", "Özek E" -> "ozek"."""
    words = [w for w in author.split() if not (w.isupper() and len(w) <= 3)]
    return fold(words[-1] if words else author.split()[0])


class _Mentions:
    """The document's in-text citations, searchable by offset."""

    def __init__(self, doc: Document) -> None:
        self.items = sorted(doc.mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.items]

    def inside(self, start: int, end: int) -> list[tuple[int, int, list[int]]]:
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [(m.start, m.end, m.numbers) for m in self.items[lo:hi] if m.end <= end]


def _plain(doc: Document, unit: Unit, mentions: list[tuple[int, int, list[int]]]) -> str:
    """The unit's text with its citations blanked: "(39)" is not a number a question could ask for."""
    text = doc.text[unit.start : unit.end]
    if unit.kind == "reference":
        return text
    for start, end, _ in reversed(mentions):
        a, b = start - unit.start, end - unit.start
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _study_refs(doc: Document, units: list[Unit], cited: list[list[int]]) -> list[list[int]]:
    """References each unit speaks of: its own citations; a sentence without any continues the study of the
    sentence before it in the same paragraph ("In a study by Pisano et al. (45) ... The results showed ...")."""
    numbers = {r.start: r.number for r in doc.references}
    out: list[list[int]] = []
    for i, u in enumerate(units):
        if u.kind == "reference":
            out.append([numbers[u.start]] if u.start in numbers else [])
        elif cited[i] or i == 0 or units[i - 1].block != u.block or units[i - 1].kind == "reference":
            out.append(cited[i])
        else:
            out.append(out[-1])
    return out


def _role(unit: Unit, text: str) -> Role:
    """Table rows and bibliography entries state no finding or aim of their own."""
    return "other" if unit.kind in ("table_row", "reference") else unit_role(unit.section, text)


def _definition(doc: Document, short: str, long_form: str, legends: list[tuple[int, str]]) -> tuple[int, int] | None:
    """Where the document defines `short`: `SF: long form` in a legend, or `long form (SF)` in the text."""
    for start, text in legends:
        m = re.search(rf"(?<![\w-]){re.escape(short)}\s*[:,]\s*[^;]+", text)
        if m:
            return start + m.start(), start + m.end()
    m = re.search(rf"{re.escape(long_form)}\s*\({re.escape(short)}\)", doc.text, re.I)
    return (m.start(), m.end()) if m else None


def _entity_kinds(doc: Document, glossary: Glossary) -> list[tuple[str, str]]:
    """The table column each abbreviation of the document occurs in (BPD -> "Disease")."""
    kinds: dict[str, str] = {}
    for table in doc.tables:
        for c, header in enumerate(table.columns):
            cells = " ".join(row.cells[c].text for row in table.rows if c < len(row.cells))
            for short in glossary.entities(cells):
                kinds.setdefault(short, header)
    return list(kinds.items())


def prepare_document(doc: Document, chunking: ChunkingConfig) -> PreparedDocument:
    """Chunks, units and the per-unit facts of `doc`, its text expanded with its own glossary."""
    glossary = Glossary.of(doc.glossary)
    chunks = chunk_document(doc, chunking)
    units = document_units(doc)
    mentions = _Mentions(doc)
    inside = [mentions.inside(u.start, u.end) for u in units]
    cited = [list(dict.fromkeys(n for _, _, numbers in found for n in numbers)) for found in inside]
    refs = _study_refs(doc, units, cited)
    facts = [
        UnitFacts(tokens=sorted(set(tokenize(glossary.expand(doc.text[u.start : u.end])))),
                  plain=_plain(doc, u, found), study_refs=r, role=_role(u, doc.text[u.start : u.end]),
                  legend=0 <= u.block < len(doc.blocks) and doc.blocks[u.block].kind == "legend")
        for u, found, r in zip(units, inside, refs, strict=True)
    ]
    legends = [(b.start, doc.text[b.start : b.end]) for b in doc.blocks if b.kind == "legend"]
    entries = []
    for short, long_form in doc.glossary.items():
        span = _definition(doc, short, long_form, legends)
        entries.append(GlossaryEntry(short=short, long=long_form, long_key=long_key(long_form),
                                     def_start=span[0] if span else None, def_end=span[1] if span else None))
    authors = [(surname(r.authors[0]), r.number) for r in doc.references if r.authors]
    return PreparedDocument(
        doc=doc, chunks=chunks, chunk_tokens=[tokenize(glossary.expand(c.embed_text)) for c in chunks],
        units=units, facts=facts, glossary=entries, authors=authors, entity_kinds=_entity_kinds(doc, glossary),
    )


def prepare_file(path: Path, doc_id: str, chunking: ChunkingConfig) -> tuple[str, list[str]]:
    """Parse and prepare one source file: the prepared document as JSON and its texts to embed (the first stage
    of the distributed build, run on Ray workers; raises `UnreadableDocument`)."""
    prep = prepare_document(load_document(path, doc_id), chunking)
    return prep.model_dump_json(), prep.texts()
