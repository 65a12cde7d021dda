"""GET /v1/documents, /v1/documents/{doc_id} and /v1/documents/{doc_id}/references/{n}."""

from __future__ import annotations

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
