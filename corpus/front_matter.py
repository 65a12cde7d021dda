"""YAML front matter of a Markdown file (Pandoc, Quarto, Obsidian, Zotero exports): bibliographic metadata,
not body text.

```
---
title: "Probiotics for NEC in preterm infants"
author: [Smith J, Doe A]
date: 2022-05-01
journal: Pediatrics
---
```

The block is taken out of the text and its title, authors, journal and year describe the document (a sidecar
`NAME.meta.json` still wins). A block that is not valid YAML, or not a mapping, stays in the text: nothing the
file says is dropped.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import yaml

_BLOCK = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TITLE_KEYS = ("title",)
_AUTHOR_KEYS = ("author", "authors", "creator", "creators")
# Not "source": in Obsidian and web clippers it is the page's address, not the journal.
_JOURNAL_KEYS = ("journal", "container-title", "publication", "publicationTitle", "venue")
_DATE_KEYS = ("year", "date", "issued", "published")


@dataclass
class FrontMatter:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None


def split_front_matter(text: str) -> tuple[FrontMatter | None, str]:
    """The front matter at the start of `text` (if it holds one) and the text after it."""
    text = text.replace("\r\n", "\n")
    match = _BLOCK.match(text)
    if match is None:
        return None, text
    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError:
        return None, text
    if not isinstance(data, dict):
        return None, text
    return FrontMatter(title=_first_text(data, _TITLE_KEYS), authors=_authors(data),
                       journal=_first_text(data, _JOURNAL_KEYS), year=_year(data)), text[match.end():]


def _first_text(data: dict[object, object], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
    return None


def _authors(data: dict[object, object]) -> list[str]:
    value = next((data[k] for k in _AUTHOR_KEYS if data.get(k)), None)
    items = value if isinstance(value, list) else [value] if value is not None else []
    names = [_name(item) for item in items]
    return [n for n in names if n]


def _name(item: object) -> str | None:
    """An author as written ("Smith J"), or from CSL/Pandoc parts ({family: Smith, given: J} or {name: ...})."""
    if isinstance(item, str):
        return item.strip() or None
    if isinstance(item, dict):
        if isinstance(item.get("name"), str):
            return str(item["name"]).strip() or None
        parts = [item.get("family"), item.get("given")]
        named = " ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())
        return named or None
    return None


def _year(data: dict[object, object]) -> int | None:
    for key in _DATE_KEYS:
        value = data.get(key)
        if isinstance(value, datetime.date):
            return value.year
        found = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", str(value)) if value is not None else None
        if found:
            return int(found.group(1))
    return None
