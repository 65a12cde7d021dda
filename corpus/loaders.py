"""Readers for `.txt`, `.md`, `.html`, `.pdf` (`corpus.pdf`) and `.docx` (`corpus.word`) files, each producing
raw blocks of lines (`corpus.raw`).

A raw block is what the source separates visually (a blank line, an HTML element, a PDF paragraph or page);
recognising what each block *is* happens later, in `corpus.blocks`, the same way for every format.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4.element import NavigableString, PreformattedString, Tag

from corpus.decoding import read_text
from corpus.errors import UnreadableDocument
from corpus.front_matter import split_front_matter
from corpus.pdf import load_pdf
from corpus.raw import RawBlock, RawDocument
from corpus.text import normalise_line
from corpus.word import load_docx

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


def _blocks_from_plain(text: str) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\f", "\n\n")):
        lines = [normalise_line(line) for line in chunk.split("\n")]
        lines = [line for line in lines if line.strip()]
        if lines:
            blocks.append(RawBlock(lines))
    return blocks


def load_txt(path: Path) -> RawDocument:
    return RawDocument(_blocks_from_plain(read_text(path)))


def load_md(path: Path) -> RawDocument:
    """Markdown: `#` headings and pipe tables are marked; the rest is read like plain text. YAML front matter
    gives the metadata (`corpus.front_matter`)."""
    front, text = split_front_matter(read_text(path))
    out: list[RawBlock] = []
    for block in _blocks_from_plain(text):
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
    if front is None:
        return RawDocument(out, title=title)
    return RawDocument(out, title=front.title or title, authors=front.authors, journal=front.journal, year=front.year)


_HTML_DROP = ("script", "style", "nav", "footer", "header", "aside", "form", "noscript", "button", "svg")
_HTML_TEXT_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "pre", "dd", "dt", "figcaption")
# Elements that hold blocks: their loose text between child blocks is a paragraph of its own.
_HTML_CONTAINERS = ("html", "body", "div", "section", "article", "main", "ul", "ol", "dl", "figure", "center")


_SUPERSCRIPT_CITATION = re.compile(r"\d{1,4}(?:\s*[-–,]\s*\d{1,4})*")
_POWER = re.compile(r"[-−–]?\d+(?:\.\d+)?")
_CITING = re.compile(r"(?:[^\W\d_]{3,}|[.,;:)\]])\s*$")  # what a citation follows: a word, or punctuation


def _text(parts: list[str]) -> str:
    return normalise_line(" ".join(" ".join(parts).split()))


def _html_table(el: Tag) -> RawBlock | None:
    rows = []
    for tr in el.find_all("tr"):
        cells = [normalise_line(" ".join(c.get_text(" ").split())) for c in tr.find_all(["th", "td"])]
        if any(cells):
            rows.append("\t".join(cells))
    return RawBlock(rows, hint="table") if rows else None


def _walk_html(el: Tag, blocks: list[RawBlock], depth: int = 0) -> None:
    """Blocks of `el` in document order: text blocks, tables, list items (each with its own text only, its
    nested lists after it) and the loose text of containers (`<div>text</div>`)."""
    loose: list[str] = []

    def flush() -> None:
        text = _text(loose)
        loose.clear()
        if text:
            blocks.append(RawBlock([text]))

    for child in el.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, PreformattedString):  # comments, doctype, CDATA
                loose.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in _HTML_TEXT_BLOCKS or name in ("table", "li") or name in _HTML_CONTAINERS:
            flush()
        if name == "table":
            table = _html_table(child)
            if table is not None:
                blocks.append(table)
        elif name == "li":
            own = [c.get_text(" ") if isinstance(c, Tag) else str(c) for c in child.children
                   if not (isinstance(c, Tag) and c.name in ("ul", "ol")) and not isinstance(c, PreformattedString)]
            text = _text(own)
            if text:
                blocks.append(RawBlock([" " * depth + "- " + text], hint="list"))
            for nested in child.find_all(["ul", "ol"], recursive=False):
                _walk_html(nested, blocks, depth + 1)
        elif name in _HTML_TEXT_BLOCKS:
            text = _text([child.get_text(" ")])
            if text:
                blocks.append(RawBlock([text], hint="heading" if name[0] == "h" and name[1:].isdigit() else None))
        elif name in _HTML_CONTAINERS:
            _walk_html(child, blocks, depth)
        else:  # inline markup (a, em, span, ...) belongs to the surrounding text
            loose.append(child.get_text(" "))
    flush()


def load_html(path: Path) -> RawDocument:
    """HTML: headings, paragraphs, list items, tables and loose container text in document order; page chrome
    is dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(read_text(path), "html.parser")
    for tag in soup(list(_HTML_DROP)):
        tag.decompose()
    for sup in soup.find_all("sup"):  # a superscript of numbers is a citation: bracketed, it links like "[2,3]"
        marker = sup.get_text("").strip().strip("[]()")
        before = sup.find_previous(string=True)
        # ... unless it is a power: after a number ("10<sup>6</sup> cells") or a unit ("1.73 m<sup>2</sup>"),
        # written "10^6", not "10 6", which reads as two numbers.
        if _SUPERSCRIPT_CITATION.fullmatch(marker) and _CITING.search(str(before or "")):
            sup.replace_with(f"[{marker}]")
        elif _POWER.fullmatch(marker):
            sup.replace_with(f"^{marker}")
    for sub in soup.find_all("sub"):  # a subscript is part of its word: "FiO<sub>2</sub>" is FiO2, not "FiO 2"
        sub.replace_with(sub.get_text(""))
    soup.smooth()  # the replacements join the text around them, not separated by a space
    title_tag = soup.find("title")
    title = title_tag.get_text(" ").strip() if title_tag else None
    if soup.head is not None:  # metadata, not body text
        soup.head.decompose()
    elif title_tag is not None:
        title_tag.decompose()
    blocks: list[RawBlock] = []
    _walk_html(soup, blocks)
    return RawDocument(_merge_list_blocks(blocks), title=title or None)


def _merge_list_blocks(blocks: list[RawBlock]) -> list[RawBlock]:
    merged: list[RawBlock] = []
    for block in blocks:
        if block.hint == "list" and merged and merged[-1].hint == "list":
            merged[-1].lines.extend(block.lines)
        else:
            merged.append(block)
    return merged


_LOADERS = {".txt": load_txt, ".md": load_md, ".html": load_html, ".htm": load_html, ".pdf": load_pdf,
            ".docx": load_docx}


def load_raw(path: Path) -> RawDocument:
    """Read one file of a supported type into raw blocks; raises `UnreadableDocument` on failure."""
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnreadableDocument(f"{path.name}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        return loader(path)
    except OSError as exc:
        raise UnreadableDocument(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
