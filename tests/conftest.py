"""Shared fixtures: the real model, the built-in corpus and a real index built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from corpus.model import Document  # noqa: E402
from corpus.store import BUILTIN_CORPUS, load_corpus  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embedder import Embedder  # noqa: E402
from index.search import SearchIndex  # noqa: E402
from index.store import load_index  # noqa: E402


@pytest.fixture(scope="session")
def documents() -> dict[str, Document]:
    return {d.doc_id: d for d in load_corpus(BUILTIN_CORPUS).documents}


@pytest.fixture(scope="session")
def review(documents: dict[str, Document]) -> Document:
    """The full-text review (Kersin & Özek 2021) with the table of studies and 49 references."""
    return documents["kersin-2021-breast-milk-stem-cells"]


@pytest.fixture(scope="session")
def summary(documents: dict[str, Document]) -> Document:
    return documents["msc-secretome-preterm-infants-summary"]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    folder = tmp_path_factory.mktemp("index") / "builtin"
    build_index(BUILTIN_CORPUS, folder, embedder)
    return folder


@pytest.fixture(scope="session")
def search_index(index_dir: Path, embedder: Embedder) -> SearchIndex:
    return load_index(index_dir, embedder)
