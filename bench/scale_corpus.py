"""The scale benchmark's inputs: the synthetic corpus of a size, the real-model sample, and the questions.

Everything is cached in the work folder and reused while the generator, seed and size are the same.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import numpy as np
from scale_common import read_json, write_json

from corpus.store import BUILTIN_CORPUS, corpus_sources, load_document
from eval.gold import load_gold
from eval.synthetic.corpus import Calibration, calibrate, calibration_dict, existing, write_corpus
from eval.synthetic.documents import GENERATOR_VERSION, Generator
from eval.synthetic.questions import generate_questions
from eval.synthetic.vectors import DerivedEmbedder, nearest_cosines, quantiles
from index.chunking import chunk_document
from index.model import ChunkingConfig

MODEL = "all-MiniLM-L6-v2"


def builtin_chunks() -> int:
    return sum(len(chunk_document(load_document(s.path, s.doc_id), ChunkingConfig()))
               for s in corpus_sources(BUILTIN_CORPUS))


def calibration(work: Path, generator: Generator) -> tuple[Calibration | None, dict[str, Any]]:
    """The calibration of the generator (cached as JSON; the texts are recomputed only when needed)."""
    path = work / f"calibration-g{GENERATOR_VERSION}-s{generator.seed}.json"
    if path.exists():
        return None, read_json(path)
    t = time.perf_counter()
    cal = calibrate(generator, ChunkingConfig())
    data = {**calibration_dict(cal), "seconds": round(time.perf_counter() - t, 1)}
    write_json(path, data)
    return cal, data


def real_sample(work: Path, generator: Generator, count: int, cal: Calibration | None) -> tuple[Path, dict[str, Any]]:
    """`count` texts of generated documents embedded by the real model (cached), and how derived vectors
    compare with them (nearest-neighbour cosines within sets of the same size)."""
    path = work / "sample" / f"sample-{MODEL}-g{GENERATOR_VERSION}-s{generator.seed}-n{count}.npy"
    report_path = path.with_suffix(".json")
    if not path.exists():
        cal = cal or calibrate(generator, ChunkingConfig())
        texts = random.Random(generator.seed).sample(sorted(set(cal.texts)), count)
        from index.embedder import Embedder

        print(f"embedding a sample of {count} texts of generated documents with the real model "
              f"({MODEL}); cached in {path}", flush=True)
        t = time.perf_counter()
        vectors = Embedder(MODEL).encode(texts, progress=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
        write_json(report_path, {"embed_seconds": round(time.perf_counter() - t, 1)})
    report = read_json(report_path) if report_path.exists() else {}
    if "real_nn" not in report:
        sample = np.load(path)
        derived = DerivedEmbedder(sample, MODEL, seed=generator.seed).encode(
            [f"derived check text {i}" for i in range(len(sample))])
        report.update(real_nn=quantiles(nearest_cosines(sample)), derived_nn=quantiles(nearest_cosines(derived)),
                      derived_to_sample_nn=quantiles(nearest_cosines(derived, sample)),
                      real_pairwise_mean=round(float(np.mean(sample[:1000] @ sample[:1000].T)), 3),
                      derived_pairwise_mean=round(float(np.mean(derived[:1000] @ derived[:1000].T)), 3))
        write_json(report_path, report)
    return path, report


def corpus_for(folder: Path, generator: Generator, passages: int, ratio: float, fixed: int) -> dict[str, Any]:
    """The synthetic corpus of about `passages` chunks in `folder` (reused when already written), with the
    built-in reviews copied in (the gold questions are about them)."""
    want = {"generator_version": GENERATOR_VERSION, "seed": generator.seed, "passages": passages,
            "ratio": round(ratio, 6)}
    marker = existing(folder)
    if marker is not None and all(marker.get(k) == v for k, v in want.items()):
        return marker
    shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    marker = write_corpus(folder, generator, passages - fixed, ratio, extra=want, progress=True)
    for f in BUILTIN_CORPUS.iterdir():
        if f.is_file():
            shutil.copy2(f, folder / f.name)
    marker["generate_seconds"] = round(time.perf_counter() - t, 1)
    write_json(folder / "synthetic.json", marker)
    return marker


def question_items(generator: Generator, documents: int, count: int, seed: int) -> list[dict[str, Any]]:
    """The dev split of the gold questions (about the built-in reviews, which every corpus holds), then
    generated questions about the synthetic documents, `count` in all, every string distinct."""
    gold = [{"question": g.question, "history": [t.model_dump() for t in g.history]}
            for g in load_gold(split="dev")][:count]
    generated = generate_questions(generator, documents, count - len(gold), seed,
                                   exclude={g["question"] for g in gold})
    return gold + [{"question": q, "history": []} for q in generated]


def store_stats(index: Path) -> dict[str, int]:
    """Glossary, table and reference counts of a built index (read-only queries on its store)."""
    conn = sqlite3.connect(f"file:{index / 'store.sqlite'}?mode=ro", uri=True)
    try:
        one = lambda sql: int(conn.execute(sql).fetchone()[0] or 0)  # noqa: E731
        return {"glossary_entries": one("SELECT count(*) FROM glossary"),
                "short_forms": one("SELECT count(DISTINCT short) FROM glossary"),
                "short_forms_with_several_meanings": one(
                    "SELECT count(*) FROM (SELECT short FROM glossary_forms GROUP BY short HAVING count(*) > 1)"),
                "tables": one("SELECT sum(tables) FROM documents"),
                "references": one("SELECT sum(refs) FROM documents"),
                "vocabulary": one("SELECT count(*) FROM vocab")}
    finally:
        conn.close()
