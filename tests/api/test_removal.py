"""DELETE /v1/documents/{doc_id}: an uploaded document leaves the library (its file and the served index); the
corpus folder's documents, unknown ids and requests without the key are refused, and a failed rebuild
changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from corpus.store import BUILTIN_CORPUS
from index.embedder import Embedder
from tests.api.live import API_KEY, make_settings, wait_ready

NOTE = """# Caffeine citrate for apnoea of prematurity

Caffeine citrate is given to preterm infants with apnoea of prematurity at a loading dose of 20 mg/kg.
"""
QUESTION = "What loading dose of caffeine citrate is given for apnoea of prematurity?"
KEY = {"X-API-Key": API_KEY}


def _upload(c: TestClient, name: str) -> Any:
    r = c.post("/v1/documents", headers=KEY, files={"file": (name, NOTE.encode(), "text/markdown")})
    assert r.status_code == 201, r.text
    return r.json()


def _cited(c: TestClient) -> set[str]:
    return {x["doc_id"] for x in c.post("/v1/ask", json={"question": QUESTION}).json()["citations"]}


def test_an_upload_is_removed_from_the_library(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, index_dir)
    with TestClient(create_app(settings, embedder)) as c:
        before = wait_ready(c)
        added = _upload(c, "caffeine.md")
        assert added["doc_id"] in _cited(c)
        r = c.delete(f"/v1/documents/{added['doc_id']}", headers=KEY)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["doc_id"], body["filename"]) == ("caffeine", "caffeine.md")
        assert (body["documents"], body["chunks"]) == (before["documents"], before["chunks"])
        assert r.headers["X-Index-Version"] == body["index_version"]
        assert c.get("/v1/documents/caffeine").status_code == 404
        assert "caffeine" not in _cited(c)
        assert not (settings.upload_dir / "caffeine.md").exists()
        assert not list((settings.upload_dir / ".incoming").glob("*/*"))
        # The name is free again: the same file comes back under the same id, not "caffeine-2".
        assert _upload(c, "caffeine.md")["doc_id"] == "caffeine"
        assert c.delete("/v1/documents/caffeine", headers=KEY).status_code == 200
        expected = c.get("/readyz").json()
    with TestClient(create_app(settings, embedder)) as restarted:
        assert wait_ready(restarted) == expected  # the index on disk already lacked it: no rebuild


def test_what_cannot_be_removed_is_refused_and_nothing_changes(tmp_path: Path, index_dir: Path,
                                                              embedder: Embedder) -> None:
    settings = make_settings(tmp_path, index_dir)
    with TestClient(create_app(settings, embedder)) as c:
        ready = wait_ready(c)
        builtin = c.get("/v1/documents").json()["documents"][0]["doc_id"]
        cases = [(builtin, KEY, 409, "conflict", "corpus folder"), ("no-such-paper", KEY, 404, "not_found", "no-such"),
                 (builtin, {}, 401, "unauthorized", "X-API-Key"),
                 (builtin, {"X-API-Key": "wrong-key-0000000000"}, 401, "unauthorized", "X-API-Key")]
        for doc_id, headers, status, code, says in cases:
            r = c.delete(f"/v1/documents/{doc_id}", headers=headers)
            assert (r.status_code, r.json()["error"]) == (status, code), r.text
            assert says in r.json()["message"] and str(settings.corpus_dir) not in r.text
        assert c.get("/readyz").json() == ready and (BUILTIN_CORPUS / f"{builtin}.txt").exists()
        _upload(c, "caffeine.md")
        (settings.upload_dir / "caffeine.md").unlink()  # gone from disk behind the server's back
        r = c.delete("/v1/documents/caffeine", headers=KEY)
        assert (r.status_code, r.json()["error"]) == (409, "conflict") and "qa index" in r.json()["message"]
    read_only = make_settings(tmp_path / "ro", index_dir, api_key=None)
    with TestClient(create_app(read_only, embedder)) as c:
        wait_ready(c)
        r = c.delete(f"/v1/documents/{builtin}", headers=KEY)
        assert (r.status_code, r.json()["error"]) == (403, "read_only")


def test_a_failed_rebuild_puts_the_file_back(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUILTIN_CORPUS, corpus)
    settings = make_settings(tmp_path, index_dir, corpus_dir=corpus)
    with TestClient(create_app(settings, embedder)) as c:
        wait_ready(c)
        _upload(c, "caffeine.md")
        ready = c.get("/readyz").json()
        emptied = tmp_path / "emptied"
        emptied.mkdir()
        for path in corpus.iterdir():  # the rebuild without the upload finds no document at all
            path.rename(emptied / path.name)
        gone = tmp_path / "gone"
        for step in ("emptied", "gone"):
            if step == "gone":
                corpus.rename(gone)  # and then cannot even list the corpus folder
            r = c.delete("/v1/documents/caffeine", headers=KEY)
            assert (r.status_code, r.json()["error"]) == (500, "indexing_failed"), r.text
            assert "nothing was changed" in r.json()["message"] and str(corpus) not in r.text
            assert (settings.upload_dir / "caffeine.md").exists()
            assert not list((settings.upload_dir / ".incoming").glob("*/*"))
            assert c.get("/readyz").json() == ready and "caffeine" in _cited(c)


def test_the_librarys_only_document_stays(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    empty, uploads = tmp_path / "empty-corpus", tmp_path / "uploads"
    empty.mkdir()
    uploads.mkdir()
    (uploads / "caffeine.md").write_text(NOTE, encoding="utf-8")
    settings = make_settings(tmp_path, index_dir, corpus_dir=empty, upload_dir=uploads)
    with TestClient(create_app(settings, embedder)) as c:
        assert wait_ready(c)["documents"] == 1
        r = c.delete("/v1/documents/caffeine", headers=KEY)
        assert (r.status_code, r.json()["error"]) == (409, "conflict") and "only document" in r.json()["message"]
        assert (uploads / "caffeine.md").exists() and "caffeine" in _cited(c)
