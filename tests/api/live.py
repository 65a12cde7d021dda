"""Helpers for API and browser tests: settings over a private copy of the session index, readiness waits,
a real uvicorn server on a free loopback port, and SSE parsing."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient

from api.main import create_app
from corpus.store import BUILTIN_CORPUS
from index.embedder import Embedder
from qa.model import MAX_QUESTION_CHARS
from qa.settings import Settings

API_KEY = "test-key-4f9c2e7a1b"


def make_settings(tmp: Path, index_dir: Path, **overrides: Any) -> Settings:
    """Settings over a private copy of the built index (uploads change it), ignoring any `.env` file."""
    folder = tmp / "index"
    if not folder.exists():
        shutil.copytree(index_dir, folder)
    # Everything the tests rely on is explicit, so that QA_* variables of the developer's shell do not leak in.
    values: dict[str, Any] = {"index_dir": folder, "upload_dir": tmp / "uploads", "api_key": API_KEY,
                              "corpus_dir": BUILTIN_CORPUS, "cors_origins": [], "max_body_bytes": 1024 * 1024,
                              "max_question_chars": MAX_QUESTION_CHARS,
                              # Tests make many requests from one client; the limits have tests of their own.
                              "rate_limit": "1000000/minute", "max_in_flight": 16}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def wait_ready(client: TestClient | httpx.Client, timeout: float = 120.0) -> dict[str, Any]:
    """Poll /readyz until 200; returns its body."""
    deadline = time.monotonic() + timeout
    while True:
        r = client.get("/readyz")
        if r.status_code == 200:
            return dict(r.json())
        assert r.status_code == 503, r.text
        if "loading failed" in r.json()["message"] or time.monotonic() > deadline:
            raise AssertionError(f"the app did not get ready: {r.json()['message']}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(settings: Settings, embedder: Embedder) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 in a thread, ready to answer; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(settings, embedder), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        with httpx.Client(base_url=base) as http:
            wait_ready(http)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def server_with_upload(tmp: Path, index_dir: Path, embedder: Embedder, name: str, content: str,
                       content_type: str = "text/plain") -> Iterator[str]:
    """A server of its own over a private index copy, with one document uploaded (a test's own library)."""
    with live_server(make_settings(tmp, index_dir), embedder) as base:
        up = httpx.post(f"{base}/v1/documents", headers={"X-API-Key": API_KEY},
                        files={"file": (name, content.encode(), content_type)}, timeout=120)
        assert up.status_code == 201, up.text
        yield base


def sse_events(body: str) -> list[tuple[str, Any]]:
    """(event, decoded JSON data) for each event of a `text/event-stream` body; comments are skipped."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events
