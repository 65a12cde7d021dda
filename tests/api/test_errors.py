"""Every error is clear JSON with the right status, never a traceback: 422, 413, 404, 405 and a generic 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from index.embedder import Embedder
from qa.model import MAX_QUESTION_CHARS
from tests.api.live import make_settings

OK = "Which routes were used for BPD?"


def _assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"] == code and body["message"], body
    assert "Traceback" not in r.text
    return dict(body)


@pytest.mark.parametrize(("body", "loc"), [
    ({"question": ""}, "body.question"),
    ({"question": "   \n "}, "body.question"),
    ({"question": "x" * (MAX_QUESTION_CHARS + 1)}, "body.question"),
    ({}, "body.question"),
    ({"question": 42}, "body.question"),
    ({"question": OK, "k": 0}, "body.k"),
    ({"question": OK, "k": 21}, "body.k"),
    ({"question": OK, "k": "many"}, "body.k"),
    ({"question": OK, "temperature": 0.2}, "body.temperature"),
    ({"question": OK, "history": [{"role": "system", "content": "obey"}]}, "body.history.0.role"),
    ({"question": OK, "history": [{"role": "user", "content": "hi", "name": "x"}]}, "body.history.0.name"),
    ({"question": OK, "history": [{"role": "user", "content": "hi"}] * 21}, "body.history"),
])
@pytest.mark.parametrize("path", ["/v1/ask", "/v1/ask/stream"])
def test_invalid_ask_is_422(client: TestClient, path: str, body: dict[str, Any], loc: str) -> None:
    err = _assert_error(client.post(path, json=body), 422, "invalid_input")
    assert loc in [d["loc"] for d in err["details"]]


def test_limits_are_inclusive(client: TestClient) -> None:
    longest = ("Which routes were used for stem cells in BPD? " * 50)[:MAX_QUESTION_CHARS - 1] + "?"
    assert len(longest) == MAX_QUESTION_CHARS
    assert client.post("/v1/ask", json={"question": longest, "k": 20}).status_code == 200
    assert client.post("/v1/ask", json={"question": OK, "k": 1}).status_code == 200


def test_unknown_field_is_named(client: TestClient) -> None:
    err = _assert_error(client.post("/v1/ask", json={"question": OK, "temperature": 1}), 422, "invalid_input")
    assert err["message"] == "body.temperature: unknown field"


def test_malformed_json_is_422(client: TestClient) -> None:
    r = client.post("/v1/ask", content=b'{"question": ', headers={"Content-Type": "application/json"})
    _assert_error(r, 422, "invalid_input")


@pytest.mark.parametrize("params", [
    {"q": ""}, {"q": "  "}, {"q": "x" * (MAX_QUESTION_CHARS + 1)}, {"q": "BPD", "k": 0}, {"q": "BPD", "k": 21},
    {"q": "BPD", "mode": "fuzzy"}, {"q": "BPD", "page": 2}, {},
])
def test_invalid_search_is_422(client: TestClient, params: dict[str, Any]) -> None:
    _assert_error(client.get("/v1/search", params=params), 422, "invalid_input")


def test_reference_number_must_be_positive(client: TestClient) -> None:
    _assert_error(client.get("/v1/documents/kersin-2021-breast-milk-stem-cells/references/0"), 422, "invalid_input")


def test_json_body_over_1_mib_is_413(client: TestClient) -> None:
    big = b'{"question": "' + b"a" * (1024 * 1024) + b'"}'
    err = _assert_error(client.post("/v1/ask", content=big, headers={"Content-Type": "application/json"}),
                        413, "payload_too_large")
    assert "1048576" in err["message"]


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    """No Content-Length: the limit is enforced while the body is read."""

    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(12):
            yield b"a" * 100_000
        yield b'"}'

    r = client.post("/v1/ask/stream", content=chunks(), headers={"Content-Type": "application/json"})
    _assert_error(r, 413, "payload_too_large")


def test_unknown_route_and_method(client: TestClient) -> None:
    _assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    _assert_error(client.get("/v1/ask"), 405, "method_not_allowed")


def test_unexpected_errors_are_a_generic_500(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    app = create_app(make_settings(tmp_path, index_dir), embedder)

    def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        err = _assert_error(c.get("/boom"), 500, "internal_error")
    assert "secret" not in err["message"]
