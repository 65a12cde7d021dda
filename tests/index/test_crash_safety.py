"""`qa index` killed with SIGKILL at random moments of its build, 20 times: the index is always the previous one
or the new one, complete, and answers exactly as a clean build of that corpus does."""

from __future__ import annotations

import random
import shutil
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

from corpus.store import BUILTIN_CORPUS
from index.build import build_index
from index.embedder import Embedder
from index.store import load_index, read_manifest
from qa.engine import AnswerEngine
from tests.forked import start_qa, wait_for_line

KILLS = 20
EXTRA = """# Caffeine and Apnoea

Caffeine citrate shortened the time on positive airway pressure in very preterm infants by about one week.
"""
QUESTIONS = ["How does the secretome of stem cells help preterm infants?",
             "What shortened the time on positive airway pressure?"]


def fingerprint(folder: Path, embedder: Embedder) -> tuple[object, ...]:
    """What a reader sees: the corpus the index holds, its search results and its answers."""
    index = load_index(folder, embedder)
    engine = AnswerEngine(index)
    hits = tuple(tuple(h.chunk.chunk_id for h in index.search(q, 5)) for q in QUESTIONS)
    return index.manifest.corpus_hash, hits, tuple(engine.ask(q).answer for q in QUESTIONS)


def set_state(corpus: Path, with_extra: bool) -> None:
    extra = corpus / "caffeine.md"
    if with_extra:
        extra.write_text(EXTRA, encoding="utf-8")
    else:
        extra.unlink(missing_ok=True)


def qa_index(corpus: Path, folder: Path, log: Path) -> BaseProcess:
    """`qa index --rebuild`, started and waited for until its build begins (the model is loaded by then)."""
    log.unlink(missing_ok=True)
    proc = start_qa(["index", "--rebuild", "--corpus", str(corpus), "--index-dir", str(folder)], log)
    wait_for_line(proc, log, "building index")
    return proc


def test_killed_builds_never_leave_a_half_written_index(tmp_path: Path, embedder: Embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("msc-secretome-preterm-infants-summary.txt", "msc-secretome-preterm-infants-summary.meta.json"):
        shutil.copy(BUILTIN_CORPUS / name, corpus)
    references = {}
    for with_extra in (False, True):  # clean builds of both corpora, for comparison
        set_state(corpus, with_extra)
        build_index(corpus, tmp_path / f"ref-{with_extra}", embedder)
        references[with_extra] = fingerprint(tmp_path / f"ref-{with_extra}", embedder)
    assert references[False] != references[True]

    folder = tmp_path / "index"
    set_state(corpus, False)
    build_index(corpus, folder, embedder)
    log = tmp_path / "qa-index.log"
    proc = qa_index(corpus, folder, log)
    started = time.perf_counter()
    proc.join(timeout=300)
    assert proc.exitcode == 0, log.read_text()
    duration = time.perf_counter() - started  # how long the build of `qa index --rebuild` takes here

    rng = random.Random(1234)
    state, outcomes = False, {"previous": 0, "new": 0}
    for _ in range(KILLS):
        target = not state
        set_state(corpus, target)
        proc = qa_index(corpus, folder, log)
        time.sleep(rng.uniform(0.0, 1.5) * duration)  # a third of the kills come after the swap
        proc.kill()  # SIGKILL
        proc.join(timeout=30)
        seen = fingerprint(folder, embedder)
        assert seen in (references[state], references[target]), "a killed build left an index of neither corpus"
        state = target if seen == references[target] else state
        outcomes["new" if state == target else "previous"] += 1
    # The next build cleans up what the killed ones left (temporary and set-aside folders).
    set_state(corpus, True)
    last = qa_index(corpus, folder, log)
    last.join(timeout=300)
    assert last.exitcode == 0, log.read_text()
    assert fingerprint(folder, embedder) == references[True]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".index")) == [".index.lock"]
    assert read_manifest(folder).documents == 2
    print(f"{KILLS} kills: {outcomes}")  # -s shows how many kills kept the previous index and how many the new
