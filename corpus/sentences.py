"""Sentence boundaries with character offsets, aware of the abbreviations of scientific prose.

The one set of sentence rules of the project: the corpus splits its paragraphs with `sentence_spans`, and the
evaluation splits answers with the same rules (`ends_with_abbreviation`, `SENTENCE_START`), adding only what
answers have and papers do not (citation markers, bullets). A sentence starts with a capital letter of any
script ("Özek et al. found …"), a digit, or a Greek letter.
"""

from __future__ import annotations

import re

# Tokens after which a period does not end a sentence.
NO_BREAK_AFTER = frozenset({
    "al", "e.g", "i.e", "eg", "ie", "etc", "vs", "fig", "figs", "no", "nos", "vol", "approx", "ca", "dr", "mr",
    "mrs", "ms", "prof", "st", "cf", "ref", "refs", "resp", "sp", "spp", "inc", "ltd", "co", "jr", "sr", "mol",
})
_GREEK_STARTS = frozenset("αβγδκ")  # "β-cells were …" opens a sentence in lower case
# A bracketed citation marker of the source: "[2]", "[2,3]", "[4-6]".
CITATION_MARKER = r"\[\d[\d\s,–-]*\]"
# A possible end: punctuation, closing quotes or brackets, a citation marker set after the period ("... did not
# differ.[2,3]", the Vancouver style of superscripts, bracketed by the HTML loader), whitespace, and a word
# character that `starts_sentence` then checks (Python's `re` has no class for upper-case letters of every
# script).
_CANDIDATE = re.compile(rf"[.!?…]+['\")\]]*(?:\s?{CITATION_MARKER})?(?=\s+[\"'(\[]?(\w))")
_ONLY_A_MARKER = re.compile(rf"\s*{CITATION_MARKER}\s*$")


def starts_sentence(char: str) -> bool:
    """Whether a sentence may open with `char`: an upper-case letter of any script, a digit, a Greek letter."""
    return char.isupper() or char.isdigit() or char in _GREEK_STARTS


def ends_with_abbreviation(before: str) -> bool:
    """Whether the text before a period ends with an abbreviation ("et al", "e.g", "Fig") or a single initial."""
    word = re.search(r"([\w.]+)$", before)
    token = word.group(1).lower() if word else ""
    return token.rstrip(".") in NO_BREAK_AFTER or bool(re.fullmatch(r"[^\W\d_]", token))


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Split `text` into sentences; returns `(start, end)` pairs shifted by `offset`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        if not starts_sentence(m.group(1)) or _ONLY_A_MARKER.match(text, m.end()):
            continue  # a lower-case word goes on; a citation marker that ends the paragraph is the sentence's
        before = text[start : m.start()]
        if ends_with_abbreviation(before):
            continue  # "et al.", "e.g.", a single initial such as "J."
        word = re.search(r"([\w.]+)$", before)
        token = word.group(1) if word else ""
        if re.fullmatch(r"\d+", token) and m.group(0) == "." and re.match(r"\s+\d", text[m.end() :]):
            continue  # "Fig. 2. 3" style numbering
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if seg.strip():
            out.append((offset + s + lead, offset + e - trail))
    return out
