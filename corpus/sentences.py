"""Sentence boundaries with character offsets, aware of the abbreviations of scientific prose."""

from __future__ import annotations

import re

# Tokens after which a period does not end a sentence.
_NO_BREAK_AFTER = {
    "al", "e.g", "i.e", "eg", "ie", "etc", "vs", "fig", "figs", "no", "nos", "vol", "approx", "ca", "dr", "mr",
    "mrs", "ms", "prof", "st", "cf", "ref", "refs", "resp", "sp", "spp", "inc", "ltd", "co", "jr", "sr", "mol",
}
_CANDIDATE = re.compile(r"[.!?…]+['\")\]]*(?=\s+[\"'(\[]?[A-Z0-9αβγδκ])")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Split `text` into sentences; returns `(start, end)` pairs shifted by `offset`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        before = text[start : m.start()]
        word = re.search(r"([\w.]+)$", before)
        token = word.group(1).lower() if word else ""
        if token.rstrip(".") in _NO_BREAK_AFTER or re.fullmatch(r"[a-z]", token):
            continue  # "et al.", "e.g.", a single initial such as "J."
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
