"""Persistence: layout, round trip, manifest checks, old formats, atomic replacement and staleness."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from corpus.store import BUILTIN_CORPUS
from index.build import BuildOptions, build_index, write_index
from index.embedder import Embedder
from index.errors import IndexIncompatible, IndexNotFound
from index.model import FORMAT_VERSION, ChunkingConfig
from index.search import SearchIndex
from index.store import is_stale, load_index, read_manifest
from index.writer import CHUNK_VECTORS, author_words, open_vectors
from qa.engine import AnswerEngine


def test_manifest_describes_the_index(index_dir: Path) -> None:
    m = read_manifest(index_dir)
    assert m.model == "all-MiniLM-L6-v2" and m.dimension == 384 and m.format_version == FORMAT_VERSION
    assert m.documents == 2 and m.chunks > 50 and m.units > m.chunks and m.vector_index.kind == "flat"
    assert 0 < m.embedded_texts < m.chunks + m.units  # table rows and references are embedded once
    assert sorted(p.name for p in index_dir.iterdir()) == [
        "bm25", "chunk_vectors.f32", "manifest.json", "store.sqlite", "unit_vectors.f32", "vectors.faiss"]
    assert not list(index_dir.rglob("*.pkl")) and not (index_dir / "bm25" / "vocab.index.json").exists()


def test_round_trip_gives_the_same_results(index_dir: Path, search_index: SearchIndex, embedder: Embedder) -> None:
    again = load_index(index_dir, embedder)
    assert [c.model_dump() for c in again.iter_chunks()] == [c.model_dump() for c in search_index.iter_chunks()]
    vectors = open_vectors(index_dir / CHUNK_VECTORS, again.manifest.chunks, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    for mode in ("hybrid", "dense", "bm25"):
        a = [h.chunk.chunk_id for h in again.search("routes of stem cell delivery", 5, mode)]
        b = [h.chunk.chunk_id for h in search_index.search("routes of stem cell delivery", 5, mode)]
        assert a == b and len(a) == 5


def test_opening_an_index_reads_no_rows(index_dir: Path, embedder: Embedder) -> None:
    """Start-up does no per-document, per-chunk or per-unit work: nothing is read until a question asks."""
    index = load_index(index_dir, embedder)
    AnswerEngine(index)
    assert index.store.rows_read == 0
    index.search("intratracheal", 3)
    assert 0 < index.store.rows_read < 50


def test_approximate_index_above_the_threshold(tmp_path: Path, embedder: Embedder,
                                               search_index: SearchIndex) -> None:
    report = build_index(BUILTIN_CORPUS, tmp_path / "ivf", embedder, BuildOptions(exact_threshold=10))
    params = report.manifest.vector_index
    assert params.kind == "ivf" and params.nprobe > 0 and params.recall_at_10 is not None
    idx = load_index(tmp_path / "ivf", embedder)
    exact = [h.chunk.chunk_id for h in search_index.search("intratracheal stem cells", 5, "dense")]
    assert [h.chunk.chunk_id for h in idx.search("intratracheal stem cells", 5, "dense")] == exact


def test_failed_build_leaves_the_previous_index_usable(index_dir: Path, tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "idx"
    shutil.copytree(index_dir, folder)
    before = read_manifest(folder)

    def crash(_: Path) -> None:
        raise RuntimeError("disk full")

    docs = [load_index(folder, embedder).documents["kersin-2021-breast-milk-stem-cells"]]
    with pytest.raises(RuntimeError, match="disk full"):
        write_index(folder, docs, embedder, corpus_digest="other-hash", before_swap=crash)
    assert read_manifest(folder) == before
    assert load_index(folder, embedder).search("breast milk", 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".idx.lock", "idx"]  # no temp folder left behind


def test_a_build_stopped_between_its_renames_loses_nothing(index_dir: Path, tmp_path: Path,
                                                         embedder: Embedder) -> None:
    """The state a crash between "old folder aside" and "new folder in place" leaves: the old index is
    put back on the next read."""
    folder = tmp_path / "idx"
    shutil.copytree(index_dir, tmp_path / ".idx.old-123-456")
    assert not folder.exists()
    assert read_manifest(folder) == read_manifest(index_dir)
    assert load_index(folder, embedder).search("breast milk", 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".idx.lock", "idx"]


def _edit_manifest(folder: Path, **changes: object) -> None:
    path = folder / "manifest.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(("change", "message"), [
    ({"model": "all-mpnet-base-v2"}, "built with model 'all-mpnet-base-v2'"),
    ({"dimension": 768}, "dimension 768"),
    ({"format_version": 99}, "format 99"),
])
def test_manifest_mismatch_is_a_clear_error(index_dir: Path, tmp_path: Path, embedder: Embedder,
                                            change: dict[str, object], message: str) -> None:
    folder = tmp_path / "idx"
    shutil.copytree(index_dir, folder)
    _edit_manifest(folder, **change)
    with pytest.raises(IndexIncompatible, match=message) as err:
        load_index(folder, embedder)
    assert "rebuild" in str(err.value) or "QA_MODEL" in str(err.value)


def test_an_index_of_the_previous_format_asks_for_a_rebuild(tmp_path: Path, embedder: Embedder) -> None:
    """Format 2 kept documents.json, chunks.json and embeddings.npy: it is recognised, not misread."""
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "documents.json").write_text("[]")
    (folder / "chunks.json").write_text("[]")
    (folder / "manifest.json").write_text(json.dumps({
        "format_version": 2, "model": "all-MiniLM-L6-v2", "dimension": 384, "chunking": {}, "corpus_hash": "x",
        "documents": 0, "chunks": 0, "units": 0, "vector_index": "flat", "built_at": "", "build_seconds": 0}))
    message = rf"format 2, this version reads format {FORMAT_VERSION}: rebuild it with `qa index`"
    with pytest.raises(IndexIncompatible, match=message):
        load_index(folder, embedder)
    assert "rebuild it with `qa index`" in (is_stale(folder, BUILTIN_CORPUS, "all-MiniLM-L6-v2", ChunkingConfig())
                                            or "")
    report = build_index(BUILTIN_CORPUS, folder, embedder)  # what `qa index` and `qa serve` then do
    assert report.parsed == 2 and read_manifest(folder).format_version == FORMAT_VERSION
    assert not (folder / "documents.json").exists()


def test_missing_index(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexNotFound, match="qa index"):
        load_index(tmp_path / "none", embedder)


def test_changed_corpus_is_detected_and_a_touch_is_not(index_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUILTIN_CORPUS, corpus)
    folder = tmp_path / "idx"
    shutil.copytree(index_dir, folder)
    model = "all-MiniLM-L6-v2"
    assert is_stale(folder, corpus, model, ChunkingConfig()) is None  # same contents, other times: read once
    for path in corpus.iterdir():
        os.utime(path, ns=(1, 1))
    assert is_stale(folder, corpus, model, ChunkingConfig()) is None
    (corpus / "new.md").write_text("# New\n\nA new review about caffeine.\n")
    assert "corpus changed" in (is_stale(folder, corpus, model, ChunkingConfig()) or "")
    assert "chunking" in (is_stale(folder, BUILTIN_CORPUS, model, ChunkingConfig(chunk_chars=300)) or "")


@pytest.mark.parametrize(("authors", "words"), [
    (["Sinem Gülcan Kersin", "Eren Özek"], ["sinem", "gulcan", "kersin", "eren", "ozek"]),
    (["Kersin SG", "van Haften T"], ["kersin", "van", "haften"]),  # initials are no name a question says
    ([], []),
])
def test_a_documents_authors_are_stored_by_each_word_of_their_names(authors: list[str], words: list[str]) -> None:
    assert author_words(authors) == words
