"""When to say "the reviews do not say": a confidence from the best units and a threshold tuned on dev."""

from __future__ import annotations

from dataclasses import dataclass

from qa.query import Query
from qa.rank import ScoredUnit, UnitScorer


@dataclass
class Abstainer:
    threshold: float

    @classmethod
    def default(cls) -> Abstainer:
        return cls(threshold=0.45)

    def confidence(self, query: Query, scored: list[ScoredUnit], scorer: UnitScorer) -> float:
        return scored[0].score if scored else 0.0
