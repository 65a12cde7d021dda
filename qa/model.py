"""Domain types of the answer layer: passages, citations and the answer contract shared by CLI and API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# The longest question (or search query) accepted anywhere: the HTTP schemas, the engine and the settings all
# use this one constant (`Settings.max_question_chars` may lower it, never raise it).
MAX_QUESTION_CHARS = 2000

Stance = Literal["supports", "contradicts", "mixed"]
VerdictLabel = Literal["Yes", "No", "Mixed evidence", "Unclear"]


class LibraryDocument(BaseModel):
    """A document of the library that a bibliography entry names by its title: the cited study itself."""

    reference_number: int = Field(description="The entry's number in the citing document's bibliography.")
    doc_id: str
    title: str


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
    library_documents: list[LibraryDocument] = Field(
        default_factory=list, description="Documents of this library that those entries name by title: the cited "
                                          "studies themselves, to read or to ask (`documents`).")


class Citation(Passage):
    """A passage cited in an answer by its inline marker `[marker]`."""

    marker: int
    stance: Stance | None = Field(
        None, description="For a yes/no question, what this cited finding says: supports, contradicts or mixed "
                          "(hedged or not settled); null for a citation that states no finding or another question.")


class Verdict(BaseModel):
    """The overall answer to a yes/no question, shown only above the confidence threshold (qa/verdict.py)."""

    label: VerdictLabel
    confidence: float = Field(ge=0.0, le=1.0, description="The stance model's probability of the label.")


class Turn(BaseModel):
    role: str
    content: str


class Answer(BaseModel):
    question: str
    answer: str = Field(description=(
        "The answer with [n] markers to `citations`. It may open with one line that is the engine's judgement, not "
        "a quote: 'Verdict: …' for a yes/no question, 'Note: …' for another question when no paper found is "
        "about it (`about_question` false). Unanswered (`answered` false), it says why: 'The reviews do not say: "
        "no passage in them answers this question.', or '... mentions \"vitamin\".' when the question names a "
        "substance, a treatment, an exposure or a disease the library never mentions, or '... gives the number "
        "asked.' when the passages found for an amount, a share or a dose give no number."))
    answered: bool
    citations: list[Citation] = Field(default_factory=list)
    related: list[Passage] = Field(default_factory=list, description=(
        "Up to k passages not cited, in the order of the best sentence or row each holds as the engine ranks "
        "them for the question (then search order); `score` is each passage's search score."))
    resolved_question: str | None = Field(None, description=(
        "How the question was read, when not as written: after follow-up resolution, in the library's spelling, "
        "with the library's words for lay words (\"preemies (preterm baby, ...)\")."))
    confidence: float = 0.0
    verdict: Verdict | None = Field(
        None, description="For a yes/no question answered with findings: Yes, No, Mixed evidence or Unclear, with "
                          "its confidence; null when the question is not yes/no, does not name what it asks "
                          "about, is answered from papers not about it, or the findings do not settle it.")
    about_question: bool = Field(
        True, description="Whether the paper of the best passage found is about the question (it holds most of the "
                          "question's terms, and the library mentions the substances and diseases the question "
                          "names); when not, the answer quotes the closest passages under a note and gives no "
                          "verdict, or is not given when the library never mentions them.")
    topicality: float = Field(
        1.0, ge=0.0, le=1.0, description="How likely the paper of the best passage found is about the question "
        "(1 for a lookup, a named study or table rows chosen by the question's words): `about_question` from "
        "the topicality model's threshold (0.11), a verdict only from 0.3.")
    timings_ms: dict[str, float] = Field(default_factory=dict)
