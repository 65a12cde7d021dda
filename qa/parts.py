"""Compound questions: "Are milk stem cells likely to cause cancer, and is collecting them a burden?" asks two things.

The answer's best unit is chosen for the whole question and may answer neither part well, and a part often
shares few words with the sentence that answers it ("cause cancer" / "unlikely to be tumorigenic"), so covering
the question's missing words does not find that sentence. Here each part is encoded on its own and, when some
candidate unit is clearly closer to it than every unit already chosen, that unit joins the answer. Parts are
found by grammar only (`qa.yesno.question_parts`: "and" or a semicolon before a question word or an auxiliary).
A part that does not name what it asks about is too vague to look for by its meaning; when it refers back to
what the part before it asked and asks what, which or how ("Into which two groups are the cells classified, and
what does each contain?"), the passage goes on where that part's answer stops: the sentence after it, in its
paragraph, joins the answer ("The blood-derived group includes ..."), as a reader would read on. A vague part
that asks yes or no ("..., and do they work?") asks a judgment of the subject, not what comes next: nothing is
added for it.
"""

from __future__ import annotations

import re

import numpy as np

from qa.query import Query
from qa.rank import ScoredUnit, UnitScorer
from qa.yesno import is_yes_no, question_parts

PART_MARGIN = 0.05  # how much closer to the part (cosine) a unit must be than every chosen one
PART_POOL = 10  # candidate units considered for a part, best first
# A part that does not name its subject ("what does each contain") is weakly close to everything (cosine < 0.3
# with all-MiniLM-L6-v2, where a sentence on the part's topic scores 0.5 or more): it adds nothing.
MIN_PART_SIMILARITY = 0.4
# Words by which a part points back at what the part before it asked about.
_REFERS_BACK = re.compile(r"\b(?:each|it|its|they|them|their|these|those|this|both|either)\b", re.I)


def cover_parts(query: Query, scored: list[ScoredUnit], scorer: UnitScorer, chosen: list[ScoredUnit],
                limit: int) -> None:
    """Add to `chosen` (at most up to `limit` units) the unit that answers a part no chosen unit answers."""
    parts = question_parts(query.resolved)
    if len(parts) < 2:
        return
    pool = [s for s in scored[:PART_POOL] if s.unit.kind != "reference"]
    vectors = scorer.index.unit_vectors
    previous = None
    for part in parts:
        if len(chosen) >= limit:
            return
        vec = scorer.index.embedder.encode_query(part)
        held = max(float(vectors[c.index] @ vec) for c in chosen)
        free = [s for s in pool if not any(c.unit.overlaps(s.unit) for c in chosen)]
        sims = vectors[[s.index for s in free]] @ vec if free else np.zeros(1)
        closest = float(sims.max())
        if free and closest >= max(held + PART_MARGIN, MIN_PART_SIMILARITY):
            chosen.append(free[int(np.argmax(sims))])
        elif previous is not None and closest < MIN_PART_SIMILARITY and _REFERS_BACK.search(part) \
                and not is_yes_no(part):
            _read_on(query, scorer, chosen, previous)
        previous = vec


def _read_on(query: Query, scorer: UnitScorer, chosen: list[ScoredUnit], previous: np.ndarray) -> None:
    """Add the sentence after the chosen unit closest to the previous part, when it is in the same paragraph."""
    vectors = scorer.index.unit_vectors
    antecedent = max(chosen, key=lambda c: float(vectors[c.index] @ previous))
    following = antecedent.index + 1
    if following >= scorer.index.manifest.units:
        return
    record = scorer.index.units([following]).get(following)
    if record is None or (record.unit.doc_id, record.unit.block) != (antecedent.unit.doc_id, antecedent.unit.block):
        return
    if not any(c.index == following or c.unit.overlaps(record.unit) for c in chosen):
        chosen.append(scorer.score(query, {following: 0.0}, {following: record})[0])
