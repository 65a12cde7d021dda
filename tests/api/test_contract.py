"""The OpenAPI contract is exact: schemathesis (every check, positive and negative data, uploads included)
finds no failure against a real `qa serve`; a 405 lists every method of its path; the stream's events are
described, and a stream that fails once started ends with an `error` event holding the JSON error body."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.main import create_app
from api.routes.ask import event_stream
from index.embedder import Embedder
from tests.api.live import API_KEY, free_port, make_settings, sse_events

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
FUZZ_SEED = 20261125  # a fixed seed: the same requests every run, so a failure reproduces
MAX_EXAMPLES = 100  # per operation in the fuzzing phase (schemathesis's default): about a minute here

# The schema cannot say "a .txt/.md/.html/.pdf file whose content reads as text". Schema-valid uploads from
# schemathesis are arbitrary bytes or its sample images and text-less PDF, which the server refuses on
# purpose (415 type, 422 unreadable, 413 too large), so those count as a correct answer for valid data.
FUZZ_CONFIG = """
[[operations]]
include-name = "POST /v1/documents"
checks.positive_data_acceptance.expected-statuses = ["2XX", 413, 415, 422]
"""
TINY_DOC = """Caffeine citrate for apnoea of prematurity

Caffeine citrate is given to preterm infants with apnoea of prematurity at a loading dose of 20 mg/kg.

The maintenance dose is 5 to 10 mg/kg once daily until about 34 weeks of postmenstrual age.
"""


@pytest.fixture()
def tiny_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`qa serve` as a user starts it, on a one-document corpus (each upload rebuilds the index: fast), with
    a key so that uploads are allowed, and a rate limit high enough for a fuzzer. Yields (base URL, log)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "caffeine.txt").write_text(TINY_DOC, encoding="utf-8")
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_API_KEY": API_KEY, "QA_RATE_LIMIT": "1000000/minute",
           "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(tmp_path / "index"),
           "QA_UPLOAD_DIR": str(tmp_path / "uploads"), "QA_MAX_UPLOAD_BYTES": str(256 * 1024)}
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield base, log_path
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_schemathesis_finds_no_failure(tiny_server: tuple[str, Path], tmp_path: Path) -> None:
    base, log_path = tiny_server
    config = tmp_path / "schemathesis.toml"
    config.write_text(FUZZ_CONFIG, encoding="utf-8")
    started = time.monotonic()
    run = subprocess.run(
        [str(SCHEMATHESIS), "--no-color", "--config-file", str(config), "run", f"{base}/openapi.json",
         "--checks", "all", "--mode", "all", "--header", f"X-API-Key: {API_KEY}", "--max-examples",
         str(MAX_EXAMPLES), "--seed", str(FUZZ_SEED), "--generation-database", "none", "--request-timeout", "60"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600)
    elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-8000:]
    summary = re.search(r"(\d+) generated", output)
    assert summary and int(summary.group(1)) > 500, output[-3000:]  # it really exercised the API
    server_log = log_path.read_text()
    assert "Traceback" not in server_log and '" 500' not in server_log, server_log[-5000:]
    # Uploads got past the key check: the fuzzer's files reached the content checks and the parser.
    upload_statuses = set(re.findall(r'"POST /v1/documents HTTP/1\.1" (\d{3})', server_log))
    assert upload_statuses & {"201", "413", "415", "422"}, upload_statuses
    print(f"schemathesis: {summary.group(1)} requests in {elapsed:.0f} s; upload answers {sorted(upload_statuses)}")


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    for method, path, allow in [("OPTIONS", "/v1/documents", "GET, POST"), ("DELETE", "/v1/documents", "GET, POST"),
                                ("PUT", "/v1/ask", "POST"), ("GET", "/v1/ask/stream", "POST"),
                                ("PATCH", "/v1/documents/any-id", "DELETE, GET")]:
        r = client.request(method, path)
        assert r.status_code == 405 and r.json()["error"] == "method_not_allowed", (method, path)
        assert r.headers["Allow"] == allow and allow in r.json()["message"]


def test_stream_events_are_described(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    content = spec["paths"]["/v1/ask/stream"]["post"]["responses"]["200"]["content"]["text/event-stream"]
    events = {e["properties"]["event"]["const"]: e["properties"]["data"] for e in content["schema"]["oneOf"]}
    assert set(events) == {"token", "citation", "done", "error"}
    assert all(d["contentMediaType"] == "application/json" for d in events.values())
    refs = {name: d["contentSchema"].get("$ref", "") for name, d in events.items()}
    assert refs["done"].endswith("/Answer") and refs["citation"].endswith("/Citation")
    assert refs["error"].endswith("/ErrorBody") and events["token"]["contentSchema"]["required"] == ["text"]
    for ref in refs.values():
        if ref:
            assert ref.rsplit("/", 1)[1] in spec["components"]["schemas"]


def test_a_stream_that_fails_midway_ends_with_an_error_event(tmp_path: Path, index_dir: Path,
                                                             embedder: Embedder) -> None:
    """The status line is sent before the failure: the client learns of it from an `error` event with the
    standard body, and nothing of the exception (text, paths) leaks."""
    app = create_app(make_settings(tmp_path, index_dir), embedder)

    async def failing() -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent(event="token", data='{"text": "Half "}')
        raise RuntimeError("secret detail from /srv/neoqa/index")

    def stream() -> EventSourceResponse:
        return event_stream(failing(), {})

    app.add_api_route("/failing-stream", stream)
    with TestClient(app) as c, c.stream("GET", "/failing-stream") as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        body = r.read().decode()
    events = sse_events(body)
    assert [name for name, _ in events] == ["token", "error"]
    assert events[1][1] == {"error": "internal_error", "details": [],
                            "message": "unexpected server error; the server log has the details"}
    assert "secret" not in body and "/srv" not in body
