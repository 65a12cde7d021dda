"""Persistence: round trip, manifest checks, atomic replacement and stale-corpus detection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from corpus.store import BUILTIN_CORPUS
from index.embedder import Embedder
from index.errors import IndexIncompatible, IndexNotFound
from index.model import ChunkingConfig
from index.search import SearchIndex
from index.store import build_index, is_stale, known_vectors, load_index, read_manifest, write_index


def test_manifest_describes_the_index(index_dir: Path) -> None:
    m = read_manifest(index_dir)
    assert m.model == "all-MiniLM-L6-v2" and m.dimension == 384
    assert m.documents == 2 and m.chunks > 50 and m.vector_index == "flat"
    assert sorted(p.name for p in index_dir.iterdir()) == [
        "bm25", "chunks.json", "documents.json", "embeddings.npy", "manifest.json", "unit_embeddings.npy", "units.json",
        "vectors.faiss"]
    assert not list(index_dir.rglob("*.pkl"))


def test_round_trip_gives_the_same_results(index_dir: Path, search_index: SearchIndex, embedder: Embedder) -> None:
    again = load_index(index_dir, embedder)
    assert [c.model_dump() for c in again.chunks] == [c.model_dump() for c in search_index.chunks]
    vectors = np.load(index_dir / "embeddings.npy")
    assert vectors.shape == (len(again.chunks), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    for mode in ("hybrid", "dense", "bm25"):
        a = [h.chunk.chunk_id for h in again.search("routes of stem cell delivery", 5, mode)]
        b = [h.chunk.chunk_id for h in search_index.search("routes of stem cell delivery", 5, mode)]
        assert a == b and len(a) == 5


def test_hnsw_above_the_threshold(tmp_path: Path, embedder: Embedder) -> None:
    manifest, _ = build_index(BUILTIN_CORPUS, tmp_path / "hnsw", embedder, ChunkingConfig(), hnsw_threshold=10)
    assert manifest.vector_index == "hnsw"
    idx = load_index(tmp_path / "hnsw", embedder)
    assert idx.search("intratracheal", 3, "dense")


def test_failed_build_leaves_the_previous_index_usable(index_dir: Path, tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "idx"
    shutil.copytree(index_dir, folder)
    before = read_manifest(folder)

    def crash(_: Path) -> None:
        raise RuntimeError("disk full")

    docs = list(load_index(folder, embedder).documents.values())[:1]
    with pytest.raises(RuntimeError, match="disk full"):
        write_index(folder, docs, embedder, ChunkingConfig(), "other-hash", before_swap=crash)
    assert read_manifest(folder) == before
    assert load_index(folder, embedder).search("breast milk", 1)
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]  # no temp folder left behind


def test_a_build_stopped_between_its_renames_loses_nothing(index_dir: Path, tmp_path: Path,
                                                         embedder: Embedder) -> None:
    """The state a crash between "old folder aside" and "new folder in place" leaves: the old index is
    put back on the next read."""
    folder = tmp_path / "idx"
    shutil.copytree(index_dir, tmp_path / ".idx.old-123-456")
    assert not folder.exists()
    assert read_manifest(folder) == read_manifest(index_dir)
    assert load_index(folder, embedder).search("breast milk", 1)
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


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


def test_missing_index(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexNotFound, match="qa index"):
        load_index(tmp_path / "none", embedder)


def test_changed_corpus_is_detected(index_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUILTIN_CORPUS, corpus)
    folder = tmp_path / "idx"
    shutil.copytree(index_dir, folder)
    _edit_manifest(folder, corpus_hash=json.loads((index_dir / "manifest.json").read_text())["corpus_hash"])
    assert is_stale(folder, corpus, "all-MiniLM-L6-v2", ChunkingConfig()) is None
    (corpus / "new.md").write_text("# New\n\nA new review about caffeine.\n")
    assert "corpus changed" in (is_stale(folder, corpus, "all-MiniLM-L6-v2", ChunkingConfig()) or "")
    assert "chunking" in (is_stale(folder, BUILTIN_CORPUS, "all-MiniLM-L6-v2", ChunkingConfig(chunk_chars=300)) or "")


def test_rebuild_reuses_known_vectors(index_dir: Path, tmp_path: Path, search_index: SearchIndex,
                                      embedder: Embedder) -> None:
    known = known_vectors(search_index)
    assert all(c.embed_text in known for c in search_index.chunks)
    docs = list(search_index.documents.values())
    write_index(tmp_path / "again", docs, embedder, ChunkingConfig(), "same", known=known)
    again = np.load(tmp_path / "again" / "embeddings.npy")
    assert np.array_equal(again, np.load(index_dir / "embeddings.npy"))
