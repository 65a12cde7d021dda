"""GET /v1/documents, /v1/documents/{doc_id}, its references/{n} and the context of a passage."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

REVIEW = "kersin-2021-breast-milk-stem-cells"


def test_list_documents(client: TestClient) -> None:
    body = client.get("/v1/documents").json()
    assert body["total"] == 2
    review = next(d for d in body["documents"] if d["doc_id"] == REVIEW)
    assert review["year"] == 2021 and review["references"] == 49 and review["tables"] == 1
    assert review["authors"] == ["Sinem Gülcan Kersin", "Eren Özek"]
    assert "text" not in review


def test_documents_are_listed_a_page_at_a_time(client: TestClient) -> None:
    first = client.get("/v1/documents", params={"limit": 1}).json()
    second = client.get("/v1/documents", params={"limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] == 2 and (first["limit"], second["offset"]) == (1, 1)
    assert [d["doc_id"] for d in first["documents"] + second["documents"]] == [
        d["doc_id"] for d in client.get("/v1/documents").json()["documents"]]
    assert client.get("/v1/documents", params={"offset": 2}).json()["documents"] == []
    assert client.get("/v1/documents", params={"limit": 0}).status_code == 422


def test_one_document(client: TestClient) -> None:
    doc = client.get(f"/v1/documents/{REVIEW}").json()
    assert doc["meta"]["title"].startswith("Breast milk stem cells")
    assert len(doc["references"]) == 49 and len(doc["sections"]) >= 5
    text = doc["text"]
    for section in doc["sections"]:
        assert 0 <= section["start"] <= section["end"] <= len(text)
    ref = doc["references"][38]
    assert ref["number"] == 39 and text[ref["start"]:ref["end"]] == ref["text"]
    assert doc["glossary"]["BPD"].lower() == "bronchopulmonary dysplasia"


def test_one_reference(client: TestClient) -> None:
    r = client.get(f"/v1/documents/{REVIEW}/references/39")
    assert r.status_code == 200
    ref = r.json()
    assert ref["doc_id"] == REVIEW and ref["number"] == 39 and ref["year"] == 2014
    assert ref["text"].startswith("Chang YS") and ref["journal"] == "J Pediatr"


def test_unknown_ids_are_404(client: TestClient) -> None:
    for path in ("/v1/documents/no-such-doc", "/v1/documents/no-such-doc/references/1",
                 f"/v1/documents/{REVIEW}/references/999"):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["error"] == "not_found", path
    assert "no-such-doc" in client.get("/v1/documents/no-such-doc").json()["message"]


def test_a_huge_offset_is_refused_not_a_500(client: TestClient) -> None:
    """Found by schemathesis: an offset past SQLite's integer range was a 500."""
    r = client.get("/v1/documents", params={"offset": 28647165091687260225536})
    assert r.status_code == 422 and r.json()["details"][0]["loc"] == "query.offset"
    assert client.get("/v1/documents", params={"offset": 10**9}).json()["documents"] == []


def test_a_cited_passage_is_shown_in_its_place(client: TestClient) -> None:
    answer = client.post("/v1/ask", json={"question": "Which routes were used for BPD?"}).json()
    cited = answer["citations"][0]
    doc = client.get(f"/v1/documents/{cited['doc_id']}").json()
    r = client.get(f"/v1/documents/{cited['doc_id']}/context",
                   params={"start": cited["start"], "end": cited["end"], "chars": 120})
    assert r.status_code == 200
    around = r.json()
    assert around["text"] == cited["text"] == doc["text"][cited["start"]:cited["end"]]
    assert around["section"] == cited["section"]
    assert 0 < len(around["before"]) <= 120 and 0 < len(around["after"]) <= 120
    assert doc["text"][cited["start"] - len(around["before"]):cited["end"] + len(around["after"])] == (
        around["before"] + around["text"] + around["after"])
    # Cut at word boundaries: no partial word at either edge.
    first = cited["start"] - len(around["before"])
    assert first == 0 or doc["text"][first - 1].isspace()
    last = cited["end"] + len(around["after"])
    assert last == len(doc["text"]) or doc["text"][last].isspace()
    whole = client.get(f"/v1/documents/{cited['doc_id']}/context", params={"start": 0, "end": len(doc["text"])})
    assert whole.status_code == 200 and whole.json()["before"] == whole.json()["after"] == ""


@pytest.mark.parametrize(("params", "status"), [
    ({"start": 5, "end": 5}, 404), ({"start": 9, "end": 3}, 404), ({"start": 0, "end": 10**8}, 404),
    ({"start": -1, "end": 3}, 422), ({"start": 0, "end": 3, "chars": 5000}, 422)])
def test_a_context_outside_the_text_is_refused(client: TestClient, params: dict[str, int], status: int) -> None:
    doc_id = client.get("/v1/documents").json()["documents"][0]["doc_id"]
    r = client.get(f"/v1/documents/{doc_id}/context", params=params)
    assert r.status_code == status and r.json()["error"] == ("not_found" if status == 404 else "invalid_input")
    if status == 404:
        assert "has no passage" in r.json()["message"]
    assert client.get("/v1/documents/nope/context", params={"start": 0, "end": 3}).status_code == 404


@pytest.mark.parametrize(("q", "found"), [
    ("breast milk", [REVIEW]), ("ÖZEK", [REVIEW]), ("KERSIN", [REVIEW]), ("turk arch", [REVIEW]),
    ("secretome", ["msc-secretome-preterm-infants-summary"]), ("100%", []), ("_", []), ("stem cell", None),
    ("\x00", []), ("stem\x00x", []),
])
def test_documents_are_found_by_title_authors_or_id(client: TestClient, q: str, found: list[str] | None) -> None:
    body = client.get("/v1/documents", params={"q": q}).json()
    ids = [d["doc_id"] for d in body["documents"]]
    assert ids == (found if found is not None else sorted(ids)) and body["total"] == len(ids)
    if found is None:  # in both titles
        assert len(ids) == 2
    assert client.get("/v1/documents", params={"q": q, "limit": 1, "offset": 1}).json()["total"] == len(ids)
