"""Collect the spans an answer cites and hand out their `[n]` markers; a marker always has its citation."""

from __future__ import annotations

import re

from corpus.model import Document
from index.model import Unit
from index.search import SearchIndex
from qa.model import Citation
from qa.passages import make_passage

_PLACEHOLDER = re.compile(r"⟦(\d+)⟧")
_SOURCE_BRACKETS = re.compile(r"\[(\d+(?:[,–-]\s*\d+)*)\]")


class CitationRegistry:
    """Numbers cited spans in order of first use; citing the same span twice gives the same marker."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.citations: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], int] = {}

    def cite(self, doc: Document, start: int, end: int, kind: str, section: str, score: float) -> int:
        key = (doc.doc_id, start, end)
        if key not in self._by_span:
            passage = make_passage(doc, start, end, kind, section, score, lookups=self.index.lookups)
            marker = len(self.citations) + 1
            self.citations.append(Citation(marker=marker, **passage.model_dump()))
            self._by_span[key] = marker
        return self._by_span[key]

    def cite_unit(self, unit: Unit, score: float) -> int:
        """`cite` for a whole unit (sentence, row, list item, entry) of an indexed document."""
        return self.cite(self.index.documents[unit.doc_id], unit.start, unit.end, unit.kind, unit.section, score)

    @staticmethod
    def markers(numbers: list[int]) -> str:
        """Placeholders for markers while the answer is composed; `finalize` turns them into `[n]`."""
        return "".join(f"⟦{n}⟧" for n in dict.fromkeys(numbers))

    def finalize(self, draft: str) -> tuple[str, list[Citation]]:
        """Number the markers 1..n in reading order and keep only the citations the text uses.

        Bracketed numbers quoted from a source ("[12]" in its own citation style) become "(12)", so that
        every `[n]` in an answer is one of ours and points at a citation.
        """
        text = _SOURCE_BRACKETS.sub(r"(\1)", draft)
        order: dict[int, int] = {}
        for m in _PLACEHOLDER.finditer(text):
            order.setdefault(int(m.group(1)), len(order) + 1)
        text = _PLACEHOLDER.sub(lambda m: f"[{order[int(m.group(1))]}]", text)
        citations = [c.model_copy(update={"marker": order[c.marker]}) for c in self.citations if c.marker in order]
        return text, sorted(citations, key=lambda c: c.marker)
