"""Build an index from a corpus folder: parse, prepare, embed and write, incrementally and atomically.

Documents stream through in file order. A file whose content hash matches the previous index's copy of it is
copied from that index (rows and vectors: no parsing, no embedding); the others are parsed and prepared, and
their texts embedded in batches across documents, each distinct text once in the whole build: a text the
previous index or an earlier batch of this build already embedded reuses that vector (looked up by the text's
hash in the stores, so the build holds no table of its own). Deleted files simply are not carried over. The
new index is written in a temporary folder beside the old one and swapped in (see `index.store`), so a failed
build changes nothing.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np
from tqdm import tqdm

from corpus.errors import CorpusNotFound, UnreadableDocument
from corpus.model import Document
from corpus.store import (
    BUILTIN_CORPUS,
    PARSER_VERSION,
    SUPPORTED_SUFFIXES,
    SourceFile,
    combined_hash,
    corpus_sources,
    load_document,
)
from index.distributed import NOTHING_KNOWN, DistributedConfig, EmbeddedDocument, embed_documents
from index.embedder import Embedder
from index.errors import DistributedBuildFailed
from index.model import FORMAT_VERSION, ChunkingConfig, Manifest
from index.prepare import PreparedDocument, prepare_document, prepare_file
from index.previous import PreviousIndex
from index.store import build_lock, swap_in, temp_folder
from index.writer import IndexWriter, text_hash

log = logging.getLogger(__name__)

# Texts gathered across documents per call to the model. The embedder groups a call's texts by length into
# forward passes of 64, and the fewer texts it groups, the more unlike the lengths in a pass: on PubMed abstracts
# calls of 1,024 texts pad to 16 % more tokens than one call for everything (and the attention, quadratic in
# length, costs 50 % more); calls of 8,192 texts are within 1 % (3 % for attention). A call's texts wait in
# memory as prepared documents: a few hundred documents, tens of megabytes.
EMBED_BATCH_TEXTS = 8192


@dataclass(frozen=True)
class BuildOptions:
    """What shapes an index besides its corpus and model."""

    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    exact_threshold: int = 50_000
    pq_threshold: int = 5_000_000
    progress: bool = False


@dataclass
class BuildReport:
    manifest: Manifest
    warnings: list[str]
    parsed: int  # documents parsed (new or changed)
    copied: int  # documents carried over unchanged from the previous index


class _Batcher:
    """Gathers prepared documents until enough texts wait, then embeds the distinct new ones in one call; writes
    every document in the order it was given."""

    def __init__(self, writer: IndexWriter, embedder: Embedder, previous: PreviousIndex | None,
                 progress: bool = False) -> None:
        self.writer, self.embedder, self.previous, self.progress = writer, embedder, previous, progress
        self.pending: list[tuple[PreparedDocument | int, str, str | None, np.ndarray | None]] = []
        self.texts = 0
        self.embedded = 0

    def add(self, item: PreparedDocument | int, file_hash: str, source: str | None,
            vectors: np.ndarray | None = None, embedded: int = 0) -> None:
        """A prepared document (with its `vectors` if they were computed elsewhere, `embedded` of them by the
        model), or the number of a previous-index document to copy, in corpus order."""
        self.pending.append((item, file_hash, source, vectors))
        self.embedded += embedded
        if isinstance(item, PreparedDocument) and vectors is None:
            self.texts += len(item.chunks) + len(item.units)
        if self.texts >= EMBED_BATCH_TEXTS or len(self.pending) >= EMBED_BATCH_TEXTS:
            self.flush()

    def flush(self) -> None:
        texts = [t for item, _, _, v in self.pending if isinstance(item, PreparedDocument) and v is None
                 for t in item.texts()]
        vectors = self._vectors(texts)
        for item, file_hash, source, given in self.pending:
            if isinstance(item, PreparedDocument):
                n = len(item.chunks) + len(item.units)
                rows = given if given is not None else np.array([vectors[t] for t in item.texts()]).reshape(n, -1)
                self.writer.add(item, rows, file_hash, source)
            else:
                assert self.previous is not None
                self.writer.copy(self.previous.store, item, self.previous.chunk_vectors, self.previous.unit_vectors)
        self.pending, self.texts = [], 0

    def _vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """A vector for each text: the previous index's or this build's own for a text already embedded, else
        the model's (each distinct text once)."""
        distinct = {text_hash(t): t for t in dict.fromkeys(texts)}
        known = self.previous.vectors(list(distinct)) if self.previous else {}
        known.update(self.writer.vectors([h for h in distinct if h not in known]))
        out = {t: known[h] for h, t in distinct.items() if h in known}
        missing = [t for t in distinct.values() if t not in out]
        if missing:
            out.update(zip(missing, self.embedder.encode(missing, progress=self.progress), strict=True))
            self.embedded += len(missing)
        return out


def _prepare(source: SourceFile, chunking: ChunkingConfig) -> PreparedDocument:
    return prepare_document(load_document(source.path, source.doc_id), chunking)


class _InCorpusOrder:
    """The Ray pipeline's results (in completion order) handed out in corpus order, by document id."""

    def __init__(self, results: Iterator[EmbeddedDocument]) -> None:
        self.results = results
        self.waiting: dict[str, EmbeddedDocument] = {}

    def take(self, doc_id: str) -> tuple[PreparedDocument, np.ndarray, int]:
        """The prepared document and its vectors; raises `UnreadableDocument` for a file that could not be read."""
        while doc_id not in self.waiting:
            result = next(self.results, None)
            if result is None:
                raise DistributedBuildFailed(f"the Ray pipeline ended without document {doc_id!r}")
            self.waiting[result.doc_id] = result
        result = self.waiting.pop(doc_id)
        if result.error:
            raise UnreadableDocument(result.error)
        return PreparedDocument.model_validate_json(result.document_json), result.vectors, result.embedded

    def close(self) -> None:
        close = getattr(self.results, "close", None)
        if close is not None:
            close()  # ends the Ray session (a local instance is shut down)


def _embedded_on_ray(todo: list[SourceFile], embedder: Embedder, options: BuildOptions, config: DistributedConfig,
                     previous: PreviousIndex | None) -> _InCorpusOrder:
    """Start parsing and embedding the files to (re)index on Ray; texts the previous versions of these
    documents had are not embedded again (their digests are all the workers receive)."""
    known = previous.known_texts([s.doc_id for s in todo]) if previous else NOTHING_KNOWN
    results = embed_documents([(s.path, s.doc_id) for s in todo], partial(prepare_file, chunking=options.chunking),
                              embedder.setting, config, known, progress=options.progress)
    return _InCorpusOrder(results)


def build_index(corpus_dir: Path, folder: Path, embedder: Embedder, options: BuildOptions | None = None,
                extra_dirs: Sequence[Path] = (), before_swap: Callable[[Path], None] | None = None,
                reuse: bool = True, distributed: DistributedConfig | None = None) -> BuildReport:
    """Index the corpus folder(s) into `folder`, reusing what the index already there holds (unless `reuse`
    is false: then every document is parsed and every text embedded again).

    With `distributed`, the new and changed files are parsed and embedded on Ray (`index.distributed`) and
    stream back to this process, which writes them in corpus order like the single-process build."""
    options = options or BuildOptions()
    started = time.perf_counter()
    sources = corpus_sources(corpus_dir, extra_dirs)
    if not sources:
        raise CorpusNotFound(f"no {', '.join(SUPPORTED_SUFFIXES)} files in {corpus_dir}")
    previous = PreviousIndex.open(folder, embedder.name, embedder.dimension, options.chunking) if reuse else None
    unread: list[str] = []
    hashes: list[str] = []
    counts = {"parsed": 0, "copied": 0}

    def skipped(why: str) -> None:
        log.info("skipped %s", why)  # said once, in the build's report (`qa index` prints its warnings)
        unread.append(why)

    def documents(batcher: _Batcher) -> None:
        plan = []
        for source in sources:
            file_hash = source.content_hash()
            hashes.append(file_hash)
            plan.append((source, file_hash, previous.unchanged(source.doc_id, file_hash) if previous else None))
        todo = [source for source, _, old in plan if old is None]
        remote = _embedded_on_ray(todo, embedder, options, distributed, previous) if distributed and todo else None
        with closing(remote) if remote is not None else nullcontext():
            for source, file_hash, old in tqdm(plan, desc="index", unit="doc", disable=not options.progress):
                if old is not None:
                    batcher.add(old, file_hash, None)
                    counts["copied"] += 1
                    continue
                try:
                    if remote is not None:
                        prep, vectors, embedded = remote.take(source.doc_id)
                    else:
                        prep, vectors, embedded = _prepare(source, options.chunking), None, 0
                except UnreadableDocument as exc:
                    skipped(str(exc))
                    continue
                batcher.add(prep, file_hash, source.path.name, vectors, embedded)
                counts["parsed"] += 1

    try:
        manifest = _write(folder, embedder, options, documents, previous, started, before_swap,
                          lambda: combined_hash(hashes), combined_hash([s.signature() for s in sources]),
                          (corpus_dir, extra_dirs), lambda: unread)
    finally:
        if previous:
            previous.close()
    warnings = [f"skipped {why}" for why in unread]
    if manifest.documents == 0:
        raise CorpusNotFound(f"no readable documents in {corpus_dir}: " + "; ".join(warnings))
    return BuildReport(manifest, warnings, counts["parsed"], counts["copied"])


def write_index(folder: Path, documents: Iterable[Document], embedder: Embedder, options: BuildOptions | None = None,
                corpus_digest: str = "", before_swap: Callable[[Path], None] | None = None) -> Manifest:
    """Index already parsed documents into `folder` (no previous index is reused)."""
    options = options or BuildOptions()

    def feed(batcher: _Batcher) -> None:
        for doc in documents:
            batcher.add(prepare_document(doc, options.chunking), "", doc.meta.source)

    return _write(folder, embedder, options, feed, None, time.perf_counter(), before_swap,
                  lambda: corpus_digest, corpus_digest)


def _sources_record(read_from: tuple[Path, Sequence[Path]] | None) -> tuple[str | None, list[str]]:
    """The folders a library was built from, for the manifest; none for the built-in reviews, which every
    command reads by default (wherever the project is checked out), nor for documents given already parsed."""
    if read_from is None or read_from[0].resolve() == BUILTIN_CORPUS.resolve():
        return None, []
    return str(read_from[0].resolve()), [str(d.resolve()) for d in read_from[1]]


def _write(folder: Path, embedder: Embedder, options: BuildOptions, feed: Callable[[_Batcher], None],
           previous: PreviousIndex | None, started: float, before_swap: Callable[[Path], None] | None,
           digest: Callable[[], str], signature: str,
           read_from: tuple[Path, Sequence[Path]] | None = None,
           skipped: Callable[[], list[str]] = list) -> Manifest:
    folder = folder.resolve()
    corpus_dir, extra_dirs = _sources_record(read_from)
    with build_lock(folder):
        tmp = temp_folder(folder)
        tmp.mkdir()
        try:
            writer = IndexWriter(tmp, embedder.dimension)
            batcher = _Batcher(writer, embedder, previous, options.progress)
            feed(batcher)
            batcher.flush()
            params = writer.finish(options.exact_threshold, options.pq_threshold)
            manifest = Manifest(
                format_version=FORMAT_VERSION, model=embedder.name, dimension=embedder.dimension,
                chunking=options.chunking, corpus_hash=digest(), corpus_signature=signature,
                corpus_dir=corpus_dir, extra_dirs=extra_dirs,
                parser_version=PARSER_VERSION, skipped=skipped(), documents=writer.documents, chunks=writer.chunks,
                units=writer.units, vector_index=params, embedded_texts=batcher.embedded,
                built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                build_seconds=round(time.perf_counter() - started, 3),
            )
            (tmp / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
            if manifest.documents:
                swap_in(tmp, folder, before_swap)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return manifest
