"""The synthetic library generator: seeded, parsed as intended by the real parser, calibrated to a passage
count; the derived-vector stand-in: deterministic, unit length, spread like real vectors rather than clumped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.store import corpus_sources, load_document
from eval.synthetic.corpus import calibrate, write_corpus
from eval.synthetic.documents import Generator
from eval.synthetic.sources import load_pools
from eval.synthetic.vectors import DerivedEmbedder, nearest_cosines
from index.chunking import chunk_document
from index.model import ChunkingConfig


@pytest.fixture(scope="module")
def generator() -> Generator:
    return Generator(load_pools(), seed=3)  # the built-in reviews only: no external data needed


def test_documents_are_seeded_and_independent(generator: Generator) -> None:
    again = Generator(load_pools(), seed=3)
    assert generator.document(17).text == again.document(17).text
    assert generator.document(17).text != generator.document(18).text
    assert Generator(load_pools(), seed=4).document(17).text != generator.document(17).text


def test_parser_finds_definitions_tables_references_and_citations(generator: Generator, tmp_path: Path) -> None:
    from eval.synthetic.documents import write_document

    shapes: set[str] = set()
    defined = total = 0
    for i in range(60):
        doc = generator.document(i)
        write_document(doc, tmp_path)
        parsed = load_document(tmp_path / f"{doc.name}.txt", doc.name)
        shapes.add(doc.shape)
        assert parsed.meta.title == doc.title and parsed.sections[0].title == doc.title
        glossary = {k: v.lower() for k, v in parsed.glossary.items()}
        total += len(doc.entities)
        defined += sum(glossary.get(e.short) == e.long.lower() for e in doc.entities)
        if doc.shape != "abstract":
            assert parsed.references, doc.name
            assert [r.number for r in parsed.references] == list(range(1, len(parsed.references) + 1))
            assert parsed.tables and len(parsed.tables[0].rows) >= 3
            assert parsed.mentions, "in-text citations link to the reference list"
    assert shapes == {"abstract", "article", "review"}
    assert defined >= 0.8 * total, f"{defined}/{total} entities defined as 'long form (SF)' in running text"


def test_corpus_hits_the_requested_passage_count(generator: Generator, tmp_path: Path) -> None:
    calibration = calibrate(generator, ChunkingConfig(), count=120, start=10_000)
    marker = write_corpus(tmp_path, generator, 1500, calibration.ratio)
    chunks = sum(len(chunk_document(load_document(s.path, s.doc_id), ChunkingConfig()))
                 for s in corpus_sources(tmp_path))
    assert abs(chunks - 1500) <= 150, (chunks, marker)


def test_derived_vectors_are_deterministic_unit_and_spread() -> None:
    rng = np.random.default_rng(0)
    # A sample with the structure of sentence embeddings: a shared direction plus topic directions.
    topics = rng.standard_normal((20, 64))
    sample = topics[rng.integers(0, 20, 500)] + 0.8 * rng.standard_normal((500, 64)) + 2.0
    embedder = DerivedEmbedder(sample, "all-MiniLM-L6-v2", seed=1)
    texts = [f"text {i}" for i in range(500)]
    a, b = embedder.encode(texts), embedder.encode(texts)
    assert a.dtype == np.float32 and a.shape == (500, 64) and np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(embedder.encode_query("text 3"), a[3])
    nearest = nearest_cosines(a)
    assert nearest.max() < 0.99, "no near-copies"
    assert np.array_equal(embedder.encode_ids(10, 5), embedder.encode_ids(0, 20)[10:15])
