"""The numbered reference list and the in-text citations that point into it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text import collapse_spaces, strip_emphasis

_WEB_LINKS = re.compile(r"\s*\[(?:crossref|pubmed|google scholar|pmc free article|medline|scopus|web of science)\]",
                        re.IGNORECASE)
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
_NAME_PARTICLES = r"(?:(?:van|von|de|der|den|da|di|du|le|la|el|al)\s+)*"
_AUTHOR_WORD = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]+"
_PREFIX = (
    rf"(?:{_NAME_PARTICLES}{_AUTHOR_WORD}(?:[ -]{_AUTHOR_WORD})?"
    rf"(?:\s+(?:et al\.?|and {_NAME_PARTICLES}{_AUTHOR_WORD}))\s*)"
)
_NUMBERS = r"\d{1,3}(?:\s*[,–-]\s*\d{1,3})*"
# "(39)", "(2,3)" and the bracket style "[1]", "[4-6]", "[1, 5]"; group 2 or 3 holds the numbers.
_CITATION = re.compile(rf"({_PREFIX})?(?:\(({_NUMBERS})\)|\[({_NUMBERS})\])")


@dataclass
class ParsedReference:
    text: str
    authors: list[str]
    title: str | None
    journal: str | None
    year: int | None


def _split_authors(raw: str) -> tuple[str, str]:
    """Authors end at the first ". " that follows initials ("Chang YS.") or "et al."."""
    for m in re.finditer(r"\.\s+", raw):
        words = raw[: m.start()].split()
        last = words[-1] if words else ""
        if last == "al" or (last.isupper() and len(last) <= 3) or (last.isalpha() and last.isupper()):
            return raw[: m.start()], raw[m.end() :]
    return "", raw


def parse_reference(raw: str) -> ParsedReference:
    """Parse one entry such as `Chang YS, Ahn SY, et al. Title. *J Pediatr* 2014; 164: 966-72.`."""
    raw = collapse_spaces(_WEB_LINKS.sub("", raw))
    clean = strip_emphasis(raw).strip()
    author_part, rest = _split_authors(raw)
    authors = [a.strip() for a in author_part.split(",") if a.strip()]
    journal = title = None
    italic = re.search(r"\*([^*]+)\*", rest)
    if italic:
        title = rest[: italic.start()].strip().rstrip(".") or None
        journal = italic.group(1).strip().rstrip(".") or None
        year_m = _YEAR.search(rest[italic.end() :])
    else:
        # Without markup: the title is the first sentence, the journal what stands before the year.
        plain = strip_emphasis(rest)
        year_m = _YEAR.search(plain)
        head = plain[: year_m.start()] if year_m else plain
        parts = [p for p in re.split(r"\.\s+", head.strip()) if p.strip()]
        if parts:
            title = parts[0].strip().rstrip(".")
            journal = ". ".join(parts[1:]).strip().rstrip(".;,") or None
    if year_m is None:
        year_m = _YEAR.search(clean)
    return ParsedReference(
        text=clean,
        authors=authors,
        title=strip_emphasis(title) if title else None,
        journal=journal,
        year=int(year_m.group(1)) if year_m else None,
    )


def _expand(numbers: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*,\s*", numbers):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            lo, hi = int(bounds[0]), int(bounds[1])
            if lo <= hi and hi - lo < 30:
                out.extend(range(lo, hi + 1))
                continue
        out.extend(int(b) for b in bounds if b.isdigit())
    return out


def find_citations(text: str, known: set[int]) -> list[tuple[int, int, list[int]]]:
    """In-text citations in `text` as `(start, end, numbers)`, keeping only numbers of known references.

    The span includes an author prefix ("Chang et al. (39)") when there is one.
    """
    found = []
    for m in _CITATION.finditer(text):
        numbers = _expand(m.group(2) or m.group(3))
        if numbers and all(n in known for n in numbers):
            found.append((m.start(), m.end(), numbers))
    return found
