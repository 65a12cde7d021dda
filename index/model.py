"""Domain types of the index layer: chunks, search hits and the on-disk manifest."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from index.vectors import VectorParams

ChunkKind = Literal["text", "table_row", "list", "reference"]
SearchMode = Literal["hybrid", "dense", "bm25"]

# 4: units carry their role and legend flag (index/roles.py); an index of format 3 lacks those columns.
# 5: a table of document titles as bibliography entries name them (`titles`): cited studies in the library.
# 6: and the titles each bibliography entry may name (`cites`), for both directions of that link.
# 7: the words of each document's own authors' names (`doc_authors`): a question names a paper by them.
FORMAT_VERSION = 7


class Chunk(BaseModel):
    """A retrievable unit; `document.text[start:end]` is exactly its source text."""

    chunk_id: str
    doc_id: str
    section: str
    kind: ChunkKind
    start: int
    end: int
    text: str
    embed_text: str = Field("", description="What is embedded and indexed; kept at build time only, not stored.")
    references: list[int] = Field(default_factory=list, description="Reference numbers the span cites.")
    units: tuple[int, int] = Field((0, 0), description="Ids of the answer units it holds (a half-open range).")

    def overlaps(self, other: Chunk) -> bool:
        """Whether the two chunks share characters of one document (chunks of a sliding window do)."""
        return _share_text(self, other)


UnitKind = Literal["sentence", "list_item", "table_row", "reference"]


class Unit(BaseModel):
    """The smallest citable span: a sentence, list item, table row or reference entry."""

    doc_id: str
    kind: UnitKind
    section: str
    start: int
    end: int
    block: int = Field(description="Index of the block in `Document.blocks`.")
    embed_text: str = Field("", description="What is embedded; kept at build time only, not stored.")

    def overlaps(self, other: Unit) -> bool:
        """Whether the two spans share characters of one document."""
        return _share_text(self, other)


def _share_text(a: Chunk | Unit, b: Chunk | Unit) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


class SearchHit(BaseModel):
    chunk: Chunk
    score: float
    dense_rank: int | None = None
    dense_score: float | None = None
    bm25_rank: int | None = None
    bm25_score: float | None = None


class ChunkingConfig(BaseModel):
    chunk_chars: int = Field(700, ge=100, le=10_000)
    overlap_sentences: int = Field(1, ge=0, le=10)


class Manifest(BaseModel):
    """What an index folder holds and how it was built; written last, so a folder with it is complete."""

    format_version: int = FORMAT_VERSION
    model: str
    dimension: int
    chunking: ChunkingConfig
    corpus_hash: str = Field(description="Content hash of the sources, sidecars and parser version.")
    corpus_signature: str = Field(description="Hash of the source files' names, sizes and modification times.")
    # Where the sources were read from, so that a command opening the index without naming a corpus refreshes
    # this one, not the built-in reviews (which would replace a user's library): absent for indexes written
    # from parsed documents and for those built before it was recorded.
    corpus_dir: str | None = Field(None, description="The corpus folder the index was built from (absolute).")
    extra_dirs: list[str] = Field(default_factory=list, description="Further source folders read (uploads).")
    parser_version: str
    skipped: list[str] = Field(default_factory=list, description=(
        "Source files the build could not read, each with why (\"broken.pdf: not a readable PDF ...\"); "
        "`qa index` prints them, the API lists them beside the documents."))
    documents: int
    chunks: int
    units: int
    vector_index: VectorParams
    embedded_texts: int = Field(description="Texts the build sent to the model (the rest were reused).")
    built_at: str
    build_seconds: float
