"""The demo page in Chromium: the library's documents listed, the chat kept to one of them and back to all,
and a library of one's own shown without the built-in reviews' examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from index.build import build_index
from index.embedder import Embedder
from tests.api.live import live_server, make_settings

pytestmark = pytest.mark.browser

BPD = "Which routes were used for BPD?"
SUMMARY = "msc-secretome-preterm-infants-summary"


def _ask(page: Page, question: str) -> tuple[dict[str, object], str]:
    """Ask through the chat; the request's JSON body and the answer's text."""
    done = page.locator(".msg.bot[aria-busy='false']")
    before = done.count()
    box = page.get_by_role("textbox", name="Your question")
    box.fill(question)
    with page.expect_request(re.compile(r"/v1/ask/stream$")) as sent:
        box.press("Enter")
    expect(done).to_have_count(before + 1, timeout=30_000)
    return sent.value.post_data_json, done.nth(before).locator(".body").inner_text()


def test_the_chat_is_kept_to_a_listed_document_and_back(browser: Browser, server_url: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server_url}/")
    documents = page.get_by_role("list", name="Documents").get_by_role("listitem")
    expect(documents).to_have_count(2)
    expect(page.get_by_text("2 documents.")).to_be_visible()
    expect(page.get_by_role("list", name="Example questions")).to_be_visible()

    finder = page.get_by_role("searchbox", name="Find a document by title, author or journal")
    finder.fill("secretome")
    finder.press("Enter")
    expect(documents).to_have_count(1)
    expect(page.get_by_role("search").get_by_role("status")).to_have_text("1 found.")
    page.get_by_role("button", name=re.compile(r"^Ask only Mesenchymal stem cell secretome")).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_role("dialog").get_by_role("status")).to_contain_text(
        "Answers only from “Mesenchymal stem cell secretome")
    body, answer = _ask(page, BPD)
    assert body["documents"] == [SUMMARY] and "intratracheal" not in answer

    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Ask all documents").click()
    expect(page.locator(".msg.bot[aria-busy='false']")).to_have_count(0)  # the whole library's own chat
    expect(page.get_by_role("button", name="Ask all documents")).to_be_hidden()
    body, answer = _ask(page, BPD)
    assert "documents" not in body and "intratracheal" in answer and body["history"] == []
    assert not errors


def test_a_library_of_ones_own_has_no_examples_of_the_reviews(browser: Browser, embedder: Embedder,
                                                              tmp_path: Path) -> None:
    corpus = tmp_path / "library"
    corpus.mkdir()
    (corpus / "caffeine.md").write_text("# Caffeine for apnoea\n\nCaffeine citrate reduced apnoea in preterm "
                                        "infants.\n", encoding="utf-8")
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4 not really")
    build_index(corpus, tmp_path / "built", embedder, extra_dirs=[tmp_path / "uploads"])
    settings = make_settings(tmp_path, tmp_path / "built", corpus_dir=corpus)
    with live_server(settings, embedder) as base:
        page = browser.new_page()
        page.goto(f"{base}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Questions about your documents")
        expect(page.get_by_role("list", name="Documents").get_by_role("listitem")).to_have_text(
            [re.compile(r"^Caffeine for apnoea")])
        expect(page.get_by_text("1 document.")).to_be_visible()
        expect(page.get_by_role("list", name="Example questions")).to_be_hidden()
        expect(page.get_by_role("note")).to_contain_text("Not indexed (1)")
        expect(page.get_by_role("note")).to_contain_text("scan.pdf:")
