"""Which table column a question asks for: one it names by its words or its head, or the rows themselves when
it asks for a kind of row its cells name ("Which clinical trials ...?"). Used by `qa.aggregate` to group a list
answer by that column's values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.model import Document, Table
from index.lexical import tokenize
from qa.query import PLURAL_ASKED, Query
from qa.typed_lists import TYPED_LIST


@dataclass
class Attribute:
    """A column of a table (or one part of its compound header) and its name."""

    table: Table
    column: int
    part: int  # index inside a compound header "A / B", or -1 for the whole column
    name: str


# "Which clinical trials", "how many of the trials": the kind of row the question asks for.
_ASKED_ROWS = re.compile(rf"\b(?:which|what|how many)\s+{PLURAL_ASKED}", re.I)


def header_parts(header: str) -> list[str]:
    """The parts of a compound header ("Phase / Route" -> "Phase", "Route")."""
    return [p.strip() for p in re.split(r"\s*/\s*", header) if p.strip()]


def find_attribute(doc: Document, query: Query) -> Attribute | None:
    """The table column (or header part) whose words all occur in the question, or whose head does.

    The one named first wins ("Which routes ... in the table of studies?" asks for routes), then the longest.
    """
    order = tokenize(query.resolved)
    best: tuple[tuple[int, int], Attribute] | None = None
    for table in doc.tables:
        for c, header in enumerate(table.columns):
            parts = header_parts(header)
            options = [(-1, header)] + ([(i, p) for i, p in enumerate(parts)] if len(parts) > 1 else [])
            for part, name in options:
                words = tokenize(name)
                toks = set(words)
                if not toks:
                    continue
                if not toks <= set(order):
                    # A header is also named by its head, all its words but a first modifier, when that is two
                    # words or more said together ("cell types" names "Stem cell type").
                    toks = set(words[1:])
                    if len(words) < 3 or not _says_together(order, words[1:]):
                        continue
                rank = (min(order.index(t) for t in toks), -len(toks))
                if best is None or rank < best[0]:
                    best = (rank, Attribute(table, c, part, name))
    return best[1] if best else None


def rows_asked(doc: Document, query: Query) -> Attribute | None:
    """The first column (what names each row: "Study") of a table whose rows the question asks for by a kind
    its cells name but no header does: "Which clinical trials ...?", "How many trials ...?" ("Phase II clinical
    trial/ intravenous"). The kind's word then chooses the rows, as any question word found in the cells does."""
    asked = _ASKED_ROWS.search(query.resolved) or TYPED_LIST.search(query.resolved)
    head = tokenize(asked.group(1).split()[-1]) if asked else []
    if not head:
        return None
    for table in doc.tables:
        headers = {t for header in table.columns for t in tokenize(header)}
        if head[0] not in headers and any(head[0] in tokenize(cell.text) for row in table.rows
                                          for cell in row.cells[1:]):
            return Attribute(table, 0, -1, table.columns[0])
    return None


def _says_together(order: list[str], words: list[str]) -> bool:
    """Whether `words` occur one after another in `order`."""
    n = len(words)
    return any(order[i : i + n] == words for i in range(len(order) - n + 1))
