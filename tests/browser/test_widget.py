"""The chat widget in a real Chromium against a real server: ask, stream, open a citation, follow up, keyboard
and narrow-screen use, the "not in the reviews" style, and markup in the documents rendered only as text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.api.live import API_KEY

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
BPD = "Which routes were used for BPD?"
IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=2</script>"
XSS_DOC = f"""Zebrafish larvae staining notes

The zebrafish staining marker is written as {IMG} in the laboratory notebook.

The zebrafish control stain is written as {SCRIPT} in the protocol.
"""


def _open(browser: Browser, url: str, width: int = 1280, height: int = 900) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


def _host_page(browser: Browser, server_url: str, attributes: str = "") -> tuple[Page, list[str]]:
    """Another site's page embedding the widget (served through a route, so from the server's origin)."""
    host = (f'<!doctype html><html><head><link rel="icon" href="data:,"></head><body><h1>Host page</h1>'
            f'<script src="{server_url}/widget.js" data-api="{server_url}"{attributes}></script></body></html>')
    page = browser.new_page()
    page.route(f"{server_url}/host.html", lambda route: route.fulfill(body=host, content_type="text/html"))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server_url}/host.html")
    return page, errors


def _ask(page: Page, question: str) -> Any:
    """Type a question, press Enter and wait for the streamed answer to finish; returns its message."""
    done = page.locator(".msg.bot[aria-busy='false']")
    before = done.count()
    box = page.get_by_role("textbox", name="Your question")
    box.fill(question)
    box.press("Enter")
    expect(done).to_have_count(before + 1, timeout=30_000)
    message = done.nth(before)  # locators are lazy: `.last` would move on to later answers
    expect(message).not_to_have_class(re.compile(r"\berror\b"))
    return message


def test_ask_open_a_citation_and_follow_up(browser: Browser, server_url: str) -> None:
    page, errors = _open(browser, f"{server_url}/")
    bodies: list[Any] = []
    page.on("request", lambda r: bodies.append(r.post_data_json) if r.url.endswith("/v1/ask/stream") else None)
    expected = httpx.post(f"{server_url}/v1/ask", json={"question": BPD}).json()

    launcher = page.get_by_role("button", name="Ask the reviews")
    launcher.click()
    expect(page.get_by_role("dialog", name="Ask the reviews")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your question")).to_be_focused()
    answer = _ask(page, BPD)
    expect(answer.locator(".body")).to_contain_text("intratracheal")
    shown = answer.locator("button.marker").evaluate_all("bs => bs.map(b => b.dataset.marker)")
    assert sorted(set(map(int, shown))) == [c["marker"] for c in expected["citations"]]
    assert len(shown) == len(re.findall(r"\[\d+\]", expected["answer"]))

    first = expected["citations"][0]
    answer.get_by_role("button", name=re.compile(r"^Source 1:")).first.click()
    source = answer.get_by_role("region", name="Source 1")
    expect(source).to_be_visible()
    expect(source.locator("blockquote")).to_have_text(first["text"])
    expect(source).to_contain_text(first["title"])
    if first["references"]:
        expect(source).to_contain_text("Reference: " + first["references"][0])

    follow_up = _ask(page, "And for IVH?")
    expect(follow_up.locator(".body")).to_contain_text(re.compile("intraventricular|IVH", re.IGNORECASE))
    assert bodies[0]["history"] == []
    assert bodies[1]["history"] == [{"role": "user", "content": BPD},
                                    {"role": "assistant", "content": expected["answer"]}]
    follow_up.locator("button.marker").first.click()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget.png"))
    assert not errors


def test_keyboard_and_aria(browser: Browser, server_url: str) -> None:
    page, errors = _open(browser, f"{server_url}/")
    launcher = page.get_by_role("button", name="Ask the reviews")
    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Ask the reviews")
    expect(dialog).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("log", name="Conversation")).to_have_attribute("aria-live", "polite")
    box = page.get_by_role("textbox", name="Your question")
    expect(box).to_be_focused()
    box.type("two")
    box.press("Shift+Enter")
    box.type("lines")
    expect(box).to_have_value("two\nlines")  # Shift+Enter does not send
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert not errors


def test_unanswered_at_375px(browser: Browser, server_url: str) -> None:
    page, errors = _open(browser, f"{server_url}/", width=375, height=740)
    page.get_by_role("button", name=BPD).click()  # an example question of the demo page opens the widget and asks
    expect(page.get_by_role("dialog", name="Ask the reviews")).to_be_visible()
    done = page.locator(".msg.bot[aria-busy='false']")
    expect(done).to_have_count(1, timeout=30_000)
    answered = done.nth(0)
    expect(answered.locator(".body")).to_contain_text("intratracheal")
    unanswered = _ask(page, "Who won the 1998 football world cup?")
    expect(unanswered).to_have_class(re.compile(r"\bunanswered\b"))
    expect(unanswered.locator(".label")).to_have_text("Not in the reviews")
    expect(answered.locator(".label")).to_have_count(0)
    style = "e => getComputedStyle(e).borderStyle + ' ' + getComputedStyle(e).backgroundColor"
    assert answered.evaluate(style) != unanswered.evaluate(style)
    box = page.get_by_role("dialog").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    send = page.get_by_role("button", name="Send").bounding_box()
    assert send is not None and send["x"] + send["width"] <= 375
    assert not errors


def test_markup_in_documents_is_shown_as_text(browser: Browser, server_url: str) -> None:
    up = httpx.post(f"{server_url}/v1/documents", headers={"X-API-Key": API_KEY},
                    files={"file": ("zebrafish-notes.txt", XSS_DOC.encode(), "text/plain")}, timeout=120)
    assert up.status_code == 201, up.text
    # A host page without any Content-Security-Policy, embedding the widget as another site would: only the
    # widget's own rendering stands between the documents and the page.
    page, errors = _host_page(browser, server_url)
    page.get_by_role("button", name="Ask the reviews").click()

    first = _ask(page, "How is the zebrafish staining marker written?")
    expect(first.locator(".body")).to_contain_text(IMG)
    first.locator("button.marker").first.click()
    expect(first.locator(".source blockquote")).to_contain_text(IMG)
    second = _ask(page, "How is the zebrafish control stain written?")
    second.locator("button.marker").last.click()
    expect(second.locator(".source blockquote")).to_contain_text(SCRIPT)
    page.wait_for_timeout(300)  # time for an injected image to fail and fire its handler

    found = page.evaluate("""() => {
        const root = document.getElementById('neoqa-widget').shadowRoot;
        return {img: root.querySelectorAll('img').length + document.querySelectorAll('img').length,
                script: root.querySelectorAll('script').length, xss: typeof window.__xss};
    }""")
    assert found == {"img": 0, "script": 0, "xss": "undefined"}
    assert not errors


def _ask_a_stubbed_stream(page: Page, server_url: str, status: int, body: str, content_type: str) -> Locator:
    """Open the widget and ask BPD while `/v1/ask/stream` answers `status` with `body`; the widget's alert."""
    page.route(f"{server_url}/v1/ask/stream",
               lambda route: route.fulfill(status=status, body=body, content_type=content_type))
    page.get_by_role("button", name="Ask the reviews").click()
    box = page.get_by_role("textbox", name="Your question")
    box.fill(BPD)
    box.press("Enter")
    return page.get_by_role("alert")


def test_server_errors_are_shown(browser: Browser, server_url: str) -> None:
    page, errors = _open(browser, f"{server_url}/")
    body = '{"error": "not_ready", "message": "not ready: the model and index are still loading", "details": []}'
    alert = _ask_a_stubbed_stream(page, server_url, 503, body, "application/json")
    expect(alert).to_have_text(re.compile("still loading"))
    expect(alert).to_have_class(re.compile(r"\berror\b"))
    page.unroute(f"{server_url}/v1/ask/stream")
    with page.expect_request(f"{server_url}/v1/ask/stream") as sent:
        _ask(page, BPD)  # the next question works ...
    assert sent.value.post_data_json["history"] == []  # ... and the failed one is not part of the history
    assert not errors


def test_a_stream_error_event_is_shown(browser: Browser, server_url: str) -> None:
    """A stream that fails after it started (status 200 already sent) ends with an `error` event: the widget
    shows its message, not a generic "interrupted", and keeps the failed question out of the history."""
    page, errors = _open(browser, f"{server_url}/")
    stream = ('event: token\ndata: {"text": "Half an "}\n\nevent: error\ndata: {"error": "internal_error", '
              '"message": "unexpected server error; the server log has the details", "details": []}\n\n')
    alert = _ask_a_stubbed_stream(page, server_url, 200, stream, "text/event-stream")
    expect(alert).to_have_text(re.compile("Half an .*unexpected server error", re.S))
    expect(alert).to_have_class(re.compile(r"\berror\b"))
    page.unroute(f"{server_url}/v1/ask/stream")
    with page.expect_request(f"{server_url}/v1/ask/stream") as sent:
        _ask(page, BPD)
    assert sent.value.post_data_json["history"] == []
    assert not errors


def test_a_host_names_what_its_library_holds(browser: Browser, server_url: str) -> None:
    """A site serving its own library (guidelines, say) names it: the labels follow `data-library`."""
    page, errors = _host_page(browser, server_url, ' data-library="guidelines"')
    page.get_by_role("button", name="Ask the guidelines").click()
    expect(page.get_by_role("dialog", name="Ask the guidelines")).to_be_visible()
    box = page.get_by_role("textbox", name="Your question")
    expect(box).to_have_attribute("placeholder", "Ask about the guidelines…")
    unanswered = _ask(page, "Who won the 1998 football world cup?")
    expect(unanswered.locator(".label")).to_have_text("Not in the guidelines")
    assert not errors


def test_a_host_keeps_answers_to_its_documents(browser: Browser, server_url: str) -> None:
    """A page about one paper keeps the widget's answers to it: `data-documents` goes with every question."""
    summary = "msc-secretome-preterm-infants-summary"
    expected = httpx.post(f"{server_url}/v1/ask", json={"question": BPD, "documents": [summary]}).json()
    assert "intratracheal" not in expected["answer"]
    page, errors = _host_page(browser, server_url, f' data-documents=" {summary}, {summary} "')
    page.get_by_role("button", name="Ask the reviews").click()
    with page.expect_request(f"{server_url}/v1/ask/stream") as sent:
        answer = _ask(page, BPD)
    assert sent.value.post_data_json["documents"] == [summary, summary]
    expect(answer.locator(".body")).not_to_contain_text("intratracheal")
    shown = answer.locator("button.marker").evaluate_all("bs => bs.map(b => b.dataset.marker)")
    assert sorted(set(map(int, shown))) == [c["marker"] for c in expected["citations"]]
    assert not errors


def test_the_conversation_survives_a_page_load(browser: Browser, server_url: str) -> None:
    """Following a link on the host site loses neither the answers read so far nor a follow-up's context."""
    page, errors = _open(browser, f"{server_url}/")
    page.get_by_role("button", name="Ask the reviews").click()
    first = _ask(page, BPD)
    said = first.locator(".body").inner_text()
    page.reload()
    page.get_by_role("button", name="Ask the reviews").click()
    answers = page.locator(".msg.bot[aria-busy='false']")
    expect(answers).to_have_count(1)
    expect(page.locator(".msg.user .body")).to_have_text([BPD])
    assert answers.first.locator(".body").inner_text() == said
    answers.first.get_by_role("button", name=re.compile(r"^Source 1:")).first.click()
    expect(answers.first.locator(".source blockquote")).to_be_visible()
    with page.expect_request(f"{server_url}/v1/ask/stream") as sent:
        follow = _ask(page, "And for IVH?")
    history = sent.value.post_data_json["history"]
    assert [t["role"] for t in history] == ["user", "assistant"] and history[0]["content"] == BPD
    expect(follow.locator(".body")).to_contain_text("intraventricular")
    page.get_by_role("button", name="New chat").click()
    page.reload()
    page.get_by_role("button", name="Ask the reviews").click()
    expect(page.locator(".msg.bot[aria-busy='false']")).to_have_count(0)
    assert not errors


def test_an_answer_is_copied_with_its_sources(browser: Browser, server_url: str) -> None:
    expected = httpx.post(f"{server_url}/v1/ask", json={"question": BPD}).json()
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{server_url}/")
    page.get_by_role("button", name="Ask the reviews").click()
    answer = _ask(page, BPD)
    answer.get_by_role("button", name="Copy with sources").click()
    expect(answer.get_by_role("status")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    head, sources = copied.split("\n\nSources:\n")
    assert head == expected["answer"]
    for c in expected["citations"]:
        assert f"[{c['marker']}] {c['title']}" in sources and f"“{c['text']}”" in sources
        assert all(ref in sources for ref in c["references"])
    unanswered = _ask(page, "Who won the 1998 football world cup?")
    expect(unanswered.get_by_role("button", name="Copy with sources")).to_have_count(0)
    context.close()


def test_a_source_is_shown_in_its_place(browser: Browser, server_url: str) -> None:
    expected = httpx.post(f"{server_url}/v1/ask", json={"question": BPD}).json()["citations"][0]
    around = httpx.get(f"{server_url}/v1/documents/{expected['doc_id']}/context",
                       params={"start": expected["start"], "end": expected["end"]}).json()
    page, errors = _open(browser, f"{server_url}/")
    page.get_by_role("button", name="Ask the reviews").click()
    answer = _ask(page, BPD)
    answer.get_by_role("button", name=re.compile(r"^Source 1:")).first.click()
    source = answer.get_by_role("region", name="Source 1")
    source.get_by_role("button", name="Show in context").click()
    expect(source.locator("blockquote mark")).to_have_text(expected["text"])
    expect(source.locator("blockquote")).to_contain_text(around["before"].strip()[-40:])
    expect(source.get_by_role("button", name="Show in context")).to_have_count(0)
    assert not errors
