"""Report rows of the PubMedQA suite: what the engine did on each dev question, and the aggregate metrics."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PubMedResult(BaseModel):
    """One dev question: where the engine's citations point, its verdict (cross-validated) and its cost."""

    pmid: str
    question: str
    decision: str
    yes_no: bool = Field(description="The engine's yes/no detector fired on the question.")
    answered: bool
    answer: str
    doc_first: bool = Field(description="The first citation ([1]) is from the question's own abstract.")
    doc_any: bool = Field(description="Some citation is from the question's own abstract.")
    finding_cited: bool = Field(description="A citation of the right abstract lies in a results/conclusions section.")
    cited_sections: list[str] = Field(default_factory=list, description="doc_id › section of each citation.")
    fold: int
    verdict: str | None = Field(None, description="Verdict of the model fitted without this question's fold.")
    verdict_confidence: float | None = None
    verdict_correct: bool | None = None
    shipped_verdict: str | None = Field(None, description="Verdict of the shipped model (it saw this question).")
    encoder_read: bool = Field(False, description="The stance encoder's out-of-fold probabilities were there for "
                                                  "the findings judged (stored for the same findings).")
    words: int
    latency_ms: float


class VerdictSplit(BaseModel):
    """The cross-validated verdict over one outer 5-fold split of dev (split 0: the report's rows)."""

    split: int
    thresholds: list[float]
    shown: int
    coverage: float
    accuracy: float | None


class PubMedMetrics(BaseModel):
    """The suite's numbers; verdict numbers are cross-validated (each question judged by a model of another fold)."""

    questions: int
    documents: int
    answered: float
    doc_first: float
    doc_any: float
    finding_cited: float
    yes_no_detected: float
    verdict_coverage: float = Field(description="Share of all questions with a verdict shown.")
    verdict_accuracy: float | None = Field(description="Share of shown verdicts that match the decision.")
    verdict_shown: int
    encoder_read: int = Field(0, description="Questions judged with the stance encoder's out-of-fold probabilities "
                                             "(the others by the word model alone: their findings changed since "
                                             "the encoder's fit).")
    shipped_verdict_coverage: float
    shipped_verdict_accuracy: float | None
    answer_words: float
    latency_p50_ms: float
    latency_p95_ms: float
    asked_without_abstract: int = Field(0, description="Held-out questions asked of a library without their abstract.")
    answered_without_abstract: float | None = Field(
        None, description="Share of those the engine answered anyway (it should say the library does not tell).")
    verdict_without_abstract: float | None = Field(None, description="Share of those given a verdict anyway.")
    verdict_on_unrelated: float | None = Field(
        None, description="Share of the asked questions given a verdict (cross-validated, report's split) when the "
                          "findings are the conclusion of the dev paper nearest to the question, another paper "
                          "(eval/stance_unrelated.py); should be low.")
    answered_kept_to_own: float | None = Field(
        None, description="Share of the questions answered when kept to their own abstract (`documents=[...]`).")
    answered_kept_to_other: float | None = Field(
        None, description="Share answered when kept to the next question's abstract, about something else; should "
                          "be low (the selected documents do not say).")
    verdict_splits: list[VerdictSplit] = Field(
        default_factory=list, description="The verdict over each outer split: which questions share a fold moves "
                                          "the numbers by a few points, so several splits are measured.")
    verdict_coverage_mean: float | None = Field(None, description="Mean verdict coverage over the outer splits.")
    verdict_accuracy_mean: float | None = Field(None, description="Mean verdict accuracy over the outer splits.")


class PubMedReport(BaseModel):
    """The whole PubMedQA run; `results` hold one row per question."""

    data: str
    corpus: str
    model: str
    folds: int
    fold_thresholds: list[float]
    target_precision: float
    metrics: PubMedMetrics
    results: list[PubMedResult]
