"""Domain types of the corpus layer: a cleaned `Document` and its structure, as offsets into `Document.text`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

DocumentKind = Literal["full_text", "summary"]
BlockKind = Literal["heading", "paragraph", "list_item", "table_row", "table_header", "legend", "reference"]


class Span(BaseModel):
    """A half-open character range `[start, end)` into the owning document's `text`."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class DocumentMeta(BaseModel):
    """Bibliographic metadata, from the sidecar file and from page furniture moved out of the body."""

    title: str
    authors: list[str] = []
    journal: str | None = None
    year: int | None = None
    kind: DocumentKind = "full_text"
    source: str | None = None
    furniture: list[str] = Field(default_factory=list, description="Page furniture removed from the body.")


class Section(Span):
    """A heading and the body that follows it, up to the next heading."""

    title: str
    heading: Span | None = None


class Block(Span):
    """One structural unit of the body: a paragraph, list item, table row, legend or reference entry."""

    kind: BlockKind
    section: str
    level: int = 0


class Sentence(Span):
    """A sentence inside a paragraph, list item or legend."""

    block: int = Field(description="Index of the block it belongs to in `Document.blocks`.")


class TableCell(Span):
    column: str
    text: str


class TableRow(Span):
    cells: list[TableCell]

    def cell(self, column: str) -> str | None:
        """Text of the cell under `column`, or None."""
        for c in self.cells:
            if c.column == column:
                return c.text
        return None


class Table(Span):
    section: str
    columns: list[str]
    header: Span
    rows: list[TableRow]
    legend: Span | None = None


class Reference(Span):
    """One entry of the numbered reference list; `start`/`end` cover the entry text without its number."""

    number: int
    authors: list[str] = []
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    text: str


class CitationMention(Span):
    """An in-text citation such as "(39)" or "Chang et al. (39)", linked to reference numbers."""

    numbers: list[int]


class _CitesReferences:
    """Lookups over a document's reference list and the citations in its text."""

    if TYPE_CHECKING:  # fields of the models below; declared here for the type checker only
        references: list[Reference]
        mentions: list[CitationMention]

    def reference(self, number: int) -> Reference | None:
        for ref in self.references:
            if ref.number == number:
                return ref
        return None

    def cited_numbers(self, start: int, end: int) -> list[int]:
        """Reference numbers cited by mentions that lie inside `[start, end)`, in order, unique."""
        seen: dict[int, None] = {}
        for m in self.mentions:
            if m.start >= start and m.end <= end:
                for n in m.numbers:
                    seen.setdefault(n, None)
        return list(seen)


class DocumentHead(_CitesReferences, BaseModel):
    """What a passage shows of its document (title, text, references, citations), read without the rest of its
    structure: a search result's passages need no blocks, sentences or tables, and a long review parses 3x
    faster this way."""

    model_config = ConfigDict(extra="ignore")

    doc_id: str
    meta: DocumentMeta
    text: str
    references: list[Reference] = []
    mentions: list[CitationMention] = []


class Document(_CitesReferences, BaseModel):
    """A cleaned source document with every structural element addressed by offsets into `text`."""

    doc_id: str
    meta: DocumentMeta
    text: str
    sections: list[Section] = []
    blocks: list[Block] = []
    sentences: list[Sentence] = []
    tables: list[Table] = []
    references: list[Reference] = []
    mentions: list[CitationMention] = []
    glossary: dict[str, str] = Field(default_factory=dict, description="Abbreviation -> expansion.")

    def section_at(self, offset: int) -> str:
        for s in self.sections:
            if s.start <= offset < s.end:
                return s.title
        return self.meta.title
