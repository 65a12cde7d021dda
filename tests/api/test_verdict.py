"""The verdict contract over real HTTP (uvicorn on loopback): `verdict` and per-citation `stance` in /v1/ask,
in the stream's `done` event and in the OpenAPI schema; never a verdict for a question that is not yes/no."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from index.embedder import Embedder
from tests.api.live import server_with_upload, sse_events

STUDY = """Zebrafish larvae and compound Q9

Background

Larval mortality limits zebrafish toxicology screens.

Methods

The aim of this study was to evaluate whether compound Q9 reduces larval mortality. Larvae were randomised to
compound Q9 or vehicle.

Results

Larval mortality was significantly lower with compound Q9 than with vehicle (4% vs 31%, p < 0.001).

Conclusions

Compound Q9 significantly reduced larval mortality in zebrafish and was safe.
"""
YES_NO = "Does compound Q9 reduce larval mortality in zebrafish?"
OPEN = "Which compound was given to the zebrafish larvae?"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, embedder: Embedder) -> Iterator[str]:
    with server_with_upload(tmp_path_factory.mktemp("verdict"), index_dir, embedder, "zebrafish-q9.txt",
                            STUDY) as url:
        yield url


def test_a_yes_no_question_gets_a_verdict_and_stances(base: str) -> None:
    answer = httpx.post(f"{base}/v1/ask", json={"question": YES_NO}, timeout=60).json()
    assert answer["answered"] is True
    assert answer["verdict"] == {"label": "Yes", "confidence": answer["verdict"]["confidence"]}
    assert 0.5 < answer["verdict"]["confidence"] <= 1.0
    assert answer["answer"].startswith("Verdict: Yes (confidence ")
    findings = [c for c in answer["citations"] if c["section"] in ("Results", "Conclusions")]
    assert findings and all(c["stance"] == "supports" for c in findings)
    assert "The aim of this study" not in answer["answer"].split("\n", 1)[1][:40]  # findings open the answer


def test_no_verdict_and_no_stance_for_other_questions(base: str) -> None:
    answer = httpx.post(f"{base}/v1/ask", json={"question": OPEN}, timeout=60).json()
    assert answer["answered"] is True and answer["verdict"] is None
    assert all(c["stance"] is None for c in answer["citations"])
    assert not answer["answer"].startswith("Verdict:")


def test_the_stream_done_event_carries_the_verdict(base: str) -> None:
    plain = httpx.post(f"{base}/v1/ask", json={"question": YES_NO}, timeout=60).json()
    with httpx.stream("POST", f"{base}/v1/ask/stream", json={"question": YES_NO}, timeout=60) as r:
        events = sse_events("".join(r.iter_text()))
    done = [data for name, data in events if name == "done"]
    assert len(done) == 1 and done[0]["verdict"] == plain["verdict"]
    assert done[0]["about_question"] is plain["about_question"] is True
    cited = [data for name, data in events if name == "citation"]
    assert [c["stance"] for c in cited] == [c["stance"] for c in plain["citations"]]


def test_the_schema_documents_verdict_and_stance(base: str) -> None:
    schemas = httpx.get(f"{base}/openapi.json").json()["components"]["schemas"]
    assert set(schemas["Verdict"]["properties"]) == {"label", "confidence"}
    assert schemas["Verdict"]["properties"]["label"]["enum"] == ["Yes", "No", "Mixed evidence", "Unclear"]
    assert "verdict" in schemas["Answer"]["properties"] and "stance" in schemas["Citation"]["properties"]
    assert schemas["Answer"]["properties"]["about_question"]["type"] == "boolean"
