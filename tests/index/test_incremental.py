"""Incremental builds: added, changed and deleted documents; every distinct text embedded once."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from corpus.store import BUILTIN_CORPUS
from index.build import build_index
from index.embedder import Embedder
from index.store import load_index

CAFFEINE = """# Caffeine for Apnoea of Prematurity

Caffeine citrate reduced the rate of bronchopulmonary dysplasia in the CAP trial. Infants treated with caffeine
came off positive airway pressure one week earlier than those given placebo.
"""
SURFACTANT = """# Less Invasive Surfactant

Less invasive surfactant administration lowered the need for mechanical ventilation in preterm infants.
Caffeine citrate reduced the rate of bronchopulmonary dysplasia in the CAP trial.
"""


def _unit_vectors(index_dir: Path, embedder: Embedder, doc_id: str) -> np.ndarray:
    index = load_index(index_dir, embedder)
    (lo, hi), = index.store.query("SELECT unit_lo, unit_hi FROM documents WHERE doc_id = ?", (doc_id,))
    return np.array(index.unit_vectors[lo:hi])


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(BUILTIN_CORPUS, folder)
    (folder / "caffeine.md").write_text(CAFFEINE, encoding="utf-8")
    return folder


def test_add_change_and_delete_touch_only_those_documents(corpus: Path, tmp_path: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "index"
    first = build_index(corpus, index_dir, embedder)
    assert (first.parsed, first.copied) == (3, 0)
    review_before = _unit_vectors(index_dir, embedder, "kersin-2021-breast-milk-stem-cells")

    (corpus / "surfactant.md").write_text(SURFACTANT, encoding="utf-8")  # added
    (corpus / "caffeine.md").write_text(CAFFEINE.replace("one week", "nine days"), encoding="utf-8")  # changed
    for name in ("msc-secretome-preterm-infants-summary.txt", "msc-secretome-preterm-infants-summary.meta.json"):
        (corpus / name).unlink()  # deleted
    second = build_index(corpus, index_dir, embedder)
    assert (second.parsed, second.copied) == (2, 1)
    # Only texts never embedded before went to the model: the changed sentence (as unit and in its chunk), the
    # new document's new sentence; its copy of the caffeine sentence was known already.
    assert 0 < second.manifest.embedded_texts <= 6

    index = load_index(index_dir, embedder)
    assert set(index.documents) == {"kersin-2021-breast-milk-stem-cells", "caffeine", "surfactant"}
    assert "msc-secretome-preterm-infants-summary" not in index.documents
    hits = index.search("secretome of mesenchymal stem cells without live-cell risks", 10)
    assert all(h.chunk.doc_id != "msc-secretome-preterm-infants-summary" for h in hits)
    assert "nine days" in index.documents["caffeine"].text
    assert np.array_equal(_unit_vectors(index_dir, embedder, "kersin-2021-breast-milk-stem-cells"), review_before)
    # The copied review keeps its own authors' names, each word folded, as the first build wrote them.
    assert index.lookups.documents_by(["kersin", "ozek", "sinem", "caffeine"], 10) == {
        "kersin": {"kersin-2021-breast-milk-stem-cells"}, "ozek": {"kersin-2021-breast-milk-stem-cells"},
        "sinem": {"kersin-2021-breast-milk-stem-cells"}}

    third = build_index(corpus, index_dir, embedder)  # nothing changed: nothing parsed, nothing embedded
    assert (third.parsed, third.copied, third.manifest.embedded_texts) == (0, 3, 0)
    assert third.manifest.corpus_hash == second.manifest.corpus_hash


def test_a_rebuild_from_scratch_embeds_everything_again(corpus: Path, tmp_path: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "index"
    first = build_index(corpus, index_dir, embedder)
    again = build_index(corpus, index_dir, embedder, reuse=False)
    assert again.parsed == 3 and again.manifest.embedded_texts == first.manifest.embedded_texts


def test_each_distinct_text_is_embedded_once(corpus: Path, tmp_path: Path, embedder: Embedder) -> None:
    (corpus / "surfactant.md").write_text(SURFACTANT, encoding="utf-8")
    report = build_index(corpus, tmp_path / "index", embedder)
    m = report.manifest
    index = load_index(tmp_path / "index", embedder)
    # The shared caffeine sentence is one text for two documents; table rows and references are embedded once
    # for their chunk and their unit.
    assert m.embedded_texts < m.chunks + m.units
    rows = index.store.query("SELECT count(DISTINCT text_hash) FROM (SELECT text_hash FROM chunks UNION ALL "
                             "SELECT text_hash FROM units)")
    assert m.embedded_texts == rows[0][0]


def test_a_text_repeated_in_a_later_batch_reuses_the_vector(corpus: Path, tmp_path: Path, embedder: Embedder,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # One document per batch: the caffeine sentence that the surfactant document repeats is embedded with the
    # first document's batch and must be found again in this build's own store, not embedded a second time.
    monkeypatch.setattr("index.build.EMBED_BATCH_TEXTS", 1)
    (corpus / "surfactant.md").write_text(SURFACTANT, encoding="utf-8")
    calls: list[str] = []
    encode = embedder.encode
    monkeypatch.setattr(embedder, "encode", lambda texts, progress=False: calls.extend(texts) or encode(texts))
    report = build_index(corpus, tmp_path / "index", embedder)
    assert len(calls) == len(set(calls)) == report.manifest.embedded_texts
    index = load_index(tmp_path / "index", embedder)
    sentence = "Caffeine citrate reduced the rate of bronchopulmonary dysplasia in the CAP trial."
    rows = index.store.query("SELECT u.id FROM units u JOIN documents d ON d.id = u.doc WHERE d.doc_id IN "
                             "('caffeine', 'surfactant') AND u.plain = ?", (sentence,))
    assert len(rows) == 2
    assert np.array_equal(index.unit_vectors[rows[0][0]], index.unit_vectors[rows[1][0]])
    assert sentence in calls
