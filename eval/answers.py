"""Answer metrics: key-fact recall, answer length and abstention precision/recall."""

from __future__ import annotations

import re
import unicodedata

from eval.grounding import strip_markers

_DASHES = re.compile(r"[‐‑‒–—―−]")


def normalize(text: str) -> str:
    """Case-folded, NFKC, every dash as '-', whitespace collapsed: the form facts are matched in."""
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", text)).casefold()
    return " ".join(text.split())


def key_facts(answer: str, facts: list[list[str]]) -> tuple[float, list[str]]:
    """Share of facts with an alternative found in the answer, and the facts missed (by first alternative).

    Markers are removed first so that "[1]" never matches a fact such as "1".
    """
    if not facts:
        raise ValueError("key-fact recall needs at least one fact")
    text = normalize(strip_markers(answer))
    missed = [alts[0] for alts in facts if not any(normalize(a) in text for a in alts)]
    return (len(facts) - len(missed)) / len(facts), missed


def word_count(answer: str) -> int:
    """Words of the answer without its markers."""
    return len(strip_markers(answer).split())


def abstention_scores(outcomes: list[tuple[bool, bool]]) -> tuple[float | None, float | None, float | None]:
    """Precision and recall of abstaining on unanswerable questions, and the false-abstention rate.

    `outcomes` holds (answerable, answered) per question. Abstaining (answered false) is the positive class:
    precision = abstentions on unanswerable / all abstentions; recall = abstentions on unanswerable /
    unanswerable questions; false-abstention rate = abstentions on answerable / answerable questions.
    Each is None when its denominator is zero (e.g. precision of a system that never abstains).
    """
    abstained = [answerable for answerable, answered in outcomes if not answered]
    unanswerable = sum(not answerable for answerable, _ in outcomes)
    answerable = len(outcomes) - unanswerable
    true_abstentions = sum(not a for a in abstained)
    precision = true_abstentions / len(abstained) if abstained else None
    recall = true_abstentions / unanswerable if unanswerable else None
    false_rate = (len(abstained) - true_abstentions) / answerable if answerable else None
    return precision, recall, false_rate
