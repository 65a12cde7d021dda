"""The widget script, the demo page, CORS (explicit allow-list, none by default) and the OpenAPI document."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from index.embedder import Embedder
from qa.model import MAX_QUESTION_CHARS
from tests.api.live import make_settings


def test_widget_script_is_self_contained(client: TestClient) -> None:
    r = client.get("/widget.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    js = r.text
    assert "/v1/ask/stream" in js and "getReader" in js and "data-api" in js
    # Server data only ever becomes text: no HTML parsing sinks at all, and nothing fetched from elsewhere.
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js, sink
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", js.split("*/", 1)[1])
    assert client.head("/widget.js").status_code == 200
    assert f"var MAX_QUESTION = {MAX_QUESTION_CHARS};" in js  # the widget's copy of the one limit


def test_demo_page(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<script src="/widget.js"></script>' in html
    for q in ("Which routes were used for BPD?", "Have breast milk stem cells been tried in infants with NEC?",
              "And for IVH?"):
        assert f'data-neoqa-ask="{q}"' in html
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_no_cors_by_default(client: TestClient) -> None:
    r = client.options("/v1/ask/stream", headers={"Origin": "https://clinic.example",
                                                  "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    r = client.post("/v1/ask", json={"question": "BPD"}, headers={"Origin": "https://clinic.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_cors_allow_list(tmp_path: Path, index_dir: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, index_dir, cors_origins=["https://clinic.example"])
    with TestClient(create_app(settings, embedder)) as c:
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        ok = c.options("/v1/ask/stream", headers={"Origin": "https://clinic.example", **preflight})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://clinic.example"
        bad = c.options("/v1/ask/stream", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in bad.headers
        too_big = c.post("/v1/ask", content=b"x" * (2 << 20), headers={"Origin": "https://clinic.example",
                                                                      "Content-Type": "application/json"})
        assert too_big.status_code == 413  # errors carry CORS headers, so the widget can show them
        assert too_big.headers["access-control-allow-origin"] == "https://clinic.example"


def test_openapi_documents_the_versioned_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"/v1/ask", "/v1/ask/stream", "/v1/search", "/v1/documents", "/v1/documents/{doc_id}",
            "/v1/documents/{doc_id}/references/{n}", "/healthz", "/readyz"} <= set(paths)
    assert "/" not in paths and "/widget.js" not in paths
    ask = spec["components"]["schemas"]["AskRequest"]
    assert ask["additionalProperties"] is False and ask["properties"]["question"]["maxLength"] == MAX_QUESTION_CHARS
    assert ask["properties"]["k"]["maximum"] == 20
    upload = paths["/v1/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"401", "403", "413", "415", "422"} <= set(upload["responses"])
    assert "text/event-stream" in paths["/v1/ask/stream"]["post"]["responses"]["200"]["content"]
    assert client.get("/docs").status_code == 404  # Swagger UI would load scripts from a CDN
