"""Limits under load, over real HTTP: the per-client rate limit answers 429 and the bound on questions in
flight answers 503, both at once, with `Retry-After` and the JSON error body, and never another 5xx."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from index.embedder import Embedder
from tests.api.live import live_server, make_settings

QUESTIONS = ["Which routes were used for BPD?", "What is NEC?", "Which cell types were studied for IVH?",
             "How were the stem cells given in HIE?"]
OTHER_CLIENT = "203.0.113.5"  # a documentation address: only ever a header value, no traffic goes there


def _assert_limited(r: httpx.Response, status: int, code: str) -> int:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] == code and r.json()["message"]
    retry_after = int(r.headers["Retry-After"])
    assert retry_after >= 1
    return retry_after


def test_rate_limit_is_per_client_and_answers_429(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, index_dir, rate_limit="4/minute")
    with live_server(settings, embedder) as base, httpx.Client(base_url=base, timeout=60) as http:
        # live_server's readiness polls use /readyz, which is not limited: the budget is whole.
        ok = [http.get("/v1/documents"), http.get("/v1/search", params={"q": "BPD"}),
              http.post("/v1/ask", json={"question": QUESTIONS[0]}),
              http.get("/v1/documents/kersin-2021-breast-milk-stem-cells")]
        assert [r.status_code for r in ok] == [200] * 4
        limited = [http.get("/v1/documents"), http.post("/v1/ask", json={"question": QUESTIONS[1]}),
                   http.post("/v1/ask/stream", json={"question": QUESTIONS[1]})]
        waits = [_assert_limited(r, 429, "rate_limited") for r in limited]
        assert max(waits) <= 60 and "4 per 1 minute" in limited[0].json()["message"]
        # Another client (as a trusted local proxy names it) has its own budget; health checks have none.
        other = http.get("/v1/documents", headers={"X-Forwarded-For": OTHER_CLIENT})
        assert other.status_code == 200
        assert http.get("/healthz").status_code == 200 and http.get("/readyz").status_code == 200
        assert http.get("/openapi.json").status_code == 200 and http.get("/widget.js").status_code == 200


def test_questions_in_flight_are_bounded_with_503(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    """Eight clients at once against a bound of one: the surplus is refused at once with 503 `busy`, the rest
    is answered; reads of documents are not questions and are never refused."""
    settings = make_settings(tmp_path, index_dir, max_in_flight=1, rate_limit="100000/minute")
    statuses: list[int] = []
    busy: list[httpx.Response] = []
    with live_server(settings, embedder) as base:
        def call(n: int, barrier: threading.Barrier, out: list[httpx.Response]) -> None:
            with httpx.Client(base_url=base, timeout=60) as http:
                barrier.wait()
                question = QUESTIONS[n % len(QUESTIONS)]
                if n % 4 == 3:
                    out.append(http.get("/v1/search", params={"q": question, "k": 20}))
                else:
                    path = "/v1/ask/stream" if n % 4 == 2 else "/v1/ask"
                    out.append(http.post(path, json={"question": question, "k": 20}))

        for _ in range(5):  # the requests must overlap; on a busy machine one round may not suffice
            barrier = threading.Barrier(8)
            out: list[httpx.Response] = []
            threads = [threading.Thread(target=call, args=(n, barrier, out)) for n in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            statuses += [r.status_code for r in out]
            busy += [r for r in out if r.status_code == 503]
            assert any(r.status_code == 200 for r in out)
            if busy:
                break
        with httpx.Client(base_url=base, timeout=60) as http:
            assert http.get("/v1/documents").status_code == 200
            assert http.post("/v1/ask", json={"question": QUESTIONS[0]}).status_code == 200  # slots come back
    assert set(statuses) <= {200, 503}, statuses
    assert busy, f"no request was refused in {len(statuses)} overlapping requests: {statuses}"
    for r in busy:
        assert _assert_limited(r, 503, "busy") == 1
        assert "1 questions already" in r.json()["message"]


def test_limits_are_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, method in [("/v1/ask", "post"), ("/v1/ask/stream", "post"), ("/v1/search", "get"),
                         ("/v1/documents", "get"), ("/v1/documents", "post")]:
        responses = spec["paths"][path][method]["responses"]
        for status in ("429", "503"):
            assert responses[status]["headers"]["Retry-After"]["required"] is True, (path, status)
