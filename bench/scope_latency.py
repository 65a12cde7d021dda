"""Latency of a search kept to some documents, against the same library's unscoped search (the baseline).

    .venv/bin/python bench/scope_latency.py [--chunks 1000000] [--per-document 100] [--queries 50]

A synthetic library of `--chunks` passages in documents of `--per-document` consecutive chunks: vectors drawn
around one topic per document (384 dimensions, unit length) in the inverted file the index builds above 50k
chunks (`index.vectors.build_vectors`, nprobe calibrated as at build time), and BM25 (bm25s, as `qa index`
writes it) over Zipf-distributed words. Scopes of 1, 10 and 100 documents are scored exactly; 1,000 documents
scattered over the library (a bitmap) and 1,000 adjacent ones (a row range) go through FAISS's ID selector.
For each, p50/p95 of the dense and the BM25 side per question, the ratio to the unscoped search measured in the
same run, and the dense recall@10 against exact search within the scope. Nothing here is a test: it prints.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  # the repository on sys.path
import numpy as np
from _common import percentile

from index.lexical import LexicalIndex, write_bm25
from index.scope import Scope
from index.vectors import build_vectors, search_vectors

DIM = 384
VOCABULARY = 50_000
WORDS_PER_CHUNK = 40


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _library(chunks: int, per_doc: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Chunk vectors around one topic per document, and the topics."""
    topics = _unit(rng.normal(size=(chunks // per_doc, DIM)))
    vectors = np.empty((chunks, DIM), dtype=np.float32)
    for start in range(0, chunks, 65_536):
        rows = np.arange(start, min(chunks, start + 65_536))
        vectors[rows] = _unit(topics[rows // per_doc] + rng.normal(size=(len(rows), DIM)) / np.sqrt(DIM))
    return vectors, topics


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chunks", type=int, default=1_000_000)
    ap.add_argument("--per-document", type=int, default=100)
    ap.add_argument("--queries", type=int, default=50)
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    docs = args.chunks // args.per_document
    t0 = time.perf_counter()
    vectors, topics = _library(args.chunks, args.per_document, rng)
    index, params = build_vectors(vectors, "ivf", vectors[rng.choice(args.chunks, 2000, replace=False)])
    print(f"{args.chunks:,} chunks in {docs:,} documents; IVF nlist {params.nlist}, nprobe {params.nprobe} "
          f"(recall@10 {params.recall_at_10}), built in {time.perf_counter() - t0:.0f} s")

    t0 = time.perf_counter()
    words = np.minimum(rng.zipf(1.3, size=(args.chunks, WORDS_PER_CHUNK)), VOCABULARY) - 1
    folder = Path(tempfile.mkdtemp(prefix="neoqa-scope-bench-"))
    write_bm25(folder, [row.astype(np.int32) for row in words], VOCABULARY)
    lexical = LexicalIndex(folder, lambda tokens: {t: int(t) for t in tokens})
    print(f"BM25 over {VOCABULARY:,} words built in {time.perf_counter() - t0:.0f} s\n")

    def scope_of(documents: np.ndarray) -> Scope:
        ranges = tuple((int(d) * args.per_document, (int(d) + 1) * args.per_document) for d in np.sort(documents))
        merged: list[tuple[int, int]] = []
        for lo, hi in ranges:  # adjacent documents make one range, as the store's consecutive rows do
            merged[-1:] = [(merged[-1][0], hi)] if merged and merged[-1][1] == lo else [*merged[-1:], (lo, hi)]
        return Scope(frozenset(str(d) for d in documents), tuple(merged))

    scopes: list[tuple[str, Scope | None]] = [("library (baseline)", None)]
    for n in (n for n in (1, 10, 100, 1000) if n <= docs):
        scopes.append((f"{n} documents", scope_of(rng.choice(docs, n, replace=False))))
    if docs >= 2000:
        scopes.append(("1000 adjacent documents", scope_of(np.arange(docs // 2, docs // 2 + 1000))))

    print(f"{'scope':<26}{'chunks':>9}{'dense p50':>11}{'p95':>8}{'x base':>8}{'bm25 p50':>10}{'p95':>8}"
          f"{'x base':>8}{'recall@10':>11}")
    base: tuple[float, float] | None = None
    for name, scope in scopes:
        dense_ms: list[float] = []
        bm25_ms: list[float] = []
        recalls = []
        for q in range(args.queries):
            # A question about one of the scope's documents (or any, for the library).
            doc = int(rng.choice(sorted(int(d) for d in scope.doc_ids))) if scope else int(rng.integers(docs))
            query = _unit(topics[doc : doc + 1] + 1.2 * rng.normal(size=(1, DIM)) / np.sqrt(DIM))[0]
            tokens = [str(t) for t in words[doc * args.per_document + q % args.per_document][:6]]
            t = time.perf_counter()
            _, ids = search_vectors(index, params, vectors, query, 80, scope)
            dense_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            lexical.top(tokens, 80, None if scope is None else scope.rows)
            bm25_ms.append((time.perf_counter() - t) * 1000)
            rows = np.arange(args.chunks) if scope is None else scope.rows
            truth = rows[np.argsort(-(vectors[rows] @ query))[:10]]
            recalls.append(len(set(ids[:10].tolist()) & set(truth.tolist())) / 10)
        d50, b50 = percentile(dense_ms, 0.5), percentile(bm25_ms, 0.5)
        base = base or (d50, b50)
        chunks = args.chunks if scope is None else scope.chunks
        print(f"{name:<26}{chunks:>9,}{d50:>9.1f}ms{percentile(dense_ms, 0.95):>6.1f}ms{d50 / base[0]:>7.2f}x"
              f"{b50:>8.1f}ms{percentile(bm25_ms, 0.95):>6.1f}ms{b50 / base[1]:>7.2f}x{np.mean(recalls):>11.3f}")


if __name__ == "__main__":
    main()
