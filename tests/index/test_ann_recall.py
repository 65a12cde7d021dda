"""The approximate vector index keeps recall@10 >= 0.95 against exact search for real questions.

A generated library of a few thousand passages (`eval.synthetic`) is indexed with the inverted file forced on
(`exact_threshold` below its size). Its passages get derived vectors (mixes of real-model vectors of a sample
of its texts: embedding every passage would make the test slow), the index is opened with the real model,
and questions about the generated documents are encoded by the real model and searched both ways.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from eval.synthetic.corpus import calibrate, write_corpus
from eval.synthetic.documents import Generator
from eval.synthetic.questions import generate_questions
from eval.synthetic.sources import load_pools
from eval.synthetic.vectors import DerivedEmbedder
from index.build import BuildOptions, build_index
from index.embedder import Embedder
from index.model import ChunkingConfig
from index.store import load_index
from index.vectors import build_vectors, exact_top, search_vectors

PASSAGES = 3000
SAMPLE = 300  # generated texts embedded by the real model, the basis of every derived vector


def test_ivf_recall_at_10_against_exact(tmp_path: Path, embedder: Embedder) -> None:
    generator = Generator(load_pools(), seed=11)
    calibration = calibrate(generator, ChunkingConfig(), count=120, start=100_000)
    write_corpus(tmp_path / "corpus", generator, PASSAGES, calibration.ratio)
    texts = random.Random(0).sample(sorted(set(calibration.texts)), SAMPLE)
    derived = DerivedEmbedder(embedder.encode(texts), embedder.name, seed=11)

    report = build_index(tmp_path / "corpus", tmp_path / "index", derived,  # type: ignore[arg-type]
                         BuildOptions(exact_threshold=500))
    params = report.manifest.vector_index
    assert params.kind == "ivf" and report.manifest.chunks >= 0.9 * PASSAGES
    assert 0 < params.nprobe < params.nlist, "calibration must stop before scanning every list"

    index = load_index(tmp_path / "index", embedder)
    questions = generate_questions(generator, documents=150, count=120, seed=5)
    vectors = np.stack([embedder.encode_query(q) for q in questions]).astype(np.float32)
    truth = exact_top(index.chunk_vectors, vectors, 10)
    found = [[i for i, _ in index.dense(q, 10)] for q in questions]
    recall = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))
    assert recall >= 0.95, f"IVF recall@10 {recall:.3f} (nprobe {params.nprobe}/{params.nlist})"


def test_ivfpq_probes_the_lists_it_is_asked_to() -> None:
    # The product-quantized index finds its lists through an HNSW over the centroids; probing every list with
    # every vector re-scored must then be exact search. (An HNSW left at its default search width returned
    # about 16 lists whatever nprobe said.)
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(6000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index, params = build_vectors(vectors, "ivfpq", vectors[:200])
    assert params.kind == "ivfpq" and params.nlist >= 64 and params.pq_m > 0
    queries = rng.normal(size=(30, 64)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    truth = exact_top(vectors, queries, 10)
    everything = params.model_copy(update={"nprobe": params.nlist, "rerank": len(vectors)})
    found = [search_vectors(index, everything, vectors, q, 10)[1] for q in queries]
    assert all(set(f) == set(t) for f, t in zip(found, truth, strict=True))
