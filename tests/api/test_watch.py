"""A file added to, changed in or removed from the served corpus folder is indexed and served without a restart
(`api/watch.py`); an unreadable one is skipped and the watching goes on."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from index.build import build_index
from index.embedder import Embedder
from tests.api.live import make_settings, wait_ready

LIBRARY = {
    "caffeine": "# Caffeine for apnoea\n\nCaffeine citrate reduced apnoea episodes in preterm infants.\n",
    "clamping": "# Delayed cord clamping\n\nDelayed cord clamping reduced transfusions in very preterm infants.\n",
}
KANGAROO = "# Kangaroo mother care\n\nSkin-to-skin contact reduced hypothermia in low birth weight infants.\n"


def _eventually(check: Callable[[], bool], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the change was not indexed in time"
        time.sleep(0.2)


def test_changes_to_the_corpus_folder_are_served(tmp_path: Path, embedder: Embedder) -> None:
    corpus = tmp_path / "library"
    corpus.mkdir()
    for name, text in LIBRARY.items():
        (corpus / f"{name}.md").write_text(text, encoding="utf-8")
    build_index(corpus, tmp_path / "index", embedder, extra_dirs=[tmp_path / "uploads"])
    settings = make_settings(tmp_path, tmp_path / "index", corpus_dir=corpus)
    assert settings.watch_corpus  # the default

    with TestClient(create_app(settings, embedder)) as client:
        wait_ready(client)

        def ids() -> set[str]:
            return {d["doc_id"] for d in client.get("/v1/documents").json()["documents"]}

        def top(query: str) -> tuple[str, str]:
            passage = client.get("/v1/search", params={"q": query, "k": 1, "mode": "bm25"}).json()["passages"]
            return (passage[0]["doc_id"], passage[0]["text"]) if passage else ("", "")

        assert ids() == set(LIBRARY)
        (corpus / "care").mkdir()
        (corpus / "care" / "kangaroo.md").write_text(KANGAROO, encoding="utf-8")  # in a subfolder, as Zotero's
        _eventually(lambda: "kangaroo" in ids())
        answer = client.post("/v1/ask", json={"question": "What reduced hypothermia?"}).json()
        assert answer["answered"] and {c["doc_id"] for c in answer["citations"]} == {"kangaroo"}

        (corpus / "care" / "kangaroo.md").write_text(KANGAROO.replace("hypothermia", "late-onset sepsis"),
                                                     encoding="utf-8")
        _eventually(lambda: top("sepsis")[0] == "kangaroo")
        assert "hypothermia" not in top("sepsis")[1]

        (corpus / "broken.pdf").write_bytes(b"not a pdf at all")  # skipped, and the watching goes on
        (corpus / ".draft.md").write_text("# Draft\n\nNot for the library.\n", encoding="utf-8")  # hidden
        (corpus / "caffeine.md").unlink()
        _eventually(lambda: "caffeine" not in ids())
        assert ids() == {"clamping", "kangaroo"}
        skipped = client.get("/v1/documents").json()["skipped"]  # said, not silently left out
        assert len(skipped) == 1 and skipped[0].startswith("broken.pdf: not a readable PDF")
        # The new snapshot is served before the watcher counts its refresh: the count may lag the ids a moment.
        _eventually(lambda: client.app.state.watcher.refreshes >= 3)  # type: ignore[attr-defined]


def test_watching_can_be_turned_off(tmp_path: Path, embedder: Embedder) -> None:
    corpus = tmp_path / "library"
    corpus.mkdir()
    (corpus / "caffeine.md").write_text(LIBRARY["caffeine"], encoding="utf-8")
    build_index(corpus, tmp_path / "index", embedder, extra_dirs=[tmp_path / "uploads"])
    settings = make_settings(tmp_path, tmp_path / "index", corpus_dir=corpus, watch_corpus=False)
    with TestClient(create_app(settings, embedder)) as client:
        wait_ready(client)
        assert client.app.state.watcher is None  # type: ignore[attr-defined]
        (corpus / "kangaroo.md").write_text(KANGAROO, encoding="utf-8")
        time.sleep(3)  # twice the quiet period a watcher waits for
        assert client.get("/v1/documents").json()["total"] == 1


def test_a_server_over_an_empty_folder_gets_ready_when_a_file_arrives(tmp_path: Path, embedder: Embedder) -> None:
    corpus = tmp_path / "library"
    corpus.mkdir()
    (tmp_path / "index").mkdir()  # nothing built in it
    settings = make_settings(tmp_path, tmp_path / "index", corpus_dir=corpus)
    with TestClient(create_app(settings, embedder)) as client:
        def refused() -> bool:
            r = client.get("/readyz")
            return r.status_code == 503 and "loading failed" in r.json()["message"]

        _eventually(refused)
        (corpus / "caffeine.md").write_text(LIBRARY["caffeine"], encoding="utf-8")
        _eventually(lambda: client.get("/readyz").status_code == 200)
        assert client.get("/v1/documents").json()["total"] == 1
