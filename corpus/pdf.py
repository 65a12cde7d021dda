"""PDF files (read with pypdf): running headers and footers removed, wrapped lines joined into paragraphs, a short
heading line kept apart, pages kept apart; the file's properties give the title and authors when they are
plausibly the paper's."""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

from corpus.blocks import looks_like_heading
from corpus.errors import UnreadableDocument
from corpus.raw import RawBlock, RawDocument
from corpus.text import normalise_line


def load_pdf(path: Path) -> RawDocument:
    """PDF via pypdf: running headers/footers removed, lines joined into paragraphs, pages kept apart."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs as it reads ("EOF marker not found"); a file it cannot read is said once, by
    # the caller, as a skipped document.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise UnreadableDocument(f"{path.name}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except UnreadableDocument:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableDocument(f"{path.name}: not a readable PDF ({exc})") from exc
    if not any(p.strip() for p in pages):
        raise UnreadableDocument(f"{path.name}: the PDF has no extractable text (scanned image?)")
    page_lines = [[normalise_line(line) for line in p.split("\n") if line.strip()] for p in pages]
    running = _running_lines(page_lines)
    blocks: list[RawBlock] = []
    for lines in page_lines:
        body = [line for line in lines if _furniture_key(line) not in running]
        blocks.extend(_paragraphs_from_lines(body))
        blocks.append(RawBlock([], hint="page_break"))
    title = str(info.title).strip() if info and info.title else None
    authors = [a.strip() for a in re.split(r"[;,]| and ", str(info.author))] if info and info.author else []
    return RawDocument([b for b in blocks if b.lines or b.hint], title=title if _plausible_title(title) else None,
                       authors=[a for a in authors if a and a.lower() not in _ACCOUNT_NAMES])


# What tools leave in a PDF's properties instead of the paper's title and authors: the source file's name
# ("Microsoft Word - manuscript_v3.docx", "jpeds_2014.pdf"), a publisher's item id ("PII: S0022-..."), a
# placeholder, the account that made the file. The title then comes from the text (its first heading) or the
# file's name.
_JUNK_TITLE = re.compile(r"^(microsoft (word|powerpoint|excel)\b|untitled|pii:|doi:|title$|document\d*$|"
                         r"\S+\.(docx?|pdf|tex|indd|qxd|rtf|odt)$)", re.I)
_ACCOUNT_NAMES = {"administrator", "admin", "user", "owner", "author", "unknown", "anonymous", "default"}


def _plausible_title(title: str | None) -> bool:
    text = (title or "").strip()
    return len(text) >= 4 and " " in text and not _JUNK_TITLE.match(text)


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def _running_lines(page_lines: list[list[str]]) -> set[str]:
    """Lines (digits folded) that recur at the top or bottom of at least half the pages: headers, footers."""
    if len(page_lines) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in page_lines:
        edge = {_furniture_key(line) for line in lines[:3] + lines[-3:]}
        counts.update(edge)
    return {key for key, n in counts.items() if n >= max(2, len(page_lines) // 2)}


def _paragraphs_from_lines(lines: list[str]) -> list[RawBlock]:
    """Join wrapped PDF lines into paragraphs; a short line ending a sentence closes a paragraph. A short line
    that reads as a heading ("Results", "Materials and Methods") after a finished sentence stands alone: joined
    to the paragraph after it, a paper's sections (and which sentences are its findings) were lost."""
    if not lines:
        return []
    width = sorted(len(line) for line in lines)[int(len(lines) * 0.8)] if lines else 80
    blocks: list[RawBlock] = []
    current = ""
    for line in lines:
        heading = line.strip()
        if (len(heading) < 0.7 * width and looks_like_heading(heading)
                and (not current or re.search(r"[.!?:]$", current))):
            if current:
                blocks.append(RawBlock([current]))
                current = ""
            blocks.append(RawBlock([heading]))
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line.strip()
        elif current:
            current += " " + line.strip()
        else:
            current = line.strip()
        if re.search(r"[.!?:]$", line) and len(line) < 0.85 * width:
            blocks.append(RawBlock([current]))
            current = ""
    if current:
        blocks.append(RawBlock([current]))
    return blocks
