"""PubMedQA libraries: the abstracts written to a folder and indexed, with or without some questions' own abstracts.

A question asked of a library that lacks its abstract is a question the library cannot settle: the engine
should not draw a verdict from a paper about something else. The dev questions split in two halves by
position: the topicality model (`eval/fit_topicality.py`) learns from the even half, asked with and without
their abstracts; the suite (`eval/pubmedqa.py`) measures on the odd half, which that model never saw.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from eval.pubmedqa_data import Abstract, PubMedQuestion, write_corpus
from qa.abstain import Topicality
from qa.engine import AnswerEngine
from qa.stance import StanceModel

FITTED_PARITY = 0  # positions 0, 2, 4, ... of dev.jsonl: the topicality model's examples
HELD_OUT_PARITY = 1  # positions 1, 3, 5, ...: the suite's measure of answering without the abstract


def half(questions: list[PubMedQuestion], parity: int) -> list[PubMedQuestion]:
    """The dev questions at even (`parity` 0) or odd (1) positions of the list."""
    return [q for i, q in enumerate(questions) if i % 2 == parity]


def without(abstracts: list[Abstract], questions: list[PubMedQuestion]) -> list[Abstract]:
    """The abstracts other than those the `questions` were written about."""
    own = {q.pmid for q in questions}
    return [a for a in abstracts if a.pmid not in own]


def open_library(abstracts: list[Abstract], folder: Path, index_dir: Path | None = None,
                 progress: bool = False, stance: StanceModel | None = None,
                 topicality: Topicality | None = None) -> AnswerEngine:
    """An engine over `abstracts`, written to `folder`/corpus and indexed into `index_dir` (default
    `folder`/index); an index of the same corpus already there is reused. `stance` and `topicality` stand in
    for the shipped models (while one of them is being refitted)."""
    from index.store import load_index
    from qa.loading import ensure_index
    from qa.settings import Settings

    corpus = folder / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)  # a reused folder may hold another selection's abstracts
    write_corpus(abstracts, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=index_dir or folder / "index", upload_dir=folder / "no-uploads")
    embedder = settings.load_embedder()
    ensure_index(settings, embedder, progress=progress)
    return AnswerEngine(load_index(settings.index_dir, embedder), settings.max_question_chars, stance=stance,
                        topicality=topicality)
