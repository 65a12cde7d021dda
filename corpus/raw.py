"""What a reader makes of a file before its blocks are recognised: blocks of lines, and the file's own title,
authors, journal and year when its format records them (`corpus.loaders`, `corpus.pdf`, `corpus.word`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawBlock:
    """Consecutive lines the source shows together; `hint` is set when the format says what they are."""

    lines: list[str]
    hint: str | None = None  # "heading", "table", "list", "page_break"


@dataclass
class RawDocument:
    blocks: list[RawBlock]
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
