"""YAML front matter of Markdown files describes the document and is not indexed as its text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.front_matter import FrontMatter, split_front_matter
from corpus.store import load_document

BODY = "# Probiotics for NEC\n\n## Results\n\nProbiotics reduced the incidence of severe NEC.\n"


@pytest.mark.parametrize(("block", "expected"), [
    ('title: "Probiotics and NEC"\nauthor: [Smith J, Doe A]\ndate: 2022-05-01\njournal: Pediatrics\n',
     FrontMatter("Probiotics and NEC", ["Smith J", "Doe A"], "Pediatrics", 2022)),
    # CSL / Pandoc author parts, a year written as text, the journal under its CSL name.
    ("title: Cord clamping\nauthor:\n  - family: Smith\n    given: Jane\n  - name: NICHD Network\n"
     "issued: 'May 2019'\ncontainer-title: Lancet\n",
     FrontMatter("Cord clamping", ["Smith Jane", "NICHD Network"], "Lancet", 2019)),
    ("tags: [nec]\n", FrontMatter()),
    # A web clipper's "source" is the page's address, not a journal.
    ("title: Clipped\nsource: https://example.org/nec\n", FrontMatter("Clipped")),
])
def test_front_matter_is_read_and_taken_out_of_the_text(block: str, expected: FrontMatter) -> None:
    front, rest = split_front_matter(f"---\n{block}---\n{BODY}")
    assert front == expected and rest == BODY


@pytest.mark.parametrize("text", [
    BODY,  # none
    "---\ntitle: [unclosed\n---\n" + BODY,  # not valid YAML
    "---\nJust a sentence between rules.\n---\n" + BODY,  # YAML, but not a mapping
    BODY + "\n---\ntitle: late\n---\n",  # not at the start
])
def test_what_is_not_front_matter_stays_in_the_text(text: str) -> None:
    assert split_front_matter(text) == (None, text)


def test_a_markdown_file_with_front_matter(tmp_path: Path) -> None:
    src = tmp_path / "probiotics.md"
    src.write_bytes(f"---\r\ntitle: Probiotics and NEC\r\nauthors: [Smith J]\r\nyear: 2022\r\n---\r\n{BODY}".encode())
    doc = load_document(src)
    assert (doc.meta.title, doc.meta.authors, doc.meta.year) == ("Probiotics and NEC", ["Smith J"], 2022)
    assert "title:" not in doc.text and "---" not in doc.text
    assert doc.text.startswith("Probiotics for NEC") and "severe NEC" in doc.text
    # A sidecar still wins.
    (tmp_path / "probiotics.meta.json").write_text(json.dumps({"title": "From the sidecar"}), encoding="utf-8")
    assert load_document(src).meta.title == "From the sidecar"
