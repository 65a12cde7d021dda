"""The answer engine: question -> retrieval -> scored sentences and table rows -> grounded answer.

(v0: a simple extractive answer; the full mechanism replaces the internals, not this interface.)
"""

from __future__ import annotations

import time

from index.search import SearchIndex
from qa.errors import QAError
from qa.model import Answer, Citation, Turn
from qa.passages import make_passage, passages_for_hits

MAX_QUESTION_CHARS = 2000


def validate_question(question: str, limit: int = MAX_QUESTION_CHARS) -> str:
    text = question.strip()
    if not text:
        raise QAError("the question is empty")
    if len(text) > limit:
        raise QAError(f"the question is {len(text)} characters long; the limit is {limit}")
    return text


class AnswerEngine:
    """Answers questions from one loaded `SearchIndex`; safe to share between threads (read-only)."""

    def __init__(self, index: SearchIndex, max_question_chars: int = MAX_QUESTION_CHARS) -> None:
        self.index = index
        self.max_question_chars = max_question_chars

    def ask(self, question: str, history: list[Turn] | None = None, k: int = 5) -> Answer:
        """A grounded answer; raises `QAError` for an empty or over-long question or k outside 1-20."""
        text = validate_question(question, self.max_question_chars)
        if not 1 <= k <= 20:
            raise QAError("k must be between 1 and 20")
        t0 = time.perf_counter()
        hits = self.index.search(text, k)
        t1 = time.perf_counter()
        if not hits:
            return Answer(question=text, answer="The reviews do not say.", answered=False)
        top = hits[0].chunk
        doc = self.index.documents[top.doc_id]
        p = make_passage(doc, top.start, top.end, top.kind, top.section, hits[0].score)
        citation = Citation(marker=1, **p.model_dump())
        return Answer(question=text, answer=f"{p.text} [1]", answered=True, citations=[citation],
                      related=passages_for_hits(self.index, hits[1:]),
                      timings_ms={"retrieve": (t1 - t0) * 1000, "compose": (time.perf_counter() - t1) * 1000})
