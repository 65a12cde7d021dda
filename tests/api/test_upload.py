"""POST /v1/documents: key checks, rejected files that leave everything as it was, and a successful upload
swapped in atomically while queries keep running: no errors, no mixed state, and it survives a restart."""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfWriter

from api.main import create_app
from corpus.store import BUILTIN_CORPUS
from index.embedder import Embedder
from index.prepare import prepare_file
from index.store import is_stale, read_manifest
from qa.settings import Settings
from tests.api.live import API_KEY, make_settings, wait_ready

CAFFEINE = """# Caffeine citrate for apnoea of prematurity

Caffeine citrate is given to preterm infants with apnoea of prematurity at a loading dose of 20 mg/kg.

The maintenance dose of caffeine citrate is 5 to 10 mg/kg once daily until about 34 weeks of postmenstrual age.
"""
CAFFEINE_Q = "What loading dose of caffeine citrate is given for apnoea of prematurity?"
MAX_UPLOAD = 256 * 1024
MAX_PAGES = 100
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"


def blank_pdf(pages: int) -> bytes:
    """A real PDF of `pages` blank pages: a "bomb" when there are many, small on disk (about 120 bytes a page)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def upload_settings(tmp_path_factory: pytest.TempPathFactory, index_dir: Path) -> Settings:
    return make_settings(tmp_path_factory.mktemp("upload"), index_dir, max_upload_bytes=MAX_UPLOAD,
                         max_pdf_pages=MAX_PAGES)


@pytest.fixture(scope="module")
def writer(upload_settings: Settings, embedder: Embedder) -> Iterator[TestClient]:
    """An app of its own: these tests change the index it serves."""
    with TestClient(create_app(upload_settings, embedder)) as c:
        wait_ready(c)
        yield c


def _upload(c: TestClient, name: str, content: bytes, key: str | None = API_KEY, **kw: Any) -> Any:
    headers = {} if key is None else {"X-API-Key": key}
    return c.post("/v1/documents", headers=headers, files={"file": (name, content, "application/octet-stream")}, **kw)


def _state(c: TestClient, settings: Settings) -> tuple[str, list[str]]:
    files = sorted(p.name for p in settings.upload_dir.glob("*") if not p.name.startswith(".")) \
        if settings.upload_dir.exists() else []
    return c.get("/readyz").json()["index_version"], files


def test_read_only_server_refuses_uploads(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, index_dir, api_key=None)
    with TestClient(create_app(settings, embedder)) as c:
        for key in (None, API_KEY):
            r = _upload(c, "a.txt", b"Some text.", key)
            assert r.status_code == 403 and r.json()["error"] == "read_only"
            assert "QA_API_KEY" in r.json()["message"]
        assert wait_ready(c)["read_only"] is True
    assert not settings.upload_dir.exists()


@pytest.mark.parametrize("key", [None, "wrong-key-0000000000", "", API_KEY + "x"])
def test_wrong_or_missing_key_is_401(writer: TestClient, upload_settings: Settings, key: str | None) -> None:
    before = _state(writer, upload_settings)
    r = _upload(writer, "a.txt", b"Some text.", key)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert _state(writer, upload_settings) == before


@pytest.mark.parametrize(("name", "content", "status", "code", "says"), [
    ("review.odt", b"PK\x03\x04 not really", 415, "unsupported_media_type", "cannot index .odt"),
    ("review.docx", b"PK\x03\x04 not really", 415, "unsupported_media_type", "not a Word document"),
    ("noextension", b"Some text.", 415, "unsupported_media_type", "without an extension"),
    # The content must match the extension: renamed binaries and mislabelled text are refused before parsing.
    ("broken.pdf", b"not a pdf at all", 415, "unsupported_media_type", "not a PDF"),
    ("photo.pdf", PNG, 415, "unsupported_media_type", "not a PDF"),
    ("photo.txt", PNG, 415, "unsupported_media_type", "not text (binary data)"),
    ("nul.txt", b"text\x00with a NUL byte", 415, "unsupported_media_type", "binary"),
    ("plain.html", b"Just words, no markup at all.", 415, "unsupported_media_type", "not HTML"),
    # A PDF header over a damaged body, and a real PDF without text: read by the parser, which finds no text.
    ("damaged.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer garbage", 422, "invalid_document",
     "no text could be read"),
    ("blank-pages.pdf", blank_pdf(3), 422, "invalid_document", "no text could be read"),
    # A PDF "bomb": far more pages than the cap, refused after counting, before any text is extracted.
    ("bomb.pdf", blank_pdf(MAX_PAGES * 10), 413, "payload_too_large", f"1000 pages; the limit is {MAX_PAGES}"),
    ("empty.txt", b"", 422, "invalid_document", "empty"),
    ("blank.md", b"\n   \n\n", 422, "invalid_document", "no text could be read"),
    ("big.txt", b"a" * (MAX_UPLOAD + 1), 413, "payload_too_large", "upload limit"),  # caught while read
    ("huge.txt", b"a" * (MAX_UPLOAD + 100_000), 413, "payload_too_large", "limit"),  # refused from the header
])
def test_rejected_file_leaves_everything_unchanged(writer: TestClient, upload_settings: Settings, name: str,
                                                   content: bytes, status: int, code: str, says: str) -> None:
    before = _state(writer, upload_settings)
    r = _upload(writer, name, content)
    assert r.status_code == status, r.text
    assert r.json()["error"] == code and says in r.json()["message"], r.text
    _assert_no_internals(r, upload_settings)
    assert _state(writer, upload_settings) == before
    assert not list((upload_settings.upload_dir / ".incoming").glob("*/*"))


def _assert_no_internals(r: Any, settings: Settings) -> None:
    """Error bodies name the file, never a path on the server or an exception's text."""
    for secret in ("Traceback", "Error:", str(settings.upload_dir), str(settings.index_dir), "/tmp/"):
        assert secret not in r.text, (secret, r.text)


def test_a_parse_past_its_deadline_is_stopped(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    """The parser runs in a child process that is killed at the deadline (here shorter than its start-up):
    a clear 422, nothing changed, and no parser process left behind."""
    settings = make_settings(tmp_path, index_dir, parse_timeout_s=0.05)
    with TestClient(create_app(settings, embedder)) as c:
        wait_ready(c)
        before = _state(c, settings)
        children = _child_pids()
        r = _upload(c, "caffeine.md", CAFFEINE.encode())
        assert r.status_code == 422 and r.json()["error"] == "invalid_document", r.text
        assert "longer than the limit of 0.05 s" in r.json()["message"]
        _assert_no_internals(r, settings)
        assert _state(c, settings) == before
        assert _child_pids() <= children


def test_indexing_failure_answers_json_and_changes_nothing(tmp_path: Path, index_dir: Path,
                                                           embedder: Embedder) -> None:
    """The file is fine but the index cannot be rebuilt (its corpus folder has gone): a JSON 500 that says so
    without the detail, the served index and the upload folder as before, and questions still answered."""
    corpus = tmp_path / "corpus"
    shutil.copytree(BUILTIN_CORPUS, corpus)
    settings = make_settings(tmp_path, index_dir, corpus_dir=corpus)
    with TestClient(create_app(settings, embedder)) as c:
        wait_ready(c)
        assert _upload(c, "first.md", CAFFEINE.encode()).status_code == 201
        before = _state(c, settings)
        corpus.rename(tmp_path / "moved")
        r = _upload(c, "second.md", CAFFEINE.replace("20 mg/kg", "25 mg/kg").encode())
        assert r.status_code == 500 and r.json()["error"] == "indexing_failed", r.text
        assert "second.md" in r.json()["message"] and "nothing was changed" in r.json()["message"]
        _assert_no_internals(r, settings)
        assert "corpus" not in r.text
        assert _state(c, settings) == before == (before[0], ["first.md"])
        assert c.post("/v1/ask", json={"question": CAFFEINE_Q}).status_code == 200


def _child_pids() -> set[int]:
    """Live child processes of this test process (from /proc)."""
    me, out = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            out.add(int(stat.parent.name))
    return out


def test_upload_needs_a_multipart_file(writer: TestClient) -> None:
    headers = {"X-API-Key": API_KEY}
    r = writer.post("/v1/documents", headers=headers, json={"text": "hello"})
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    r = writer.post("/v1/documents", headers=headers, data={"title": "no file"}, files={"other": ("a.txt", b"x")})
    assert r.status_code == 422 and "'file'" in r.json()["message"]


def test_file_names_cannot_escape_the_upload_folder(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, index_dir)
    with TestClient(create_app(settings, embedder)) as c:
        wait_ready(c)
        r = _upload(c, "../../outside.txt", b"Outside notes\n\nNitric oxide was inhaled by preterm infants.\n")
        assert r.status_code == 201 and r.json()["doc_id"] == "outside"
    assert (settings.upload_dir / "outside.txt").is_file()
    # Nothing outside the upload folder but the index and its build lock.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index", "uploads"]


def test_upload_is_swapped_in_while_queries_run(writer: TestClient, upload_settings: Settings) -> None:
    versions: dict[str, set[str]] = {}
    ready = writer.get("/readyz").json()
    before = ready["index_version"]
    versions[before] = {d["doc_id"] for d in writer.get("/v1/documents").json()["documents"]}
    results: list[tuple[int, int, str, set[str]]] = []  # (worker, status, version, cited doc ids)
    errors: list[str] = []
    done = threading.Event()

    def query_loop(worker: int) -> None:
        after_done = 0
        while after_done < 3 and len(results) < 2000:
            if worker % 2:
                r = writer.post("/v1/ask", json={"question": CAFFEINE_Q})
                docs = {c["doc_id"] for c in r.json().get("citations", [])} if r.status_code == 200 else set()
            else:
                r = writer.get("/v1/search", params={"q": "caffeine citrate apnoea", "k": 5})
                docs = {p["doc_id"] for p in r.json().get("passages", [])} if r.status_code == 200 else set()
            if r.status_code != 200:
                errors.append(r.text)
            results.append((worker, r.status_code, r.headers.get("X-Index-Version", ""), docs))
            after_done += done.is_set()

    workers = [threading.Thread(target=query_loop, args=(i,)) for i in range(3)]
    for t in workers:
        t.start()
    deadline = time.monotonic() + 60
    while len(results) < 6 and time.monotonic() < deadline:  # the loop is running before the upload starts
        time.sleep(0.01)
    try:
        r = _upload(writer, "Caffeine Apnoea.md", CAFFEINE.encode())
    finally:
        done.set()
        for t in workers:
            t.join(timeout=60)
    assert r.status_code == 201, r.text
    up = r.json()
    after = up["index_version"]
    assert up["doc_id"] == "caffeine-apnoea" and up["filename"] == "caffeine-apnoea.md"
    assert up["documents"] == ready["documents"] + 1 and up["chunks"] > ready["chunks"] and up["chunks_added"] >= 1
    assert up["title"] == "Caffeine citrate for apnoea of prematurity"
    assert r.headers["X-Index-Version"] == after != before
    versions[after] = {d["doc_id"] for d in writer.get("/v1/documents").json()["documents"]}
    assert versions[after] == versions[before] | {"caffeine-apnoea"}
    # Incremental: only the upload's own texts were embedded, the other documents were carried over.
    own = set(prepare_file(upload_settings.upload_dir / "caffeine-apnoea.md", "caffeine-apnoea",
                           upload_settings.chunking)[1])
    assert read_manifest(upload_settings.index_dir).embedded_texts == len(own)

    assert not errors, errors[:3]
    assert {v for _, _, v, _ in results} == {before, after}
    for worker in range(3):
        seen = [v for w, _, v, _ in results if w == worker]
        assert seen[-1] == after  # each worker made requests after the swap ...
        assert seen == sorted(seen, key=lambda v: v == after)  # ... and never went back to the old index
    for _, _, version, docs in results:
        assert docs <= versions[version]  # every response is wholly from one index version

    answer = writer.post("/v1/ask", json={"question": CAFFEINE_Q}).json()
    assert answer["answered"] and any(c["doc_id"] == "caffeine-apnoea" for c in answer["citations"])
    assert "20 mg/kg" in answer["answer"]
    hits = writer.get("/v1/search", params={"q": "caffeine citrate maintenance dose"}).json()["passages"]
    assert hits[0]["doc_id"] == "caffeine-apnoea"
    assert writer.get("/v1/documents/caffeine-apnoea").json()["meta"]["source"] == "caffeine-apnoea.md"

    # The same name again gets its own id; the file is kept in the upload folder, which is part of the corpus.
    again = _upload(writer, "caffeine-apnoea.txt", CAFFEINE.replace("20 mg/kg", "25 mg/kg").encode())
    assert again.status_code == 201 and again.json()["doc_id"] == "caffeine-apnoea-2"
    assert sorted(p.name for p in upload_settings.upload_dir.iterdir() if p.is_file()) == [
        "caffeine-apnoea-2.txt", "caffeine-apnoea.md"]
    s = upload_settings
    assert is_stale(s.index_dir, s.corpus_dir, s.model, s.chunking, [s.upload_dir]) is None


def test_uploads_survive_a_restart(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, index_dir)
    with TestClient(create_app(settings, embedder)) as first:
        wait_ready(first)
        assert _upload(first, "caffeine.md", CAFFEINE.encode()).status_code == 201
        expected = first.get("/readyz").json()
    with TestClient(create_app(settings, embedder)) as restarted:
        assert wait_ready(restarted) == expected  # the index on disk was already up to date: no rebuild
        assert restarted.get("/v1/documents/caffeine").json()["meta"]["source"] == "caffeine.md"


def test_text_saved_by_other_editors_is_taken(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    """What the corpus folder reads, an upload may be: "Unicode" (UTF-16) text from Windows editors and
    Windows-1252 text from older ones are decoded, not refused and not indexed as mojibake."""
    settings = make_settings(tmp_path, index_dir)
    note = "# Café au lait spots\n\nCafé au lait spots were seen in 12 % of infants with neurofibromatosis.\n"
    with TestClient(create_app(settings, embedder)) as c:
        wait_ready(c)
        for name, content in (("spots-utf16.txt", note.encode("utf-16")), ("spots-latin.md", note.encode("cp1252"))):
            r = _upload(c, name, content)
            assert r.status_code == 201, r.text
            doc_id = r.json()["doc_id"]
            assert "Café au lait spots were seen" in c.get(f"/v1/documents/{doc_id}").json()["text"]


def test_a_word_document_is_taken_and_searched(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    from tests.corpus.test_loaders import _word_document

    settings = make_settings(tmp_path, index_dir)
    src = tmp_path / "caffeine-trial.docx"
    _word_document(src)
    with TestClient(create_app(settings, embedder)) as c:
        wait_ready(c)
        r = _upload(c, src.name, src.read_bytes())
        assert r.status_code == 201, r.text
        assert (r.json()["doc_id"], r.json()["title"]) == ("caffeine-trial", "Caffeine for apnoea of prematurity")
        hits = c.get("/v1/search", params={"q": "apnoea caffeine placebo", "k": 5}).json()["passages"]
        rows = [h for h in hits if h["doc_id"] == "caffeine-trial" and "12 (24%)" in h["text"]]
        assert rows and "30 (60%)" in rows[0]["text"], hits


def test_a_docx_zip_bomb_is_refused_before_it_is_read(writer: TestClient, upload_settings: Settings,
                                                      tmp_path: Path) -> None:
    import zipfile

    from corpus.word import MAX_EXPANDED_BYTES

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z, \
            z.open("word/document.xml", "w", force_zip64=True) as part:
        zeros = bytes(1 << 20)
        for _ in range(MAX_EXPANDED_BYTES // len(zeros) + 1):
            part.write(zeros)
    assert bomb.stat().st_size < MAX_UPLOAD  # small on the wire
    before = _state(writer, upload_settings)
    r = _upload(writer, bomb.name, bomb.read_bytes())
    assert (r.status_code, r.json()["error"]) == (413, "payload_too_large"), r.text
    assert "expands to" in r.json()["message"] and "bomb.docx" in r.json()["message"]
    _assert_no_internals(r, upload_settings)
    assert _state(writer, upload_settings) == before
