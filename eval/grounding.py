"""ALCE-style grounding of an answer, per sentence, with a transparent token-coverage rule instead of NLI.

A sentence is *supported* by a set of spans when at least `SUPPORT_RATIO` of its distinct content tokens
(`index.lexical.tokenize` stems, glossary-expanded, markers removed) occur among the spans' tokens (also
glossary-expanded). See eval/README.md for the rule, its adaptation of ALCE and its limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from corpus.model import Document
from corpus.sentences import ends_with_abbreviation, starts_sentence
from index.glossary import Glossary
from index.lexical import tokenize
from qa.compose import COUNTED_IN
from qa.model import Citation
from qa.verdict import NOTE_PREFIX, VERDICT_PREFIX

SUPPORT_RATIO = 0.8  # share of a sentence's content tokens the cited spans must contain
LITTLE_RATIO = 0.5  # a citation that alone covers less than this share "covers little" of its sentence

_MARKER_RE = r"\[\d+(?:\s*[,;–-]\s*\d+)*\]"
_MARKER = re.compile(_MARKER_RE)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
# A sentence ends at . ! or ? (with closing quotes/brackets and the markers right after it), or at a marker
# group alone (maybe with : ; or ,), when whitespace and a capital letter follow: "… decreased [1]. The …",
# "… row [1] Wu et al. …", "… as follows (8) [1]: Weissman IL. …".
# The character after the whitespace is checked by the corpus' rule of what opens a sentence.
_END = re.compile(rf"(?:(?P<punct>[.!?])[\"'”’)]*)?(?P<markers>(?:\s*{_MARKER_RE})*)[:;,]?\s+(?=[\"“]?(?P<next>\w))")
_INITIALS = re.compile(r"\b[A-Z][a-z'’-]+ [A-Z]{1,3}\.$")  # "Park WS." in an author list
# A bibliographic entry ("Ahn SY, Chang YS, …", "van Haafden T, …", "Weissman IL. …") runs to its marker.
# Initials may be other Latin capitals ("Aydın MŞ, Yiğit EN"): Latin-1's and Latin Extended-A/B's letters count
# (that block alternates capitals and small letters, which an initial of one to three letters cannot tell apart).
_INITIAL_LETTERS = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u024f"
_AUTHORS = re.compile(r"(?:(?:van|von|de|der|den|da|di|du|le|la|el)\s+)*"
                      rf"[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*)?\s+[{_INITIAL_LETTERS}]{{1,3}}(?:,|\.|\s+et al\.)")

# A list's lead that counts what it lists ("6 studies in the table: A [1]; B [2]; ...", "BPD (3 routes in the
# table and text): ...", "4 clinical trials in the table: ..."): the count is checked against the items that follow,
# not looked for in the spans.
_WHERE_COUNTED = "|".join(map(re.escape, sorted(COUNTED_IN, key=len, reverse=True)))
_COUNT_LEAD = re.compile(
    rf"^(?:(?P<subject>[^:(]+) \()?(?P<n>\d+) [^\W\d_][\w-]*(?: [^\W\d_][\w-]*){{0,2}}?"
    rf"(?: (?:{_WHERE_COUNTED}))?\)?: (?P<items>.+)$", re.S)


def counted_claim(text: str) -> str:
    """The part of an answer's line its spans must hold: without the count of a list's lead when the lead lists
    exactly that many items ("; "-separated); the whole line otherwise."""
    m = _COUNT_LEAD.match(text)
    if m is None or int(m["n"]) != len(m["items"].rstrip(". ").split("; ")):
        return text
    return " ".join(filter(None, [m["subject"], m["items"]]))


class Sentence(BaseModel):
    """One answer sentence (or bullet) with the markers it carries."""

    text: str
    markers: list[int]


class SentenceCheck(BaseModel):
    """How one answer sentence is grounded by the citations its markers point to."""

    text: str
    markers: list[int]
    coverage: float
    supported: bool
    precise: list[int]


class Grounding(BaseModel):
    """Grounding of one answer: sentence checks, citation recall and precision, citation integrity counts."""

    sentences: list[SentenceCheck]
    citation_recall: float | None
    citation_precision: float | None
    citations: int
    intact_citations: int
    dangling_markers: list[int]
    unused_citations: list[int]


def markers_in(text: str) -> list[int]:
    """Marker numbers in `text` in order of appearance, unique; `[2-4]` stands for 2, 3 and 4."""
    found: dict[int, None] = {}
    for match in _MARKER.finditer(text):
        for part in re.split(r"\s*[,;]\s*", match.group(0)[1:-1]):
            bounds = [int(n) for n in re.split(r"\s*[–-]\s*", part)]
            is_range = len(bounds) == 2 and bounds[0] <= bounds[1]
            numbers = range(bounds[0], bounds[1] + 1) if is_range else bounds
            for n in numbers:
                found.setdefault(n, None)
    return list(found)


def strip_markers(text: str) -> str:
    """`text` without its `[n]` markers, whitespace collapsed."""
    text = re.sub(rf"\s*{_MARKER_RE}(?=\w)", " ", text)  # "a [1]b" -> "a b"
    return " ".join(re.sub(rf"\s*{_MARKER_RE}", "", text).split())  # "cells [1]." -> "cells."


def _ends_with_abbreviation(text: str) -> bool:
    """"… et al.", "… e.g.", "… J.", or an author's initials ("Park WS.")."""
    return bool(_INITIALS.search(text)) or (text.endswith(".") and ends_with_abbreviation(text[:-1]))


def split_sentences(answer: str) -> list[Sentence]:
    """Split an answer into sentences and bullets; markers right after a sentence end belong to it."""
    units: list[str] = []
    for line in answer.splitlines():
        line = _BULLET.sub("", line).strip()
        start = 0
        for match in _END.finditer(line):
            punct, markers = match.group("punct"), match.group("markers").strip()
            if not starts_sentence(match.group("next")) or not punct and not markers:
                continue
            head = line[start : match.start("punct") + 1] if punct else ""
            if not markers and (_ends_with_abbreviation(head)
                                or (_AUTHORS.match(line, start) and not _MARKER.search(head))):
                continue
            units.append(line[start : match.end()].strip())
            start = match.end()
        units.append(line[start:].strip())
    sentences: list[Sentence] = []
    for unit in filter(None, units):
        if not re.search(r"\w", _MARKER.sub("", unit)) and sentences:  # a stray "[1]" line: attach it back
            last = sentences[-1]
            sentences[-1] = Sentence(text=f"{last.text} {unit}", markers=markers_in(f"{last.text} {unit}"))
            continue
        sentences.append(Sentence(text=unit, markers=markers_in(unit)))
    return sentences


GlossaryLike = Glossary | Mapping[str, str]


def as_glossary(glossary: GlossaryLike) -> Glossary:
    return glossary if isinstance(glossary, Glossary) else Glossary.of(glossary)


def content_tokens(text: str, glossary: GlossaryLike) -> set[str]:
    """Distinct content stems of `text` without markers, with abbreviations expanded both ways."""
    return set(tokenize(as_glossary(glossary).expand(strip_markers(text))))


def coverage(claim: set[str], evidence: set[str]) -> float:
    """Share of the claim's tokens found in the evidence tokens (1.0 for an empty claim)."""
    return len(claim & evidence) / len(claim) if claim else 1.0


def supports(claim: set[str], evidence: set[str], ratio: float = SUPPORT_RATIO) -> bool:
    """The support rule: the evidence holds at least `ratio` of the claim's content tokens."""
    return coverage(claim, evidence) >= ratio


def citation_intact(citation: Citation, documents: Mapping[str, Document]) -> bool:
    """The citation points inside a known document and its text is exactly `document.text[start:end]`."""
    doc = documents.get(citation.doc_id)
    return (doc is not None and 0 <= citation.start < citation.end <= len(doc.text)
            and doc.text[citation.start : citation.end] == citation.text)


def _span_tokens(citation: Citation, documents: Mapping[str, Document], glossary: GlossaryLike) -> set[str]:
    # What the citation points at is the source of truth, whatever its `text` claims.
    doc = documents.get(citation.doc_id)
    if doc is None or not 0 <= citation.start < citation.end <= len(doc.text):
        return set()
    return content_tokens(doc.text[citation.start : citation.end], glossary)


def _union(token_sets: Iterable[set[str]]) -> set[str]:
    out: set[str] = set()
    for tokens in token_sets:
        out |= tokens
    return out


def check_sentence(claim: set[str], spans: dict[int, set[str]],
                   markers: list[int]) -> tuple[float, bool, list[int]]:
    """Coverage and support of one sentence by its cited spans, and which of its markers are precise (ALCE).

    Markers missing from `spans` (dangling) never support and are never precise. When the sentence is not
    supported by all its citations together, none is precise; otherwise a citation is imprecise only if the
    others still support the sentence without it AND it alone covers less than `LITTLE_RATIO` of it.
    """
    cited = [m for m in markers if m in spans]
    joint = _union(spans[m] for m in cited)
    cov = coverage(claim, joint)
    supported = bool(cited) and cov >= SUPPORT_RATIO
    if not supported:
        return cov, False, []
    if len(cited) == 1:
        return cov, True, cited
    precise = []
    for m in cited:
        others = _union(spans[o] for o in cited if o != m)
        if not (supports(claim, others) and coverage(claim, spans[m]) < LITTLE_RATIO):
            precise.append(m)
    return cov, True, precise


def ground(answer: str, citations: list[Citation], documents: Mapping[str, Document],
           glossary: GlossaryLike) -> Grounding:
    """Check each sentence of `answer` against its cited spans.

    Sentences without content tokens (e.g. "Yes.") are skipped, and so is the verdict line that opens the
    answer to a yes/no question ("Verdict: Yes (confidence 0.91).") or the note that opens an answer from papers
    not about the question: they are the engine's judgement, not quotes (the verdict is scored as verdict
    accuracy instead). A list's count ("6 studies in the table: ...") is checked against the items listed
    (`counted_claim`).
    """
    glossary = as_glossary(glossary)
    spans = {c.marker: _span_tokens(c, documents, glossary) for c in citations}
    checks: list[SentenceCheck] = []
    used: set[int] = set()
    cited_total = precise_total = 0
    # A list's lead is one line, which may split into several sentences: its count is checked on the line.
    for sentence in split_sentences("\n".join(map(counted_claim, answer.split("\n")))):
        if sentence.text.startswith((VERDICT_PREFIX, NOTE_PREFIX)):
            continue
        used.update(sentence.markers)
        claim = content_tokens(sentence.text, glossary)
        if not claim:
            continue
        cov, supported, precise = check_sentence(claim, spans, sentence.markers)
        cited_total += len(sentence.markers)
        precise_total += len(precise)
        checks.append(SentenceCheck(text=sentence.text, markers=sentence.markers, coverage=round(cov, 4),
                                    supported=supported, precise=precise))
    recall = sum(c.supported for c in checks) / len(checks) if checks else None
    # ALCE: an answer with sentences but no citation has precision 0, not "undefined".
    precision = precise_total / cited_total if cited_total else (0.0 if checks else None)
    return Grounding(
        sentences=checks, citation_recall=recall, citation_precision=precision, citations=len(citations),
        intact_citations=sum(citation_intact(c, documents) for c in citations),
        dangling_markers=sorted(used - set(spans)), unused_citations=sorted(set(spans) - used),
    )
