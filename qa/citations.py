"""Collect the spans an answer cites and hand out their `[n]` markers; a marker always has its citation."""

from __future__ import annotations

from corpus.model import Document
from index.search import SearchIndex
from qa.model import Citation
from qa.passages import make_passage


class CitationRegistry:
    """Numbers cited spans in order of first use; citing the same span twice gives the same marker."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.citations: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], int] = {}

    def cite(self, doc: Document, start: int, end: int, kind: str, section: str, score: float) -> int:
        key = (doc.doc_id, start, end)
        if key not in self._by_span:
            passage = make_passage(doc, start, end, kind, section, score)
            marker = len(self.citations) + 1
            self.citations.append(Citation(marker=marker, **passage.model_dump()))
            self._by_span[key] = marker
        return self._by_span[key]

    @staticmethod
    def markers(numbers: list[int]) -> str:
        return "".join(f"[{n}]" for n in dict.fromkeys(numbers))

    def used_only(self, answer: str) -> list[Citation]:
        """The citations whose marker appears in `answer` (all of them, by construction)."""
        return [c for c in self.citations if f"[{c.marker}]" in answer]
