"""Compound questions: "Are milk stem cells likely to cause cancer, and is collecting them a burden?" asks two things.

The answer's best unit is chosen for the whole question and may answer neither part well, and a part often
shares few words with the sentence that answers it ("cause cancer" / "unlikely to be tumorigenic"), so covering
the question's missing words does not find that sentence. Here each part is encoded on its own and, when some
candidate unit is clearly closer to it than every unit already chosen, that unit joins the answer. Parts are
found by grammar only (`qa.yesno.question_parts`: "and" or a semicolon before a question word or an auxiliary).
A part that does not name what it asks about ("and what does each contain?") is too vague to look for.
"""

from __future__ import annotations

import numpy as np

from qa.rank import ScoredUnit, UnitScorer
from qa.yesno import question_parts

PART_MARGIN = 0.05  # how much closer to the part (cosine) a unit must be than every chosen one
PART_POOL = 10  # candidate units considered for a part, best first
# A part that does not name its subject ("what does each contain") is weakly close to everything (cosine < 0.3
# with all-MiniLM-L6-v2, where a sentence on the part's topic scores 0.5 or more): it adds nothing.
MIN_PART_SIMILARITY = 0.4


def cover_parts(question: str, scored: list[ScoredUnit], scorer: UnitScorer, chosen: list[ScoredUnit],
                limit: int) -> None:
    """Add to `chosen` (at most up to `limit` units) the unit that answers a part no chosen unit answers."""
    parts = question_parts(question)
    if len(parts) < 2:
        return
    pool = [s for s in scored[:PART_POOL] if s.unit.kind != "reference"]
    vectors = scorer.index.unit_vectors
    for part in parts:
        if len(chosen) >= limit:
            return
        vec = scorer.index.embedder.encode_query(part)
        held = max(float(vectors[c.index] @ vec) for c in chosen)
        free = [s for s in pool if not any(c.unit.overlaps(s.unit) for c in chosen)]
        if not free:
            return
        sims = vectors[[s.index for s in free]] @ vec
        best = int(np.argmax(sims))
        if float(sims[best]) >= max(held + PART_MARGIN, MIN_PART_SIMILARITY):
            chosen.append(free[best])

