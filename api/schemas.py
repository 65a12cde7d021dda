"""Request and response schemas of the HTTP API: inputs have explicit limits and refuse unknown fields."""

from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from corpus.model import DocumentKind, DocumentMeta, Reference, Section
from qa.model import MAX_QUESTION_CHARS, Passage, Turn

MAX_CITING = 100  # citing documents listed with a document (a landmark trial in a large library)

TURN_MAX_CHARS = 8000
HISTORY_MAX_TURNS = 20
K_MAX = 20
SCOPE_MAX_DOCUMENTS = 1000  # documents a question may be kept to
DOC_ID_MAX_CHARS = 300

DocId = Annotated[str, StringConstraints(min_length=1, max_length=DOC_ID_MAX_CHARS)]
YEAR_MIN, YEAR_MAX = 1000, 9999

# Stripped before the length checks, so that "   " is an empty question.
Question = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS)
]




def _json_integer(value: object) -> object:
    """A JSON integer as JSON Schema has it: `6` and `6.0`, but neither `true` nor `"6"` (which pydantic's lax
    mode would turn into 1 and 6), so that what the OpenAPI schema refuses, the API refuses too."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# For JSON bodies; query parameters are always strings, so `SearchQuery` takes a plain `int`.
JSONInt = Annotated[int, BeforeValidator(_json_integer)]
# The bounds sit on the integer itself, so that the OpenAPI schema of `Year | None` carries them.
JSONYear = Annotated[int, Interval(ge=YEAR_MIN, le=YEAR_MAX), BeforeValidator(_json_integer)]
QueryYear = Annotated[int, Interval(ge=YEAR_MIN, le=YEAR_MAX)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TurnIn(_Input):
    """One earlier turn of the conversation, for follow-up questions."""

    role: Literal["user", "assistant"]
    content: Annotated[str, StringConstraints(max_length=TURN_MAX_CHARS)]


class AskRequest(_Input):
    """A question, the conversation so far (oldest first) and how many passages to retrieve."""

    question: Question = Field(description=f"The question, 1-{MAX_QUESTION_CHARS} characters.")
    history: list[TurnIn] = Field(default_factory=list, max_length=HISTORY_MAX_TURNS)
    k: JSONInt = Field(5, ge=1, le=K_MAX, description="Passages to retrieve (1-20).")
    documents: list[DocId] | None = Field(
        None, min_length=1, max_length=SCOPE_MAX_DOCUMENTS,
        description=f"Answer from these documents only (1-{SCOPE_MAX_DOCUMENTS} ids, as `GET /v1/documents` lists "
                    "them); the whole library when left out. An unknown id is a 404 naming it.")
    since: JSONYear | None = Field(None, description=(
        "Answer from documents of this year or later only (a document without a year is left out); 404 when "
        "none is."))
    until: JSONYear | None = Field(None, description=(
        "Answer from documents of this year or earlier only (a document without a year is left out)."))
    def turns(self) -> list[Turn]:
        """The history as the engine's `Turn`s."""
        return [Turn(role=t.role, content=t.content) for t in self.history]


class SearchQuery(_Input):
    """Query parameters of `GET /v1/search`."""

    q: Question = Field(description=f"Words or a question, 1-{MAX_QUESTION_CHARS} characters.")
    k: int = Field(5, ge=1, le=K_MAX, description="Number of passages (1-20).")
    mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    doc: list[DocId] = Field(
        default_factory=list, max_length=SCOPE_MAX_DOCUMENTS,
        description="Search these documents only (repeat the parameter: `doc=a&doc=b`); all when left out.")
    since: QueryYear | None = Field(None, description="Search documents of this year or later only (none without "
                                                      "a year).")
    until: QueryYear | None = Field(None, description="Search documents of this year or earlier only.")


class SearchResponse(BaseModel):
    """Ranked passages with their offsets into the document text and the references they cite."""

    query: str
    mode: str
    k: int
    passages: list[Passage]


class DocumentSummary(BaseModel):
    """One indexed document, without its text."""

    doc_id: str
    title: str
    authors: list[str]
    journal: str | None
    year: int | None
    kind: DocumentKind
    source: str | None
    chars: int
    sections: int
    references: int
    tables: int


class DocumentList(BaseModel):
    """One page of the indexed documents; `total` counts them all."""

    documents: list[DocumentSummary]
    total: int
    offset: int = 0
    limit: int
    skipped: list[str] = Field(default_factory=list, description=(
        "Files of the corpus and upload folders that could not be read, each with why: not in the index."))


class CitingDocument(BaseModel):
    """A document of the library whose bibliography names this one by its title (a review citing a trial)."""

    doc_id: str
    title: str
    reference_number: int = Field(description="The entry's number in the citing document's bibliography.")


class DocumentDetail(BaseModel):
    """A document's metadata, clean text, sections and numbered references (offsets index `text`)."""

    doc_id: str
    meta: DocumentMeta
    text: str
    sections: list[Section]
    references: list[Reference]
    glossary: dict[str, str]
    cited_by: list[CitingDocument] = Field(default_factory=list, description=(
        f"Documents of this library that cite this one (their bibliography names its title), at most {MAX_CITING}."))


class PassageContext(BaseModel):
    """A span of a document with the text around it: a cited passage in its place, as a reader checks it.
    `before + text + after` is a slice of the document's text, cut at word boundaries."""

    doc_id: str
    start: int
    end: int
    section: str
    before: str
    text: str = Field(description="Exactly the document's text[start:end].")
    after: str


class ReferenceDetail(Reference):
    """One entry of a document's reference list."""

    doc_id: str


class UploadResult(BaseModel):
    """What an upload added and the size of the index now served."""

    doc_id: str
    title: str
    filename: str
    chars: int
    chunks_added: int
    documents: int
    chunks: int
    index_version: str


class RemovalResult(BaseModel):
    """What a removal took out and the size of the index now served."""

    doc_id: str
    filename: str
    documents: int
    chunks: int
    index_version: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    index_version: str
    documents: int
    chunks: int
    read_only: bool
    library: Literal["built-in", "own"] = Field(description=(
        "`built-in`: the two reviews the project ships; `own`: a library indexed from a corpus folder of one's own."))
