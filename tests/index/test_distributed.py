"""The Ray build (`index.distributed`) on one local Ray instance (2 CPUs) shared by this module's tests: the same
index as the single-process build, a worker that dies mid-batch retried with nothing lost or doubled, unreadable
files skipped with the single-process warning, known texts not embedded again, and clear errors.

Each pipeline starts its own actors (a model load each), so the cases share runs to keep the module short."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from corpus.store import BUILTIN_CORPUS, corpus_sources, load_corpus
from index.distributed import DistributedConfig, EmbedWorker, KnownVectors, embed_documents, ray_session
from index.embedder import DEFAULT_MODEL, Embedder
from index.errors import RayClusterUnreachable
from index.model import ChunkingConfig
from index.prepare import prepare_file
from index.search import SearchIndex
from index.store import load_index
from qa.cli import main

PREPARE = partial(prepare_file, chunking=ChunkingConfig())


@pytest.fixture(scope="module")
def local_ray() -> Iterator[ModuleType]:
    """One local instance for the module (Ray takes seconds to start); the pipelines below join it."""
    pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[distributed]' (make install does)")
    with ray_session(DistributedConfig(workers=2)) as ray:
        yield ray


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six short reviews, each with a few distinct sentences, and one file no parser can read."""
    folder = tmp_path_factory.mktemp("corpus")
    topics = ["caffeine", "surfactant", "erythropoietin", "probiotics", "hypothermia", "melatonin"]
    for n, topic in enumerate(topics):
        (folder / f"{topic}.md").write_text(
            f"# {topic.title()} in preterm infants\n\n"
            f"{topic.title()} was given to {20 + n} preterm infants in a randomised trial. "
            f"The primary outcome was survival without bronchopulmonary dysplasia at 36 weeks. "
            f"Infants who received {topic} had fewer days on mechanical ventilation.\n\n"
            f"## Safety\n\nNo serious adverse events were attributed to {topic} (n = {n + 3}).\n",
            encoding="utf-8",
        )
    (folder / "broken.pdf").write_bytes(b"not a pdf at all")
    return folder


def crash_once_worker(marker: Path) -> type[EmbedWorker]:
    """An `EmbedWorker` whose process dies in the middle of the first batch any worker gets (`os._exit`, as a
    segfault or the OOM killer would end it); the marker file, created first, lets the restarted ones live."""

    class CrashOnce(EmbedWorker):
        def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
            if not marker.exists():
                marker.touch()
                os._exit(1)
            return super().__call__(batch)

    return CrashOnce


def test_qa_index_with_workers_builds_the_single_process_index(
        local_ray: ModuleType, search_index: SearchIndex, index_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`qa index --workers 2` end to end, with a file no parser can read: the same chunks, units and vectors
    (within 1e-5) as the single-process build, and the same warning for the unreadable file."""
    corpus = tmp_path / "corpus"
    shutil.copytree(BUILTIN_CORPUS, corpus)
    (corpus / "broken.pdf").write_bytes(b"not a pdf at all")
    folder = tmp_path / "ray-index"
    code = main(["index", "--corpus", str(corpus), "--index-dir", str(folder), "--workers", "2"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "index built: 2 documents" in out.out
    expected = [f"warning: {w}" for w in load_corpus(corpus).warnings]
    assert expected and [line for line in out.err.splitlines() if line.startswith("warning:")] == expected

    built = load_index(folder, search_index.embedder)
    assert [c.model_dump() for c in built.iter_chunks()] == [c.model_dump() for c in search_index.iter_chunks()]
    units = range(search_index.manifest.units)
    assert built.manifest.units == len(units) and built.units(list(units)) == search_index.units(list(units))
    assert list(built.documents) == list(search_index.documents)
    assert all(built.documents[d] == search_index.documents[d] for d in search_index.documents)
    for ours, theirs in ((built.chunk_vectors, search_index.chunk_vectors),
                         (built.unit_vectors, search_index.unit_vectors)):
        assert ours.shape == theirs.shape and np.abs(np.asarray(ours) - np.asarray(theirs)).max() < 1e-5


def test_a_worker_that_dies_mid_batch_is_retried_and_known_texts_are_reused(
        local_ray: ModuleType, small_corpus: Path, embedder: Embedder, tmp_path: Path) -> None:
    """Every readable document exactly once, with the vectors the model gives, although the first batch
    killed its worker; texts the caller already has keep the caller's vectors (they are not embedded again)."""
    marker = tmp_path / "crashed-once"
    sources = corpus_sources(small_corpus)
    _, caffeine_texts = PREPARE(small_corpus / "caffeine.md", "caffeine")
    # Vectors no model gives: a text embedded again would not get them.
    known = {text: np.full(embedder.dimension, i + 1.0, dtype=np.float32) for i, text in enumerate(caffeine_texts)}
    results = list(embed_documents([(s.path, s.doc_id) for s in sources], PREPARE, DEFAULT_MODEL,
                                   DistributedConfig(workers=2, docs_per_batch=2), KnownVectors.of(known),
                                   worker_cls=crash_once_worker(marker)))
    assert marker.exists(), "no worker died: the test did not test a retry"
    assert sorted(r.doc_id for r in results) == sorted(s.doc_id for s in sources)  # each exactly once
    errors = [r for r in results if r.error]
    assert len(errors) == 1 and errors[0].doc_id == "broken" and errors[0].error.startswith("broken.pdf")
    for result in (r for r in results if not r.error):
        document_json, texts = PREPARE(small_corpus / f"{result.doc_id}.md", result.doc_id)
        assert (result.document_json, result.texts) == (document_json, texts)
        assert result.vectors.dtype == np.float32 and result.vectors.shape == (len(texts), embedder.dimension)
        # Sentences the reviews share with the caffeine one get the known vector in every document.
        expected = np.stack([known[t] if t in known else embedder.encode([t])[0] for t in texts])
        assert np.abs(result.vectors - expected).max() < 1e-5, result.doc_id


def test_an_unreachable_cluster_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[distributed]' (make install does)")
    with pytest.raises(RayClusterUnreachable, match="ray start --head"):
        list(embed_documents([], PREPARE, DEFAULT_MODEL, DistributedConfig(address="127.0.0.1:1")))
    code = main(["index", "--index-dir", str(tmp_path / "idx"), "--ray-address", "127.0.0.1:1"])
    assert code == 2 and "cannot reach a Ray cluster at '127.0.0.1:1'" in capsys.readouterr().err
    assert not (tmp_path / "idx").exists()


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})


def test_nothing_imports_ray_unless_a_distributed_build_is_asked_for() -> None:
    out = _python("import sys, qa.cli, qa.loading, qa.engine, index.store, index.distributed, api.main; "
                  "qa.cli.build_parser(); print(sorted(m for m in sys.modules if m.split('.')[0] == 'ray'))")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_without_ray_the_flags_say_which_extra_to_install(tmp_path: Path) -> None:
    # `sys.modules["ray"] = None` makes `import ray` fail as it does where Ray is not installed.
    out = _python("import sys; sys.modules['ray'] = None; from qa.cli import main; "
                  f"sys.exit(main(['index', '--index-dir', {str(tmp_path / 'idx')!r}, '--workers', '2']))")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "pip install -e '.[distributed]'" in out.stderr
