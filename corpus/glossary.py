"""A per-document glossary of abbreviations, from legends and from in-text definitions.

In-text definitions ("hypoxic-ischemic encephalopathy (HIE)") are found with the Schwartz & Hearst (2003)
rule: the short form's letters appear, in order, in the words just before it, the first letter starting a word.
"""

from __future__ import annotations

import re

from corpus.blocks import legend_entries

_SHORT_FORM = re.compile(r"\(([A-Za-z][A-Za-z0-9αβγκ-]{1,9})\)")


def _is_short_form(candidate: str) -> bool:
    letters = sum(c.isalpha() for c in candidate)
    return letters >= 2 and any(c.isupper() for c in candidate) and candidate[0].isalnum()


def _best_long_form(short: str, words: list[str]) -> str | None:
    """Schwartz-Hearst: match the short form's characters right to left against the preceding words."""
    short_chars = [c.lower() for c in short if c.isalnum()]
    window = words[-min(len(words), len(short_chars) + 5, 2 * len(short_chars)) :] if words else []
    text = " ".join(window)
    s_i, l_i = len(short_chars) - 1, len(text) - 1
    while s_i >= 0:
        c = short_chars[s_i]
        while l_i >= 0 and (
            text[l_i].lower() != c or (s_i == 0 and l_i > 0 and text[l_i - 1].isalnum())
        ):
            l_i -= 1
        if l_i < 0:
            return None
        s_i -= 1
        l_i -= 1
    start = text.rfind(" ", 0, l_i + 1) + 1
    long_form = text[start:].strip(" ,;:")
    if len(long_form.split()) > len(short_chars) + 3 or long_form.lower() == short.lower():
        return None
    return long_form


def definitions_in(text: str) -> list[tuple[str, str]]:
    """Abbreviations defined in running text as `long form (SF)`."""
    found = []
    for m in _SHORT_FORM.finditer(text):
        short = m.group(1)
        if not _is_short_form(short):
            continue
        preceding = re.split(r"[.;:()]", text[: m.start()])[-1]
        long_form = _best_long_form(short, preceding.split())
        if long_form:
            found.append((short, long_form))
    return found


def build_glossary(paragraphs: list[str], legends: list[str]) -> dict[str, str]:
    """Legend entries win over in-text definitions; the first definition of a short form is kept."""
    glossary: dict[str, str] = {}
    for legend in legends:
        for short, long_form in legend_entries(legend):
            glossary.setdefault(short, long_form)
    for para in paragraphs:
        for short, long_form in definitions_in(para):
            glossary.setdefault(short, long_form)
    return glossary
