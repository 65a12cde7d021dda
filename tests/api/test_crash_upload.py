"""A server killed with SIGKILL during an upload, 20 times: after the restart each uploaded document is either
fully in (listed, searchable, its file in the upload folder) or fully out (none of these), and nothing staged
is left behind."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path

import httpx

from corpus.store import BUILTIN_CORPUS
from tests.api.live import API_KEY, free_port, wait_ready
from tests.forked import start_qa

KILLS = 20


def note(n: int) -> str:
    return (f"# Ward note {n}\n\nNeonatal ward note {n} records that infant zq{n}x received "
            f"caffeine citrate on day {n}.\n")


@contextmanager
def server(corpus: Path, index: Path, uploads: Path) -> Iterator[tuple[BaseProcess, httpx.Client]]:
    port = free_port()
    env = {"QA_API_KEY": API_KEY, "QA_UPLOAD_DIR": str(uploads)}
    proc = start_qa(["serve", "--port", str(port), "--corpus", str(corpus), "--index-dir", str(index)],
                    uploads.parent / "serve.log", env)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            deadline = time.monotonic() + 120
            while True:
                try:
                    wait_ready(http)
                    break
                except httpx.TransportError:
                    assert proc.is_alive() and time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
            yield proc, http
    finally:
        proc.kill()
        proc.join(timeout=30)


def upload(http: httpx.Client, n: int) -> subprocess.Popen[bytes]:
    """Upload note `n` from a process of its own (exit 0 on 201), so that a kill can hit the server midway."""
    code = ("import httpx, sys; r = httpx.post(sys.argv[1], files={'file': (sys.argv[2], sys.argv[3])}, "
            "headers={'X-API-Key': sys.argv[4]}, timeout=120); sys.exit(r.status_code != 201)")
    return subprocess.Popen([sys.executable, "-c", code, str(http.base_url.join("/v1/documents")), f"ward-note-{n}.md",
                             note(n), API_KEY], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def check_all_or_nothing(http: httpx.Client, uploads: Path, done: list[int]) -> None:
    listed = {d["doc_id"] for d in http.get("/v1/documents", params={"limit": 1000}).json()["documents"]}
    files = {p.stem for p in uploads.iterdir() if p.is_file()}
    for n in done:
        doc_id = f"ward-note-{n}"
        found = any(p["doc_id"] == doc_id for p in
                    http.get("/v1/search", params={"q": f"zq{n}x", "mode": "bm25"}).json()["passages"])
        assert (doc_id in listed) == (doc_id in files) == found, (doc_id, listed, files, found)
    staged = uploads / ".incoming"
    assert not staged.exists() or not any(staged.iterdir()), "a killed upload left a staged file"


def test_uploads_killed_midway_are_all_or_nothing(tmp_path: Path) -> None:
    corpus, index, uploads = tmp_path / "corpus", tmp_path / "index", tmp_path / "uploads"
    corpus.mkdir()
    shutil.copy(BUILTIN_CORPUS / "msc-secretome-preterm-infants-summary.txt", corpus)
    shutil.copy(BUILTIN_CORPUS / "msc-secretome-preterm-infants-summary.meta.json", corpus)
    rng = random.Random(99)
    done: list[int] = []
    with server(corpus, index, uploads) as (_, http):  # one upload that completes: how long one takes
        started = time.perf_counter()
        assert upload(http, 0).wait(timeout=120) == 0
        duration = time.perf_counter() - started
        assert (uploads / "ward-note-0.md").exists()
        done.append(0)
    for n in range(1, KILLS + 1):
        with server(corpus, index, uploads) as (proc, http):  # a restart after the previous kill
            check_all_or_nothing(http, uploads, done)
            request = upload(http, n)
            time.sleep(rng.uniform(0.0, 1.2) * duration)
            proc.kill()  # SIGKILL
            proc.join(timeout=30)
            request.kill()
            request.wait(timeout=30)
            done.append(n)
    with server(corpus, index, uploads) as (_, http):
        check_all_or_nothing(http, uploads, done)
        kept = sum(1 for n in done if (uploads / f"ward-note-{n}.md").exists())
        print(f"{KILLS} kills during uploads: {kept - 1} documents fully in, {KILLS + 1 - kept} fully out")
