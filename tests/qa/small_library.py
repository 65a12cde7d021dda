"""A small library of markdown papers, indexed with the real model, for tests that need their own corpus."""

from __future__ import annotations

from pathlib import Path

from index.build import build_index
from index.embedder import Embedder
from index.store import load_index
from qa.engine import AnswerEngine


def engine_over(papers: dict[str, str], folder: Path, embedder: Embedder) -> AnswerEngine:
    """An engine over `papers` (document id -> markdown), written and indexed under `folder`."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for name, text in papers.items():
        (corpus / f"{name}.md").write_text(text, encoding="utf-8")
    build_index(corpus, folder / "index", embedder)
    return AnswerEngine(load_index(folder / "index", embedder))

