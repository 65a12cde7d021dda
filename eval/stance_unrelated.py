"""Unrelated findings for fitting the verdict: for each PubMedQA dev question, another paper's conclusion.

A stance model fitted only on (question, its own conclusion) learns to read a conclusion's polarity, not whether
it answers the question: paired with the nearest other paper's conclusion, the shipped models drew a verdict on
about half of the dev questions, as often as on their own findings. On a library of reviews, where every passage
is about the same subject, that is a "Yes" to a question the findings do not address. So the fits also see each
question with the conclusion of the dev paper nearest to it (by the sentence model's similarity of the question
to the conclusions: a hard case, same field, other question) and learn that it settles nothing (README
"Verdict").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from corpus.sentences import sentence_spans
from eval.pubmedqa_data import PubMedQuestion
from qa.model import Citation


def similarities(questions: Sequence[PubMedQuestion]) -> np.ndarray:
    """Cosine similarity of each question (rows) to each paper's conclusion (columns), own paper excluded."""
    from index.embedder import Embedder

    embedder = Embedder()
    scores = embedder.encode([q.question for q in questions]) @ embedder.encode([q.long_answer for q in questions]).T
    np.fill_diagonal(scores, -np.inf)
    return scores


def nearest_others(scores: np.ndarray, rows: Sequence[int], among: Sequence[int] | None = None) -> list[int]:
    """For each of `rows`, the paper (index) whose conclusion is nearest to its question, drawn from `among`
    (all but its own by default): in a fold, from the papers the fit may see."""
    allowed = np.full(scores.shape[1], -np.inf)
    allowed[list(among) if among is not None else slice(None)] = 0.0
    return [int(np.argmax(scores[i] + allowed)) for i in rows]


def as_citations(doc: str, conclusion: str) -> list[Citation]:
    """A conclusion paragraph as the engine would cite it from document `doc` (offsets within the paragraph)."""
    return [Citation(doc_id=doc, title=doc, section="Conclusions", kind="sentence", start=start, end=end,
                     text=conclusion[start:end], score=1.0, marker=marker)
            for marker, (start, end) in enumerate(sentence_spans(conclusion) or [(0, len(conclusion))], 1)]


def as_findings(conclusion: str) -> list[str]:
    """A conclusion paragraph as the sentences the engine would cite from it."""
    return [c.text for c in as_citations("conclusion", conclusion)]
