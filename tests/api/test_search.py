"""GET /v1/search: ranked passages whose offsets point into the document text, with their references."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_search_finds_the_chang_row_with_its_reference(client: TestClient) -> None:
    r = client.get("/v1/search", params={"q": "intratracheal", "k": 3})
    assert r.status_code == 200 and r.headers["X-Index-Version"]
    body = r.json()
    assert body["query"] == "intratracheal" and body["mode"] == "hybrid" and len(body["passages"]) == 3
    row = next(p for p in body["passages"] if p["text"].startswith("Chang et al. (39)"))
    assert row["kind"] == "table_row" and 39 in row["reference_numbers"]
    assert row["references"][0].startswith("[39] Chang YS")
    doc = client.get(f"/v1/documents/{row['doc_id']}").json()
    assert doc["text"][row["start"]:row["end"]] == row["text"]


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_search_modes(client: TestClient, mode: str) -> None:
    passages = client.get("/v1/search", params={"q": "routes of stem cell delivery", "mode": mode}).json()["passages"]
    assert len(passages) == 5
    scores = [p["score"] for p in passages]
    assert scores == sorted(scores, reverse=True)
    if mode == "bm25":
        assert all(p["bm25_rank"] is not None for p in passages)


def test_search_kept_to_documents(client: TestClient, builtin_doc_ids: set[str]) -> None:
    summary = "msc-secretome-preterm-infants-summary"
    r = client.get("/v1/search", params={"q": "umbilical cord", "k": 10, "doc": summary})
    assert r.status_code == 200 and {p["doc_id"] for p in r.json()["passages"]} == {summary}
    everywhere = client.get("/v1/search", params={"q": "umbilical cord", "k": 10}).json()["passages"]
    both = client.get("/v1/search", params=[("q", "umbilical cord"), ("k", "10"),
                                            *(("doc", d) for d in sorted(builtin_doc_ids))]).json()["passages"]
    assert [(p["doc_id"], p["start"]) for p in both] == [(p["doc_id"], p["start"]) for p in everywhere]
    assert len({p["doc_id"] for p in everywhere}) == 2
    r = client.get("/v1/search", params={"q": "umbilical cord", "doc": "nope"})
    assert r.status_code == 404 and "no document nope" in r.json()["message"]


def test_search_kept_to_years(client: TestClient) -> None:
    r = client.get("/v1/search", params={"q": "umbilical cord", "k": 10, "since": 2021, "until": 2021})
    assert r.status_code == 200 and {p["doc_id"] for p in r.json()["passages"]} == {
        "kersin-2021-breast-milk-stem-cells"}
    none = client.get("/v1/search", params={"q": "umbilical cord", "until": 2020})
    assert none.status_code == 404 and "from 2020 or earlier" in none.json()["message"]
    backwards = client.get("/v1/search", params={"q": "umbilical cord", "since": 2021, "until": 2020})
    assert backwards.status_code == 404 and "from 2021-2020" in backwards.json()["message"]
