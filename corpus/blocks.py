"""Recognise what each raw block is, drop noise, and repair paragraphs broken by page layout.

General mechanisms, each tested: web boilerplate is dropped; page furniture (author block, licence, "Cite this
article as") is moved to metadata; headings, lists, tables, abbreviation legends and reference lists are
recognised; a paragraph cut mid-sentence by a page break or a table is rejoined with its continuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.raw import RawBlock
from corpus.text import strip_emphasis

# Whole lines that web readers add around an article.
_BOILERPLATE = [
    r"ai key findings", r"get ai-generated insights.*", r"paper details", r"pdf preview", r"download( the)? pdf",
    r"comments \(\d+\)", r"this website uses cookies.*", r"we use cookies.*", r"accept( all)? cookies",
    r"cookie (settings|policy|preferences)", r"(share|print|save|cite)( this)?( article| paper)?",
    r"(view|show) (full text|more|less|all)", r"(sign|log) ?in( to .*)?", r"skip to (main )?content",
    r"advertisement", r"related (articles|papers)", r"back to top", r"learn more", r"open in (a )?new tab",
]
_BOILERPLATE_RE = re.compile(r"^\s*(?:" + "|".join(_BOILERPLATE) + r")\s*[.!]?\s*$", re.IGNORECASE)
_FURNITURE_START = re.compile(
    r"^\s*(corresponding author|correspondence( to)?|address for correspondence|cite this article( as)?|"
    r"to cite this article|how to cite|received:|accepted:|available online|published online|"
    r"copyright|©|\(c\) \d{4}|doi:|e-?mail:|✉)",
    re.IGNORECASE,
)
_FURNITURE_ANY = re.compile(
    r"licensed under a creative commons|all rights reserved|this is an open access article"
    r"|content of this journal is licensed",
    re.IGNORECASE,
)
_AFFILIATION = re.compile(r"\b(department|division|university|hospital|faculty|school of|institute)\b", re.I)
# "References", "REFERENCES:", "**References**" (emphasis is kept in markdown headings).
_REFERENCES_HEADING = re.compile(r"^[*_\s]*(references|bibliography|literature cited|works cited)[*_\s]*:?[*_\s]*$",
                                 re.IGNORECASE)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
                "with", "vs", "versus", "via"}
_LIST_MARKER = re.compile(r"^(\s*)(?:[-*•◦▪]|\d{1,3}[.)])\s+")
_ABBREV_ENTRY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9αβγκ-]{0,11})\s*[:,]\s+(\S.*)$")


@dataclass
class TypedBlock:
    """A block whose kind is known; `text` is one line (tables keep one line per row in `rows`)."""

    kind: str  # heading, paragraph, list_item, table, legend, reference
    text: str = ""
    level: int = 0
    rows: list[str] = field(default_factory=list)
    number: int | None = None


@dataclass
class Classified:
    blocks: list[TypedBlock]
    furniture: list[str]


def is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE_RE.match(line))


def _is_furniture(lines: list[str], author_names: list[str]) -> bool:
    first = lines[0]
    if _FURNITURE_START.match(first) or any(_FURNITURE_ANY.search(line) for line in lines):
        return True
    text = " ".join(lines)
    if len(text) > 200:
        return False
    surnames = {n.split()[-1].lower() for n in author_names if n.split()}
    if surnames and sum(1 for s in surnames if s in text.lower()) >= min(2, len(surnames)):
        return not text.rstrip().endswith(".")  # a byline, not a sentence that names the authors
    return bool(_AFFILIATION.search(text)) and text.count(",") >= 2 and not text.rstrip().endswith(".")


def looks_like_heading(line: str, title: str | None = None) -> bool:
    text = line.strip()
    if title and text.lower() == title.strip().lower():
        return True
    if not text or len(text) > 100 or "\t" in text or _LIST_MARKER.match(text):
        return False
    words = text.split()
    if len(words) > 16 or text.count(",") > 0 or re.search(r"[.;:,?!]$", text):
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    # Headings are short or in title case; a lower-case run of words is a sentence cut by the layout.
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    capitalised = sum(1 for w in significant if w[:1].isupper() or w[:1].isdigit())
    return len(words) <= 4 or capitalised >= 0.75 * len(significant)


def is_legend(text: str) -> bool:
    """An abbreviation legend: several `ABBR: expansion` entries separated by semicolons."""
    parts = [p for p in text.split(";") if p.strip()]
    return len(parts) >= 3 and sum(1 for p in parts if _ABBREV_ENTRY.match(p)) >= 0.7 * len(parts)


def legend_entries(text: str) -> list[tuple[str, str]]:
    out = []
    for part in text.split(";"):
        m = _ABBREV_ENTRY.match(part)
        if m:
            out.append((m.group(1), m.group(2).strip().rstrip(".")))
    return out


def _is_table(lines: list[str]) -> bool:
    tabbed = [line for line in lines if line.count("\t") >= 1]
    return len(lines) >= 2 and len(tabbed) >= 0.8 * len(lines)


def classify(raw: list[RawBlock], title: str | None, authors: list[str]) -> Classified:
    """Turn raw blocks into typed blocks, dropping boilerplate and collecting furniture."""
    blocks: list[TypedBlock] = []
    furniture: list[str] = []
    in_references = False
    ref_counter = 0
    for rb in raw:
        if rb.hint == "page_break":
            blocks.append(TypedBlock("page_break"))
            continue
        lines = [line for line in rb.lines if not is_boilerplate(line)]
        if not lines:
            continue
        if _is_furniture(lines, authors):
            furniture.append(" ".join(line.strip() for line in lines))
            continue
        if rb.hint == "table" or (rb.hint is None and _is_table(lines)):
            blocks.append(TypedBlock("table", rows=lines))
            continue
        if _REFERENCES_HEADING.match(lines[0]) and rb.hint != "table":
            # "References:" may sit on the first line of the list's own block, and ends with a colon.
            blocks.append(TypedBlock("heading", strip_emphasis(lines[0]).strip().rstrip(":")))
            in_references, lines = True, lines[1:]
            if not lines:
                continue
        elif rb.hint == "heading" or (len(lines) == 1 and looks_like_heading(lines[0], title)):
            heading = lines[0].strip()
            in_references = bool(_REFERENCES_HEADING.match(heading))
            blocks.append(TypedBlock("heading", heading))
            continue
        if in_references:
            for entry in _reference_entries(lines):
                explicit = re.match(r"^\s*\[?(\d{1,3})[.)\]]\s+", entry)
                ref_counter = int(explicit.group(1)) if explicit else ref_counter + 1
                body = entry[explicit.end() :] if explicit else _LIST_MARKER.sub("", entry, count=1)
                blocks.append(TypedBlock("reference", body.strip(), number=ref_counter))
            continue
        if all(_LIST_MARKER.match(line) for line in lines) or rb.hint == "list":
            for line in lines:
                m = _LIST_MARKER.match(line)
                indent = len(m.group(1)) if m else 0
                blocks.append(TypedBlock("list_item", line[m.end():].strip() if m else line.strip(),
                                         level=1 if indent else 0))
            continue
        text = " ".join(line.strip() for line in lines)
        blocks.append(TypedBlock("legend" if is_legend(text) else "paragraph", text))
    return Classified(_rejoin(blocks), furniture)


def _reference_entries(lines: list[str]) -> list[str]:
    """Split a reference block into entries: a new entry starts at a list marker or a number."""
    entries: list[str] = []
    for line in lines:
        if _LIST_MARKER.match(line) or re.match(r"^\s*\[\d{1,3}\]\s", line) or not entries:
            entries.append(line)
        else:
            entries[-1] += " " + line.strip()
    return entries


def _ends_mid_sentence(text: str) -> bool:
    return not re.search(r"[.!?:…]['\")\]]*$", text.strip())


def _rejoin(blocks: list[TypedBlock]) -> list[TypedBlock]:
    """Join a paragraph that ends mid-sentence with the next paragraph starting in lower case.

    Tables, legends and page breaks between the two halves are moved after the joined paragraph, so the
    sentence reads whole and the table keeps its place next to it.
    """
    blocks = list(blocks)
    out: list[TypedBlock] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "paragraph" and _ends_mid_sentence(block.text):
            j = i + 1
            while j < len(blocks) and blocks[j].kind in ("table", "legend", "page_break"):
                j += 1
            if j < len(blocks) and blocks[j].kind == "paragraph" and blocks[j].text[:1].islower():
                joined = TypedBlock("paragraph", block.text.rstrip() + " " + blocks[j].text.lstrip())
                blocks[i : j + 1] = [joined, *blocks[i + 1 : j]]
                continue  # the joined paragraph may itself still end mid-sentence
        if block.kind != "page_break":
            out.append(block)
        i += 1
    return out
