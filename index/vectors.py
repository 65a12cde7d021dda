"""FAISS over the chunk vectors: exact search for small corpora, IVF above, IVF with product quantization for
the largest; approximate candidates are re-scored exactly from the memory-mapped vectors.

The approximate index is an inverted file because it trains and fills in seconds to minutes on a laptop CPU
(HNSW construction of a million vectors takes tens of minutes on two cores). How many lists a question probes
(`nprobe`) is chosen at build time by measurement: question-like vectors are searched both ways and the
smallest `nprobe` whose recall@10 against exact search reaches `TARGET_RECALL` is kept, with the recall it
measured, in the manifest. A question sits farther from every passage than the corpus's own sentences do
(nearest-chunk cosine about 0.5 against 0.75), and far queries are the hard ones for an inverted file: their
neighbours spread over many lists. So the probes are the normalised sums of three random sentence vectors of
the corpus (its answer units): a query among three topics, as far from the passages as a question. Measured with
200 PubMedQA questions on the scale bench's indexes (`bench/scale.py`): at 100k passages, sentences alone at
0.97 chose nprobe 32 and the questions then got recall@10 0.90; sums of two at 0.99 chose 96 to 128 and the
questions got 0.96 to 0.985. At 1M passages (2,048 lists) sums of two reached 0.99 at nprobe 16, where the
questions got 0.958; sums of three stay at or below the questions' recall at every nprobe there (4: 0.83 vs
0.86, 16: 0.945 vs 0.958, 48: 0.98 vs 0.99, 96: 0.995 vs 0.996), so calibrating them to 0.98 keeps questions
at about 0.99.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import faiss
import numpy as np
from pydantic import BaseModel

from index.scope import EXACT_SCOPE_CHUNKS, Scope

VectorKind = Literal["flat", "ivf", "ivfpq"]
TARGET_RECALL = 0.98  # on the three-sentence probes; real questions measured 0.99 where these reach 0.98
CALIBRATION_QUERIES = 200
RECALL_K = 10
NPROBES = (4, 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512)
TRAIN_POINTS_PER_LIST = 40
PQ_RERANK = 1000
_BLOCK = 65_536  # rows per block when scanning the memory-mapped vectors exactly


class VectorParams(BaseModel):
    """How the vector index was built and is searched (stored in the manifest)."""

    kind: VectorKind
    nlist: int = 0
    nprobe: int = 0
    pq_m: int = 0
    rerank: int = 0  # candidates re-scored exactly per question (a multiple of k, at least this many)
    recall_at_10: float | None = None  # against exact search, measured at build time


def choose_kind(n: int, exact_threshold: int, pq_threshold: int) -> VectorKind:
    if n <= exact_threshold:
        return "flat"
    return "ivf" if n <= pq_threshold else "ivfpq"


def _nlist(n: int) -> int:
    """About 2·√n lists, a power of two: a question scans a few thousand vectors per probed list at 1M."""
    return int(2 ** round(math.log2(max(64.0, 2 * math.sqrt(n)))))


def _pq_m(dim: int) -> int:
    """Sub-quantizers of 8 dimensions each (48 bytes per 384-d vector)."""
    m = dim // 8
    while dim % m:
        m -= 1
    return m


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Ids of the exact top-k inner products for each query, scanning the (memory-mapped) vectors by blocks."""
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_i = np.full((len(queries), k), -1, dtype=np.int64)
    for start in range(0, len(vectors), _BLOCK):
        block = np.asarray(vectors[start : start + _BLOCK], dtype=np.float32)
        s = queries @ block.T
        ids = np.broadcast_to(np.arange(start, start + len(block)), s.shape)
        both_s, both_i = np.concatenate([best_s, s], axis=1), np.concatenate([best_i, ids], axis=1)
        top = np.argpartition(-both_s, min(k, both_s.shape[1] - 1), axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(both_s, top, 1), np.take_along_axis(both_i, top, 1)
    return best_i


def build_vectors(vectors: np.ndarray, kind: VectorKind, queries: np.ndarray | None = None,
                  seed: int = 0) -> tuple[faiss.Index, VectorParams]:
    """The FAISS index of `kind` over `vectors` (float32, unit length); `queries` calibrate `nprobe`."""
    n, dim = vectors.shape
    if kind == "flat":
        flat = faiss.IndexFlatIP(dim)
        _add(flat, vectors)
        return flat, VectorParams(kind="flat")
    params = ivf_params(kind, n, dim)
    # The largest indexes assign vectors to lists through an HNSW over the centroids (fast coarse search).
    coarse = f"IVF{params.nlist}_HNSW32" if kind == "ivfpq" else f"IVF{params.nlist}"
    codes = f"PQ{params.pq_m}" if params.pq_m else "SQ8"
    index = faiss.index_factory(dim, f"{coarse},{codes}", faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, size=min(n, params.nlist * TRAIN_POINTS_PER_LIST), replace=False))
    ivf = faiss.extract_index_ivf(index)
    ivf.cp.niter = 12
    index.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
    _add(index, vectors)
    params.nprobe, params.recall_at_10 = calibrate(index, params, vectors, queries, rng)
    return index, params


def ivf_params(kind: VectorKind, n: int, dim: int) -> VectorParams:
    """Lists, code size and re-scoring depth of an inverted file over `n` vectors (nprobe is calibrated)."""
    m = _pq_m(dim) if kind == "ivfpq" else 0
    # Product-quantized scores misorder close neighbours (48 bytes for 384 dimensions), so the exact re-scoring
    # looks much deeper: at 10M vectors real questions got recall@10 0.84 from the top 100 candidates and 0.98
    # from the top 1,000 (nprobe 64), for 1.5 MB of vector reads per question.
    return VectorParams(kind=kind, nlist=_nlist(n), pq_m=m, rerank=PQ_RERANK if m else 50)


def _add(index: faiss.Index, vectors: np.ndarray) -> None:
    for start in range(0, len(vectors), _BLOCK):
        index.add(np.ascontiguousarray(vectors[start : start + _BLOCK], dtype=np.float32))


def calibrate(index: faiss.Index, params: VectorParams, vectors: np.ndarray, queries: np.ndarray | None,
               rng: np.random.Generator) -> tuple[int, float]:
    """The smallest nprobe reaching `TARGET_RECALL` recall@10 against exact search, and the recall it got."""
    if queries is None or len(queries) < 2:  # no sentences to ask with: the indexed vectors stand in
        queries = vectors
    queries = np.ascontiguousarray(_among_three(queries, rng), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    truth = exact_top(vectors, queries, RECALL_K)
    recall = 0.0
    for nprobe in (p for p in NPROBES if p <= params.nlist):
        params.nprobe = nprobe
        found = [search_vectors(index, params, vectors, q, RECALL_K)[1] for q in queries]
        recall = float(np.mean([len(set(f) & set(t)) / RECALL_K for f, t in zip(found, truth, strict=True)]))
        if recall >= TARGET_RECALL:
            break
    return params.nprobe, round(recall, 4)


def _among_three(sentences: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`CALIBRATION_QUERIES` sums of three random sentence vectors, none twice in a sum when there are three or
    more sentences (normalised by the caller)."""
    n = len(sentences)
    first = rng.integers(0, n, CALIBRATION_QUERIES)
    if n < 3:
        rest = rng.integers(0, n, (2, CALIBRATION_QUERIES))
    else:
        # Distinct offsets from the first: 1 <= a < b <= n - 1, so the three indices differ.
        a = rng.integers(1, n - 1, CALIBRATION_QUERIES)
        b = a + rng.integers(1, n - a, CALIBRATION_QUERIES)
        rest = np.stack([(first + a) % n, (first + b) % n])
    picks = [first, *rest]
    return np.sum([np.asarray(sentences[i], dtype=np.float32) for i in picks], axis=0)


def search_vectors(index: faiss.Index, params: VectorParams, vectors: np.ndarray, query: np.ndarray,
                   k: int, scope: Scope | None = None, exact_scope: int = EXACT_SCOPE_CHUNKS
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, ids) for one query vector, best first; approximate candidates re-scored exactly. With a
    `scope`, only its rows: scored exactly when it has at most `exact_scope` of them or the index is exact,
    else searched in the approximate index through the scope's ID selector."""
    x = query.reshape(1, -1).astype(np.float32)
    k = min(k, index.ntotal if scope is None else scope.chunks)
    if k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    if scope is not None and (params.kind == "flat" or scope.chunks <= exact_scope):
        # Range by range: a slice of the memory map is read in place, where indexing it by rows would copy.
        rows = scope.rows
        exact = np.concatenate([np.asarray(vectors[lo:hi], dtype=np.float32) @ x[0] for lo, hi in scope.ranges])
        top = np.argpartition(-exact, k - 1)[:k]
        order = top[np.lexsort((rows[top], -exact[top]))]
        return exact[order], rows[order]
    if params.kind == "flat":
        scores, ids = index.search(x, k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]
    # Per-call parameters: setting them on the shared index would race between concurrent requests.
    nprobe = params.nprobe
    if scope is not None:
        # A scope holding a share of the rows has about that share of them in each probed list: probing
        # proportionally more lists finds as many candidates as an unscoped search does.
        nprobe = min(params.nlist or nprobe, math.ceil(nprobe * index.ntotal / scope.chunks))
    search_params = faiss.SearchParametersIVF(nprobe=nprobe)  # type: ignore[call-arg]  # not in the stubs
    if scope is not None:
        search_params.sel = scope.selector(index.ntotal)
    if params.kind == "ivfpq":
        # Its coarse quantizer is an HNSW, which finds at most about efSearch good lists (default 16): without
        # this, nprobe above 16 probed lists far from the question (10M vectors: recall@10 stuck at 0.87).
        coarse = faiss.SearchParametersHNSW(efSearch=2 * nprobe)  # type: ignore[attr-defined]  # not in the stubs
        search_params.quantizer_params = coarse  # a raw pointer in FAISS: `coarse` lives until the search returns
    _, ids = index.search(x, min(index.ntotal, max(params.rerank, 4 * k)), params=search_params)
    candidates = np.unique(ids[0][ids[0] >= 0])
    exact = np.asarray(vectors[candidates], dtype=np.float32) @ x[0]
    order = np.argsort(-exact, kind="stable")[:k]
    return exact[order], candidates[order]


def save_vectors(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_vectors(path: Path, kind: VectorKind) -> faiss.Index:
    """Read the index memory-mapped: the inverted lists (or flat codes) stay on disk until a search needs them."""
    flag = faiss.IO_FLAG_MMAP_IFC if kind == "flat" else faiss.IO_FLAG_MMAP
    return faiss.read_index(str(path), flag | faiss.IO_FLAG_READ_ONLY)
