"""Domain types of the index layer: chunks, search hits and the on-disk manifest."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ChunkKind = Literal["text", "table_row", "list", "reference"]
SearchMode = Literal["hybrid", "dense", "bm25"]

FORMAT_VERSION = 2


class Chunk(BaseModel):
    """A retrievable unit; `document.text[start:end]` is exactly its source text."""

    chunk_id: str
    doc_id: str
    section: str
    kind: ChunkKind
    start: int
    end: int
    text: str
    embed_text: str = Field(description="What is embedded and indexed: the text with its context.")
    references: list[int] = Field(default_factory=list, description="Reference numbers the span cites.")


UnitKind = Literal["sentence", "list_item", "table_row", "reference"]


class Unit(BaseModel):
    """The smallest citable span: a sentence, list item, table row or reference entry."""

    doc_id: str
    kind: UnitKind
    section: str
    start: int
    end: int
    block: int = Field(description="Index of the block in `Document.blocks`.")
    embed_text: str


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
    format_version: int = FORMAT_VERSION
    model: str
    dimension: int
    chunking: ChunkingConfig
    corpus_hash: str
    documents: int
    chunks: int
    units: int
    vector_index: Literal["flat", "hnsw"]
    built_at: str
    build_seconds: float
