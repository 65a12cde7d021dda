"""A user's library indexed with `qa index --corpus LIB --index-dir IDX`, then served with only the index named
(`qa serve --index-dir IDX`): the server answers from the library and refreshes it from LIB, never replacing
it with the built-in reviews (the default corpus), and an upload joins the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from corpus.store import BUILTIN_CORPUS
from index.build import build_index
from index.embedder import Embedder
from index.store import read_manifest, recorded_sources
from qa.settings import Settings
from tests.api.live import API_KEY, wait_ready

LIBRARY = {
    "caffeine-apnoea": "# Caffeine for apnoea of prematurity\n\nCaffeine citrate reduced apnoea episodes in "
                       "preterm infants.\n",
    "cord-clamping": "# Delayed cord clamping\n\nDelayed cord clamping reduced transfusions in very preterm "
                     "infants.\n",
    "kangaroo-care": "# Kangaroo mother care\n\nSkin-to-skin contact reduced hypothermia in low birth weight "
                     "infants.\n",
}


@pytest.fixture
def library(tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """The library's folder, its upload folder and its index, built as `qa index --corpus` builds it."""
    for name in ("QA_CORPUS_DIR", "QA_UPLOAD_DIR", "QA_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)  # the default corpus must be the one left to decide
    corpus, uploads, index = tmp_path / "library", tmp_path / "uploads", tmp_path / "index"
    corpus.mkdir()
    for name, text in LIBRARY.items():
        (corpus / f"{name}.md").write_text(text, encoding="utf-8")
    build_index(corpus, index, embedder, extra_dirs=[uploads])
    return corpus, uploads, index


def _served(index: Path, **given: object) -> Settings:
    return Settings(_env_file=None, index_dir=index, api_key=API_KEY, **given)  # type: ignore[call-arg]


def test_the_index_remembers_the_folders_it_was_built_from(library: tuple[Path, Path, Path]) -> None:
    corpus, uploads, index = library
    assert recorded_sources(index) == (corpus.resolve(), [uploads.resolve()])
    settings = _served(index)
    assert (settings.corpus_dir, settings.upload_dir) == (corpus.resolve(), uploads.resolve())
    # What is given is used as given: naming the built-in reviews indexes them.
    assert _served(index, corpus_dir=BUILTIN_CORPUS).corpus_dir == BUILTIN_CORPUS


def test_serving_the_index_alone_keeps_the_library_and_uploads_join_it(library: tuple[Path, Path, Path],
                                                                     embedder: Embedder) -> None:
    _, uploads, index = library
    built = read_manifest(index)
    with TestClient(create_app(_served(index), embedder)) as client:
        wait_ready(client)
        listed = {d["doc_id"] for d in client.get("/v1/documents").json()["documents"]}
        assert listed == set(LIBRARY)
        assert read_manifest(index).built_at == built.built_at  # up to date: not rebuilt from another corpus
        # The library is the user's papers, not the built-in reviews, and says so when it has no answer.
        refused = client.post("/v1/ask", json={"question": "Who won the 2018 World Cup?"}).json()
        assert not refused["answered"] and refused["answer"].startswith("The documents do not say"), refused
        note = b"# Breast milk feeding\n\nExclusive breast milk feeding reduced necrotising enterocolitis.\n"
        r = client.post("/v1/documents", headers={"X-API-Key": API_KEY},
                        files={"file": ("breast-milk.md", note, "application/octet-stream")})
        assert r.status_code == 201, r.text
        listed = {d["doc_id"] for d in client.get("/v1/documents").json()["documents"]}
        assert listed == set(LIBRARY) | {"breast-milk"}
    assert (uploads / "breast-milk.md").exists()


def test_a_missing_library_folder_is_said_and_the_index_is_kept(library: tuple[Path, Path, Path],
                                                                 embedder: Embedder,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    corpus, _, index = library
    corpus.rename(corpus.with_name("moved"))
    settings = _served(index)
    with pytest.raises(Exception, match="corpus folder not found") as raised:
        settings.require_corpus()
    assert str(index) in str(raised.value) and "--corpus" in str(raised.value)
    # `qa serve` says so before it starts (`require_corpus`); an app started anyway does not get ready.
    with TestClient(create_app(settings, embedder)) as client, pytest.raises(AssertionError, match="loading failed"):
        wait_ready(client)
    assert "corpus folder not found" in caplog.text
    assert read_manifest(index).documents == len(LIBRARY)  # nothing was rebuilt over the library
