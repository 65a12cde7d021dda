"""FAISS vector index over normalised embeddings: exact inner product for small corpora, HNSW above."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_NEIGHBOURS = 32


def build_vectors(vectors: np.ndarray, hnsw_threshold: int) -> tuple[faiss.Index, str]:
    """An `IndexFlatIP`, or an `IndexHNSWFlat` (inner product) when there are more than `hnsw_threshold` rows."""
    dim = vectors.shape[1]
    index: faiss.Index
    if len(vectors) > hnsw_threshold:
        index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        kind = "hnsw"
    else:
        index = faiss.IndexFlatIP(dim)
        kind = "flat"
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index, kind


def search_vectors(index: faiss.Index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, ids) for one query vector; ids of -1 (fewer than k vectors) are dropped."""
    x = query.reshape(1, -1).astype(np.float32)
    if isinstance(index, faiss.IndexHNSW):
        # Per-call parameters: setting `index.hnsw.efSearch` would race between concurrent requests.
        params = faiss.SearchParametersHNSW(efSearch=max(64, 2 * k))  # type: ignore[attr-defined]  # not in faiss' stubs
        scores, ids = index.search(x, min(k, index.ntotal), params=params)
    else:
        scores, ids = index.search(x, min(k, index.ntotal))
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


def save_vectors(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_vectors(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))
