"""Shared helpers for the benchmarks: a fresh index of the built-in corpus in a temp folder, and percentiles."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    from index.embedder import Embedder
    from index.search import SearchIndex
    from qa.engine import AnswerEngine


def temp_index_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="neoqa-bench-")) / "index"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def builtin_engine() -> tuple[AnswerEngine, SearchIndex, Embedder]:
    """A fresh index of the built-in corpus in a temp folder, its answer engine warmed by one question."""
    from corpus.store import BUILTIN_CORPUS
    from index.build import build_index
    from index.embedder import Embedder
    from index.store import load_index
    from qa.engine import AnswerEngine

    embedder = Embedder()
    folder = temp_index_dir()
    build_index(BUILTIN_CORPUS, folder, embedder)
    index = load_index(folder, embedder)
    engine = AnswerEngine(index)
    engine.ask("warm-up question about stem cells")
    return engine, index, embedder
