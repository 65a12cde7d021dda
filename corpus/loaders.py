"""Readers for `.txt`, `.md`, `.html` and `.pdf` files, each producing raw blocks of lines.

A raw block is what the source separates visually (a blank line, an HTML element, a PDF paragraph or page);
recognising what each block *is* happens later, in `corpus.blocks`, the same way for every format.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import UnreadableDocument
from corpus.text import normalise_line

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")


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


def _blocks_from_plain(text: str) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\f", "\n\n")):
        lines = [normalise_line(line) for line in chunk.split("\n")]
        lines = [line for line in lines if line.strip()]
        if lines:
            blocks.append(RawBlock(lines))
    return blocks


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(f"{path.name}: not valid UTF-8 or Windows-1252 text")


def load_txt(path: Path) -> RawDocument:
    return RawDocument(_blocks_from_plain(_read_text(path)))


def load_md(path: Path) -> RawDocument:
    """Markdown: `#` headings and pipe tables are marked; the rest is read like plain text."""
    out: list[RawBlock] = []
    for block in _blocks_from_plain(_read_text(path)):
        pending: list[str] = []
        for line in block.lines:
            heading = re.match(r"^#{1,6}\s+(.*?)\s*#*$", line)
            if heading:
                if pending:
                    out.append(RawBlock(pending))
                    pending = []
                out.append(RawBlock([heading.group(1)], hint="heading"))
            else:
                pending.append(line)
        if pending and all(line.lstrip().startswith("|") for line in pending):
            rows = [
                "\t".join(cell.strip() for cell in line.strip().strip("|").split("|"))
                for line in pending
                if not re.fullmatch(r"[\s|:\-]+", line)
            ]
            out.append(RawBlock(rows, hint="table"))
        elif pending:
            out.append(RawBlock(pending))
    title = next((b.lines[0] for b in out if b.hint == "heading"), None)
    return RawDocument(out, title=title)


_HTML_DROP = ("script", "style", "nav", "footer", "header", "aside", "form", "noscript", "button", "svg")
_HTML_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "blockquote", "pre", "dd", "dt")


def load_html(path: Path) -> RawDocument:
    """HTML: headings, paragraphs, list items and tables in document order; page chrome is dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_text(path), "html.parser")
    for tag in soup(list(_HTML_DROP)):
        tag.decompose()
    blocks: list[RawBlock] = []
    for el in soup.find_all(list(_HTML_BLOCKS)):
        if el.find_parent(["table", "li"] if el.name != "table" else ["table"]) is not None and el.name != "li":
            continue  # nested inside a table or list item: emitted with its container
        if el.name == "table":
            rows = []
            for tr in el.find_all("tr"):
                cells = [normalise_line(" ".join(c.get_text(" ").split())) for c in tr.find_all(["th", "td"])]
                if any(cells):
                    rows.append("\t".join(cells))
            if rows:
                blocks.append(RawBlock(rows, hint="table"))
            continue
        text = normalise_line(" ".join(el.get_text(" ").split()))
        if not text:
            continue
        if el.name.startswith("h"):
            blocks.append(RawBlock([text], hint="heading"))
        elif el.name == "li":
            depth = len(el.find_parents(["ul", "ol"])) - 1
            blocks.append(RawBlock([" " * depth + "- " + text], hint="list"))
        else:
            blocks.append(RawBlock([text]))
    title_tag = soup.find("title")
    title = title_tag.get_text(" ").strip() if title_tag else None
    return RawDocument(_merge_list_blocks(blocks), title=title or None)


def _merge_list_blocks(blocks: list[RawBlock]) -> list[RawBlock]:
    merged: list[RawBlock] = []
    for block in blocks:
        if block.hint == "list" and merged and merged[-1].hint == "list":
            merged[-1].lines.extend(block.lines)
        else:
            merged.append(block)
    return merged


def load_pdf(path: Path) -> RawDocument:
    """PDF via pypdf: running headers/footers removed, lines joined into paragraphs, pages kept apart."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

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
    return RawDocument([b for b in blocks if b.lines or b.hint], title=title, authors=[a for a in authors if a])


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
    """Join wrapped PDF lines into paragraphs; a short line ending a sentence closes a paragraph."""
    if not lines:
        return []
    width = sorted(len(line) for line in lines)[int(len(lines) * 0.8)] if lines else 80
    blocks: list[RawBlock] = []
    current = ""
    for line in lines:
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


_LOADERS = {".txt": load_txt, ".md": load_md, ".html": load_html, ".htm": load_html, ".pdf": load_pdf}


def load_raw(path: Path) -> RawDocument:
    """Read one file of a supported type into raw blocks; raises `UnreadableDocument` on failure."""
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnreadableDocument(f"{path.name}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        return loader(path)
    except OSError as exc:
        raise UnreadableDocument(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
