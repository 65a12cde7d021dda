"""Hybrid search: dense (FAISS) and lexical (BM25) rankings fused by reciprocal rank fusion."""

from __future__ import annotations

import faiss
import numpy as np

from corpus.model import Document
from index.embedder import Embedder
from index.lexical import LexicalIndex, tokenize
from index.model import Chunk, Manifest, SearchHit, SearchMode, Unit
from index.vectors import search_vectors

RRF_K = 60
# Dense similarity of a one- or two-word query is mostly noise with small sentence models, while BM25 is
# exact there; so the dense vote grows with the number of content words and is full from four on.
FULL_DENSE_WEIGHT_TOKENS = 4


def dense_weight(query: str) -> float:
    return min(1.0, max(0.25, len(tokenize(query)) / FULL_DENSE_WEIGHT_TOKENS))


class SearchIndex:
    """A loaded index: documents, chunks, vectors and BM25, searchable by query."""

    def __init__(self, manifest: Manifest, documents: list[Document], chunks: list[Chunk],
                 vectors: faiss.Index, lexical: LexicalIndex, embedder: Embedder,
                 units: list[Unit] | None = None, unit_vectors: np.ndarray | None = None) -> None:
        self.manifest = manifest
        self.documents = {d.doc_id: d for d in documents}
        self.chunks = chunks
        self.vectors = vectors
        self.lexical = lexical
        self.embedder = embedder
        self.units = units or []
        self.unit_vectors = unit_vectors if unit_vectors is not None else np.zeros((0, manifest.dimension), np.float32)

    @property
    def glossary(self) -> dict[str, str]:
        return self.lexical.glossary

    def dense(self, query: str, depth: int) -> list[tuple[int, float]]:
        scores, ids = search_vectors(self.vectors, self.embedder.encode_query(query), depth)
        return [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)]

    def bm25(self, query: str, depth: int) -> list[tuple[int, float]]:
        scores = self.lexical.scores(query)
        order = np.argsort(-scores, kind="stable")[:depth]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]

    def search(self, query: str, k: int = 5, mode: SearchMode = "hybrid", depth: int | None = None) -> list[SearchHit]:
        """Top-k chunks for `query`; hybrid hits report both the dense and the BM25 rank and score."""
        depth = depth or max(50, 4 * k)
        dense = self.dense(query, depth) if mode in ("hybrid", "dense") else []
        lexical = self.bm25(query, depth) if mode in ("hybrid", "bm25") else []
        fused: dict[int, SearchHit] = {}
        for rank, (i, s) in enumerate(dense, 1):
            hit = fused.setdefault(i, SearchHit(chunk=self.chunks[i], score=0.0))
            hit.dense_rank, hit.dense_score = rank, s
        for rank, (i, s) in enumerate(lexical, 1):
            hit = fused.setdefault(i, SearchHit(chunk=self.chunks[i], score=0.0))
            hit.bm25_rank, hit.bm25_score = rank, s
        w_dense = dense_weight(query)
        for hit in fused.values():
            if mode == "dense":
                hit.score = hit.dense_score or 0.0
            elif mode == "bm25":
                hit.score = hit.bm25_score or 0.0
            else:
                hit.score = (w_dense / (RRF_K + hit.dense_rank) if hit.dense_rank else 0.0) + (
                    1.0 / (RRF_K + hit.bm25_rank) if hit.bm25_rank else 0.0
                )
        return sorted(fused.values(), key=lambda h: (-h.score, h.chunk.chunk_id))[:k]
