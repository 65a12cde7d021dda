"""Retrieval metrics against gold evidence: evidence recall@k, reciprocal rank and nDCG@k.

Everything is computed from the rank at which each evidence quote is first covered: a ranked passage covers
a quote when it overlaps one of the quote's locations by character offsets (same document) or contains it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from eval.gold import EvidenceSpan

RECALL_KS = (1, 3, 5, 10)
NDCG_K = 10


class Ranked(Protocol):
    """A ranked span (a `qa.model.Passage` or `Citation`)."""

    doc_id: str
    start: int
    end: int
    text: str


def covers(passage: Ranked, quote: str, locations: list[EvidenceSpan]) -> bool:
    """The passage overlaps a location of the quote in its document, or contains the quote's text."""
    if quote and quote in passage.text:
        return True
    return any(loc.doc_id == passage.doc_id and max(passage.start, loc.start) < min(passage.end, loc.end)
               for loc in locations)


def first_cover_ranks(ranked: Sequence[Ranked], quotes: list[str],
                      locations: list[list[EvidenceSpan]]) -> list[int | None]:
    """For each evidence quote, the 1-based rank of the first passage covering it, or None if none does."""
    ranks: list[int | None] = []
    for quote, where in zip(quotes, locations, strict=True):
        ranks.append(next((r for r, p in enumerate(ranked, 1) if covers(p, quote, where)), None))
    return ranks


def recall_at(ranks: list[int | None], k: int) -> float:
    """Share of evidence quotes covered within the top `k` passages."""
    if not ranks:
        raise ValueError("recall needs at least one evidence quote")
    return sum(r is not None and r <= k for r in ranks) / len(ranks)


def reciprocal_rank(ranks: list[int | None]) -> float:
    """1 / the rank of the first passage covering any evidence quote; 0 when none is covered."""
    found = [r for r in ranks if r is not None]
    return 1.0 / min(found) if found else 0.0


def ndcg_at(ranks: list[int | None], k: int = NDCG_K) -> float:
    """nDCG@k where a passage gains 1 per evidence quote it is the first to cover.

    The ideal ranking covers one new quote per rank, so IDCG = sum of 1/log2(i+1) for i = 1..min(quotes, k).
    A passage covering several quotes at once can beat that ideal; the score is capped at 1.
    """
    if not ranks:
        raise ValueError("nDCG needs at least one evidence quote")
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= k)
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(ranks), k) + 1))
    return min(1.0, dcg / idcg)
