"""Word documents (.docx, read with python-docx): headings, paragraphs, list items and tables in document
order, and the title and authors of the file's properties.

A .docx is a zip archive; one that would expand to far more than any text document (a "zip bomb") is refused
before it is read (`check_expansion`), in the corpus folder as in uploads.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from corpus.errors import UnreadableDocument
from corpus.raw import RawBlock, RawDocument
from corpus.text import normalise_line

MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # a 500-page report with images stays far below this


class ExpandsTooFar(UnreadableDocument):
    """A .docx whose archive would expand past the limit (a "zip bomb")."""
_HEADING_STYLE = re.compile(r"^(title|heading \d)$", re.I)


def check_expansion(path: Path, limit: int = MAX_EXPANDED_BYTES) -> None:
    """Raise `UnreadableDocument` unless `path` is a zip holding a Word document that expands to at most
    `limit` bytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableDocument(f"{path.name}: not a Word document (not a zip archive)") from exc
    if "word/document.xml" not in {e.filename for e in entries}:
        raise UnreadableDocument(f"{path.name}: not a Word document (no word/document.xml)")
    expanded = sum(e.file_size for e in entries)
    if expanded > limit:
        raise ExpandsTooFar(f"{path.name}: expands to {expanded:,} bytes, more than the {limit:,} a document "
                                 "may")


def load_docx(path: Path) -> RawDocument:
    """Word: a paragraph in a Title or Heading style is a heading, one in a List style a list item, a table
    its rows (merged cells once); the core properties give the title and authors."""
    import docx  # python-docx: imported when a Word file is read
    from docx.table import Table

    check_expansion(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on damaged parts
        raise UnreadableDocument(f"{path.name}: not a readable Word document ({type(exc).__name__})") from exc
    blocks: list[RawBlock] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [_row(r.cells) for r in item.rows]
            if any(rows):
                blocks.append(RawBlock([r for r in rows if r], hint="table"))
            continue
        text = normalise_line(" ".join(item.text.split()))
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        if _HEADING_STYLE.match(style):
            blocks.append(RawBlock([text], hint="heading"))
        elif style.lower().startswith("list"):
            blocks.append(RawBlock([f"- {text}"], hint="list"))
        else:
            blocks.append(RawBlock([text]))
    props = document.core_properties
    authors = [a.strip() for a in re.split(r"[;\n]", props.author or "") if a.strip()]
    return RawDocument(blocks, title=(props.title or "").strip() or None, authors=authors)


def _row(cells: list[object]) -> str:
    """A table row's cells joined by tabs; a merged cell (the same cell repeated by python-docx) once."""
    seen: list[object] = []
    texts: list[str] = []
    for cell in cells:
        element = getattr(cell, "_tc", cell)
        if seen and seen[-1] is element:
            continue
        seen.append(element)
        texts.append(normalise_line(" ".join(str(getattr(cell, "text", "")).split())))
    return "\t".join(texts) if any(texts) else ""
