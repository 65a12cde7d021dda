"""The passages an answer lists as `related`: those it does not cite, in the order of the best sentence or row each
holds as the engine ranked them for the question, none sharing text with a better one."""

from __future__ import annotations

from index.model import SearchHit
from qa.model import Citation
from qa.rank import ScoredUnit


def related_hits(hits: list[SearchHit], scored: list[ScoredUnit], citations: list[Citation]) -> list[SearchHit]:
    """`hits` the answer's `citations` do not quote, by their best scored unit (`_by_best_unit`), overlaps out
    (`_apart`)."""
    cited = {(c.doc_id, c.start, c.end) for c in citations}
    uncited = [h for h in _by_best_unit(hits, scored) if (h.chunk.doc_id, h.chunk.start, h.chunk.end) not in cited]
    return _apart(uncited)


def _by_best_unit(hits: list[SearchHit], scored: list[ScoredUnit]) -> list[SearchHit]:
    """The passages in the order of their best scored unit (the engine's judgment of what says most about the
    question), then those with no scored unit in search order."""
    best: dict[int, int] = {}
    for rank, s in enumerate(scored):
        best.setdefault(s.index, rank)
    def key(item: tuple[int, SearchHit]) -> tuple[int, int]:
        pos, hit = item
        ranks = [best[i] for i in range(*hit.chunk.units) if i in best]
        return (min(ranks) if ranks else len(scored) + pos, pos)
    return [h for _, h in sorted(enumerate(hits), key=key)]


def _apart(hits: list[SearchHit]) -> list[SearchHit]:
    """The hits that share no text with a better one: chunks overlap (a window slides over the text), and the
    same sentences listed twice would take the place of a passage that says something else."""
    kept: list[SearchHit] = []
    for h in hits:
        if not any(k.chunk.overlaps(h.chunk) for k in kept):
            kept.append(h)
    return kept
