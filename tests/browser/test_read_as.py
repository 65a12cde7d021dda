"""How the engine read a question, in a real Chromium: an answer to a question read otherwise than typed (a lay
word read with the library's synonym, a follow-up completed from the conversation) shows that reading
(`resolved_question`) above the quotes, as the API gives it; a question read as typed shows none."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_widget import _ask, _open

pytestmark = pytest.mark.browser

LAY = "Can breast milk stem cells turn into nerve cells?"
PLAIN = "Which routes were used for BPD?"
FOLLOW_UP = "And for IVH?"


def test_the_reading_of_a_question_is_shown(browser: Browser, server_url: str) -> None:
    expected = httpx.post(f"{server_url}/v1/ask", json={"question": LAY}, timeout=60).json()
    reading = expected["resolved_question"]
    assert reading and reading != LAY and "(neuron)" in reading, expected  # WordNet's word the library holds

    page, errors = _open(browser, f"{server_url}/")
    page.get_by_role("button", name="Ask the reviews").click()
    lay = _ask(page, LAY)
    shown = lay.locator(".read-as")
    expect(shown).to_have_count(1)
    expect(shown).to_have_text(f"Read as: {reading}")
    expect(shown).to_have_attribute("role", "note")
    # Above the quotes, not among them.
    assert shown.evaluate("n => !!(n.compareDocumentPosition(n.parentNode.querySelector('.body')) & 4)")

    page.get_by_role("button", name="New chat").click()
    plain = _ask(page, PLAIN)
    expect(plain.locator(".read-as")).to_have_count(0)
    follow_up = _ask(page, FOLLOW_UP)
    completed = httpx.post(f"{server_url}/v1/ask", json={
        "question": FOLLOW_UP, "history": [{"role": "user", "content": PLAIN}]}, timeout=60).json()
    assert completed["resolved_question"] and "IVH" in completed["resolved_question"], completed
    expect(follow_up.locator(".read-as")).to_have_text(f"Read as: {completed['resolved_question']}")
    assert not errors
