"""Report rows of the evaluation: per-question results, aggregate metrics, the gate verdict and timings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from eval.grounding import SentenceCheck


class Scores(BaseModel):
    """Metrics defined per question, averaged over the questions where they are defined (None: undefined)."""

    evidence_recall_at_1: float | None = None
    evidence_recall_at_3: float | None = None
    evidence_recall_at_5: float | None = None
    evidence_recall_at_10: float | None = None
    mrr: float | None = Field(default=None, description="Reciprocal rank of the first evidence passage.")
    ndcg_at_10: float | None = None
    key_fact_recall: float | None = None
    answer_words: float | None = Field(default=None, description="Words per answer (answered ones only).")
    citation_recall: float | None = None
    citation_precision: float | None = None


class Metrics(Scores):
    """Aggregate metrics of one system over a set of questions."""

    questions: int
    answerable: int
    answered: int
    citation_integrity: float | None = Field(
        default=None, description="Intact citations / (citations + dangling markers), over all answers."
    )
    abstention_precision: float | None = None
    abstention_recall: float | None = None
    false_abstention_rate: float | None = None


class QuestionResult(Scores):
    """What one system did on one gold question, scored."""

    id: str
    kind: str
    split: str
    system: str
    question: str
    answerable: bool
    answered: bool
    answer: str
    evidence_ranks: list[int | None] = Field(default_factory=list, description="First rank covering a quote.")
    missed_facts: list[str] = Field(default_factory=list)
    sentences: list[SentenceCheck] = Field(default_factory=list)
    citations: int = 0
    intact_citations: int = 0
    dangling_markers: list[int] = Field(default_factory=list)
    unused_citations: list[int] = Field(default_factory=list)
    error: str | None = None


class RunMeta(BaseModel):
    """What was evaluated, and with which index and support rule."""

    gold: str
    split: str
    questions: int
    k: int
    systems: list[str]
    model: str
    chunking: dict[str, int]
    corpus_hash: str
    support_ratio: float
    little_ratio: float


class GateFailure(BaseModel):
    metric: str
    value: float | None
    minimum: float


class GateResult(BaseModel):
    """The engine's metrics against `eval/thresholds.toml`."""

    system: str
    thresholds: dict[str, float]
    failures: list[GateFailure]

    @property
    def passed(self) -> bool:
        return not self.failures


class SystemTiming(BaseModel):
    seconds: float
    mean_ms: float
    max_ms: float


class Report(BaseModel):
    """The whole evaluation; everything but `timings` is deterministic for a given index and gold file."""

    meta: RunMeta
    overall: dict[str, Metrics]
    per_kind: dict[str, dict[str, Metrics]]
    results: list[QuestionResult]
    gate: GateResult | None = None
    timings: dict[str, SystemTiming] = Field(default_factory=dict)

    def numbers(self) -> dict[str, object]:
        """The report without timings: what two runs must agree on."""
        return self.model_dump(exclude={"timings"})
