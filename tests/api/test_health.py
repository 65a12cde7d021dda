"""Liveness and readiness: /healthz always answers, /readyz and the API answer 503 until the index is served."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from index.embedder import Embedder
from qa.settings import Settings
from tests.api.live import API_KEY, make_settings, wait_ready


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["documents"] == 2 and body["chunks"] > 50
    assert body["read_only"] is False
    assert ready.headers["X-Index-Version"] == body["index_version"]


def test_503_until_loaded(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    """While loading is held back (the service's write lock is taken), only /healthz answers 200."""
    app = create_app(make_settings(tmp_path, index_dir), embedder)
    service = app.state.service
    service.write_lock.acquire()
    try:
        with TestClient(app) as c:
            assert c.get("/healthz").status_code == 200
            calls = [c.get("/readyz"), c.post("/v1/ask", json={"question": "Which routes were used for BPD?"}),
                     c.post("/v1/ask/stream", json={"question": "BPD"}), c.get("/v1/search?q=BPD"),
                     c.get("/v1/documents"), c.get("/v1/documents/kersin-2021-breast-milk-stem-cells"),
                     c.post("/v1/documents", headers={"X-API-Key": API_KEY},
                            files={"file": ("a.txt", b"Some text.", "text/plain")})]
            for r in calls:
                assert r.status_code == 503, r.text
                assert r.json()["error"] == "not_ready" and "still loading" in r.json()["message"]
            service.write_lock.release()
            assert wait_ready(c)["documents"] == 2
            assert c.post("/v1/ask", json={"question": "Which routes were used for BPD?"}).status_code == 200
    finally:
        if service.write_lock.locked():
            service.write_lock.release()


def test_failed_load_is_logged_not_told(tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture) -> None:
    """/readyz says that loading failed; why (with the folder's path) is in the log, never in a response."""
    settings = Settings(_env_file=None, corpus_dir=tmp_path / "missing", index_dir=tmp_path / "index",  # type: ignore[call-arg]
                        upload_dir=tmp_path / "uploads")
    with caplog.at_level(logging.ERROR, logger="api"), TestClient(create_app(settings, embedder)) as c:
        deadline = time.monotonic() + 30
        while c.app.state.service.error is None:  # type: ignore[attr-defined]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert c.get("/healthz").status_code == 200
        for path in ("/readyz", "/v1/documents"):
            r = c.get(path)
            assert r.status_code == 503 and r.json()["error"] == "not_ready"
            assert "loading failed" in r.json()["message"] and int(r.headers["Retry-After"]) > 0
            assert str(tmp_path) not in r.text and "corpus folder" not in r.text and "Traceback" not in r.text
    assert f"corpus folder not found: {tmp_path / 'missing'}" in caplog.text


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_is_not_versioned_but_documented(client: TestClient, path: str) -> None:
    assert path in client.get("/openapi.json").json()["paths"]
