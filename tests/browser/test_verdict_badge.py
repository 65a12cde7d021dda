"""The verdict badge in a real Chromium: a yes/no question's answer opens with an accessible badge (text only)
matching the answer's `verdict`; the cited finding shows its stance; other questions get no badge; an answer
from papers none of which is about the question (`about_question` false) says so in a note; a question about
what no paper mentions is not answered, and says which word."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from qa.engine import NOT_IN_REVIEWS
from qa.unmentioned import not_mentioned
from qa.verdict import OFF_TOPIC_NOTE
from tests.api.live import API_KEY
from tests.api.test_verdict import STUDY
from tests.browser.test_widget import _ask, _open

pytestmark = pytest.mark.browser

# The same study as the API test, about another fish, so that the session's shared server holds one copy.
MEDAKA = STUDY.replace("Zebrafish", "Medaka").replace("zebrafish", "medaka").replace("Q9", "R7")
QUESTION = "Does compound R7 reduce larval mortality in medaka?"
OFF_TOPIC = "Which vehicle was used in the screens?"
# No paper names ethanol (a substance the library never mentions, `qa.unmentioned`).
UNMENTIONED = "Was ethanol the vehicle in the screens?"


def _ask_in_a_new_widget(browser: Browser, server_url: str, question: str) -> tuple[Page, list[str], Locator]:
    """A new page (a new conversation) with the widget open, and the message that answers `question`."""
    page, errors = _open(browser, f"{server_url}/")
    page.get_by_role("button", name="Ask the reviews").click()
    return page, errors, _ask(page, question)


def test_verdict_badge_and_stance(browser: Browser, server_url: str) -> None:
    up = httpx.post(f"{server_url}/v1/documents", headers={"X-API-Key": API_KEY},
                    files={"file": ("medaka-r7.txt", MEDAKA.encode(), "text/plain")}, timeout=120)
    assert up.status_code == 201, up.text
    expected = httpx.post(f"{server_url}/v1/ask", json={"question": QUESTION}, timeout=60).json()
    assert expected["verdict"] is not None and expected["verdict"]["label"] == "Yes"

    page, errors, answer = _ask_in_a_new_widget(browser, server_url, QUESTION)
    badge = answer.locator(".verdict")
    expect(badge).to_have_count(1)
    expect(badge).to_have_attribute("data-verdict", "Yes")
    expect(badge).to_have_text(expected["answer"].split("\n", 1)[0])
    expect(badge).to_have_attribute("aria-label", re.compile(r"^Verdict: Yes, confidence \d+ percent$"))
    expect(badge).to_have_attribute("role", "note")
    assert badge.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(6, 95, 70)"
    expect(answer.locator(".body")).not_to_contain_text("Verdict:")  # the line became the badge, not a duplicate
    assert badge.evaluate("b => b.children.length") == 0  # text only

    first = expected["citations"][0]
    answer.get_by_role("button", name=re.compile(r"^Source 1:")).first.click()
    expect(answer.get_by_role("region", name="Source 1")).to_contain_text(
        f"Stance toward the question: {first['stance']}" if first["stance"] else first["text"][:40])

    other = _ask(page, "Which compound was given to the medaka larvae?")
    expect(other.locator(".verdict")).to_have_count(0)
    expect(other.locator(".off-topic")).to_have_count(0)

    assert not errors

    # No paper says which vehicle the screens used: the closest passages are quoted under a note that says so.
    # (A new conversation: after the questions above it would read as a follow-up about the compound.)
    off = httpx.post(f"{server_url}/v1/ask", json={"question": OFF_TOPIC}, timeout=60).json()
    assert off["answered"] is True and off["about_question"] is False, off
    assert off["answer"].split("\n", 1)[0] == OFF_TOPIC_NOTE  # the text read alone (CLI, API) says it too
    page, errors, shown = _ask_in_a_new_widget(browser, server_url, OFF_TOPIC)
    note = shown.locator(".off-topic")
    expect(note).to_have_count(1)
    expect(note).to_have_attribute("role", "note")
    expect(note).to_have_text("No paper found is about exactly this question; the closest passages follow.")
    expect(shown.locator(".verdict")).to_have_count(0)
    expect(shown.locator(".body")).not_to_contain_text("Note:")  # the line became the note, not a duplicate
    assert not errors

    # A question about what no paper mentions is not answered, and the message names the word.
    page, errors, shown = _ask_in_a_new_widget(browser, server_url, UNMENTIONED)
    expect(shown).to_have_class(re.compile(r"\bunanswered\b"))
    expect(shown.locator(".body")).to_have_text(not_mentioned(NOT_IN_REVIEWS, ["ethanol"]))
    expect(shown.locator(".verdict")).to_have_count(0)
    expect(shown.locator(".off-topic")).to_have_count(0)
    assert not errors
