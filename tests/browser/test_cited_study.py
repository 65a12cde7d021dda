"""A cited study that is itself in the library, in a real Chromium: the source names it and keeps the chat to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from index.embedder import Embedder
from tests.api.live import server_with_upload
from tests.browser.test_widget import BPD, _ask, _open

pytestmark = pytest.mark.browser

TITLE = "Mesenchymal stem cells for bronchopulmonary dysplasia: phase 1 dose-escalation clinical trial"
# The primary study behind reference 39 of the built-in review (Chang et al.), as a user would add it.
CHANG = f"""---
title: "{TITLE}"
authors: [Chang YS, Ahn SY, Yoo HS]
year: 2014
---
# Abstract

Nine preterm infants at high risk of bronchopulmonary dysplasia received intratracheal umbilical cord blood-derived
mesenchymal stem cells in a phase 1 dose-escalation trial; the transplantation was safe and feasible.
"""


@pytest.fixture(scope="module")
def library_url(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, embedder: Embedder) -> Iterator[str]:
    """A server of its own (the upload changes its library), with the primary study added."""
    with server_with_upload(tmp_path_factory.mktemp("cited-study"), index_dir, embedder, "chang-2014.md", CHANG,
                            "text/markdown") as base:
        yield base


def test_a_cited_study_in_the_library_can_be_asked(browser: Browser, library_url: str) -> None:
    expected = httpx.post(f"{library_url}/v1/ask", json={"question": BPD}).json()["citations"]
    linked = [c for c in expected if c["library_documents"]]
    assert linked and linked[0]["library_documents"][0]["title"] == TITLE
    page, errors = _open(browser, f"{library_url}/")
    page.get_by_role("button", name="Ask the reviews").click()
    answer = _ask(page, BPD)
    answer.get_by_role("button", name=re.compile(rf"^Source {linked[0]['marker']}:")).first.click()
    source = answer.get_by_role("region", name=f"Source {linked[0]['marker']}")
    expect(source).to_contain_text(f"In this library: {TITLE}")
    source.get_by_role("button", name="Ask this study").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("status")).to_have_text(f"Answers only from {TITLE}.")
    doc_id = linked[0]["library_documents"][0]["doc_id"]
    with page.expect_request(f"{library_url}/v1/ask/stream") as sent:
        _ask(page, "Was the transplantation safe?")
    assert sent.value.post_data_json["documents"] == [doc_id]
    # Back to the whole library, from inside the widget (a host page may offer no such control).
    dialog.get_by_role("button", name="Ask all the reviews").click()
    expect(dialog.locator(".scope")).to_be_hidden()
    expect(dialog.get_by_role("button", name="Ask all the reviews")).to_be_hidden()
    with page.expect_request(f"{library_url}/v1/ask/stream") as sent:
        _ask(page, BPD)
    assert "documents" not in sent.value.post_data_json
    assert not errors


def test_the_study_lists_the_review_citing_it(library_url: str) -> None:
    # The review was carried over from the index before the upload: what its entries name was kept with it.
    docs = httpx.get(f"{library_url}/v1/documents", params={"q": "bronchopulmonary dysplasia: phase 1"}).json()
    (study,) = docs["documents"]
    detail = httpx.get(f"{library_url}/v1/documents/{study['doc_id']}").json()
    assert [(d["doc_id"], d["reference_number"]) for d in detail["cited_by"]] == [
        ("kersin-2021-breast-milk-stem-cells", 39)]
    review = httpx.get(f"{library_url}/v1/documents/kersin-2021-breast-milk-stem-cells").json()
    assert review["cited_by"] == []
