"""Domain types of the answer layer: passages, citations and the answer contract shared by CLI and API."""

from __future__ import annotations

from pydantic import BaseModel, Field

# The longest question (or search query) accepted anywhere: the HTTP schemas, the engine and the settings all
# use this one constant (`Settings.max_question_chars` may lower it, never raise it).
MAX_QUESTION_CHARS = 2000


class Passage(BaseModel):
    """A span of a document with where it comes from; `text == document.text[start:end]`."""

    doc_id: str
    title: str
    section: str
    kind: str
    start: int
    end: int
    text: str
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None
    reference_numbers: list[int] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list, description="Bibliography entries the span cites.")


class Citation(Passage):
    """A passage cited in an answer by its inline marker `[marker]`."""

    marker: int


class Turn(BaseModel):
    role: str
    content: str


class Answer(BaseModel):
    question: str
    answer: str
    answered: bool
    citations: list[Citation] = Field(default_factory=list)
    related: list[Passage] = Field(default_factory=list)
    resolved_question: str | None = Field(None, description="The question after follow-up resolution.")
    confidence: float = 0.0
    timings_ms: dict[str, float] = Field(default_factory=dict)
