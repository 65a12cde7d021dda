"""Build, persist and load the index: plain files plus `manifest.json`, written atomically.

Layout of an index folder: `manifest.json`, `documents.json`, `chunks.json`, `embeddings.npy`,
`vectors.faiss` and `bm25/` (bm25s' own plain files). A build writes a sibling temp folder, fsyncs it and
swaps it in by rename, so a failed build never touches the index being served.

The swap is two renames (the old folder aside, the new one in place): POSIX has no atomic exchange of two
non-empty folders. A crash between them leaves no index but the old one aside; the next read puts it back
(`_recover_interrupted_swap`), so an interrupted rebuild never loses the last good index.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import TypeAdapter, ValidationError

from corpus.model import Document
from corpus.store import corpus_hash, load_corpus
from index.chunking import chunk_document
from index.embedder import Embedder, model_name
from index.errors import IndexIncompatible, IndexNotFound
from index.lexical import LexicalIndex
from index.model import FORMAT_VERSION, Chunk, ChunkingConfig, Manifest, Unit
from index.search import SearchIndex
from index.units import document_units
from index.vectors import build_vectors, load_vectors, save_vectors

_DOCS = TypeAdapter(list[Document])
_CHUNKS = TypeAdapter(list[Chunk])
_UNITS = TypeAdapter(list[Unit])
_ASIDE_PREFIX = ".{name}.old-"  # where a build puts the previous index while it swaps the new one in


def merged_glossary(documents: list[Document]) -> dict[str, str]:
    glossary: dict[str, str] = {}
    for doc in documents:
        for short, long_form in doc.glossary.items():
            glossary.setdefault(short, long_form)
    return glossary


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def known_vectors(index: SearchIndex) -> dict[str, np.ndarray]:
    """Embedded text -> vector for everything `index` holds, so a rebuild embeds only what is new."""
    known: dict[str, np.ndarray] = {}
    try:
        vectors = index.vectors.reconstruct_n(0, index.vectors.ntotal)
        known.update(zip((c.embed_text for c in index.chunks), vectors, strict=True))
    except (RuntimeError, ValueError):  # a FAISS index type that cannot give its vectors back
        pass
    if len(index.units) == len(index.unit_vectors):
        known.update(zip((u.embed_text for u in index.units), index.unit_vectors, strict=True))
    return known


def _embed(embedder: Embedder, texts: list[str], known: Mapping[str, np.ndarray] | None,
           progress: bool) -> np.ndarray:
    """Vectors for `texts`, reusing `known` ones (same model, same text: same vector)."""
    known = known or {}
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    fresh = dict(zip(missing, embedder.encode(missing, progress=progress), strict=True))
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    for i, text in enumerate(texts):
        out[i] = fresh[text] if text in fresh else known[text]
    return out


def write_index(
    folder: Path, documents: list[Document], embedder: Embedder, chunking: ChunkingConfig, corpus_digest: str,
    hnsw_threshold: int = 20_000, progress: bool = False, started: float | None = None,
    before_swap: Callable[[Path], None] | None = None, known: Mapping[str, np.ndarray] | None = None,
) -> Manifest:
    """Chunk, embed and index `documents` into `folder`, atomically replacing what was there."""
    started = time.perf_counter() if started is None else started
    chunks = [c for doc in documents for c in chunk_document(doc, chunking)]
    units = [u for doc in documents for u in document_units(doc)]
    both = _embed(embedder, [c.embed_text for c in chunks] + [u.embed_text for u in units], known, progress)
    vectors, unit_vectors = both[: len(chunks)], both[len(chunks) :]
    glossary = merged_glossary(documents)
    lexical = LexicalIndex.build([c.embed_text for c in chunks], glossary)
    faiss_index, kind = build_vectors(vectors, hnsw_threshold)

    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}-{time.monotonic_ns()}")
    tmp.mkdir()
    try:
        (tmp / "documents.json").write_bytes(_DOCS.dump_json(documents))
        (tmp / "chunks.json").write_bytes(_CHUNKS.dump_json(chunks))
        np.save(tmp / "embeddings.npy", vectors, allow_pickle=False)
        (tmp / "units.json").write_bytes(_UNITS.dump_json(units))
        np.save(tmp / "unit_embeddings.npy", unit_vectors, allow_pickle=False)
        save_vectors(faiss_index, tmp / "vectors.faiss")
        lexical.save(tmp / "bm25")
        manifest = Manifest(
            model=embedder.name, dimension=embedder.dimension, chunking=chunking, corpus_hash=corpus_digest,
            documents=len(documents), chunks=len(chunks), units=len(units), vector_index=kind,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3),
        )
        (tmp / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        _fsync_tree(tmp)
        if before_swap:
            before_swap(tmp)
        old = folder.with_name(f"{_ASIDE_PREFIX.format(name=folder.name)}{os.getpid()}-{time.monotonic_ns()}")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def build_index(
    corpus_dir: Path, folder: Path, embedder: Embedder, chunking: ChunkingConfig,
    hnsw_threshold: int = 20_000, progress: bool = False, extra_dirs: Sequence[Path] = (),
    known: Mapping[str, np.ndarray] | None = None,
) -> tuple[Manifest, list[str]]:
    """Load the corpus folder(s) and write their index; returns the manifest and the loader's warnings."""
    started = time.perf_counter()
    digest = corpus_hash(corpus_dir, extra_dirs)
    loaded = load_corpus(corpus_dir, extra_dirs)
    manifest = write_index(folder, loaded.documents, embedder, chunking, digest, hnsw_threshold, progress, started,
                           known=known)
    return manifest, loaded.warnings


def _recover_interrupted_swap(folder: Path) -> None:
    """Put back the previous index when a build stopped between its two renames."""
    if folder.exists():
        return
    aside = sorted(folder.parent.glob(_ASIDE_PREFIX.format(name=folder.name) + "*"), key=lambda p: p.stat().st_mtime)
    if aside and (aside[-1] / "manifest.json").exists():
        aside[-1].rename(folder)


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the index in `folder`; raises `IndexNotFound` or `IndexIncompatible` naming the fix."""
    _recover_interrupted_swap(folder)
    path = folder / "manifest.json"
    if not path.exists():
        raise IndexNotFound(f"no index in {folder}: build it with `qa index` (or `make run`)")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndexIncompatible(f"{path} is not valid JSON: rebuild with `qa index --rebuild`") from exc
    if raw.get("format_version") != FORMAT_VERSION:
        raise IndexIncompatible(
            f"index in {folder} has format {raw.get('format_version')}, this version reads {FORMAT_VERSION}: "
            "rebuild with `qa index --rebuild`"
        )
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise IndexIncompatible(
            f"{path} is invalid ({exc.error_count()} errors): rebuild with `qa index --rebuild`"
        ) from exc


def is_stale(folder: Path, corpus_dir: Path, model: str, chunking: ChunkingConfig,
             extra_dirs: Sequence[Path] = ()) -> str | None:
    """Why the index must be rebuilt (missing, other corpus/model/chunking/format), or None when fresh."""
    try:
        manifest = read_manifest(folder)
    except IndexNotFound:
        return "no index yet"
    except IndexIncompatible as exc:
        return str(exc)
    if manifest.corpus_hash != corpus_hash(corpus_dir, extra_dirs):
        return "the corpus changed since the index was built"
    if manifest.model != model_name(model):
        return f"the index was built with {manifest.model}, settings ask for {model_name(model)}"
    if manifest.chunking != chunking:
        return "the chunking settings changed"
    return None


def load_index(folder: Path, embedder: Embedder) -> SearchIndex:
    """Load an index for searching; raises a clear error if it was built with another model or dimension."""
    manifest = read_manifest(folder)
    if manifest.model != embedder.name:
        raise IndexIncompatible(
            f"index in {folder} was built with model {manifest.model!r} but the loaded model is {embedder.name!r}: "
            f"set QA_MODEL={manifest.model} or rebuild with `qa index --rebuild`"
        )
    if manifest.dimension != embedder.dimension:
        raise IndexIncompatible(
            f"index dimension {manifest.dimension} != model dimension {embedder.dimension}: "
            "rebuild with `qa index --rebuild`"
        )
    documents = _DOCS.validate_json((folder / "documents.json").read_bytes())
    chunks = _CHUNKS.validate_json((folder / "chunks.json").read_bytes())
    vectors = load_vectors(folder / "vectors.faiss")
    if vectors.ntotal != len(chunks) or vectors.d != manifest.dimension:
        raise IndexIncompatible(
            f"index files in {folder} disagree with the manifest: rebuild with `qa index --rebuild`"
        )
    units = _UNITS.validate_json((folder / "units.json").read_bytes())
    unit_vectors = np.load(folder / "unit_embeddings.npy", allow_pickle=False)
    if unit_vectors.shape != (len(units), manifest.dimension):
        raise IndexIncompatible(f"unit files in {folder} disagree with the manifest: rebuild with `qa index --rebuild`")
    lexical = LexicalIndex.load(folder / "bm25", merged_glossary(documents))
    return SearchIndex(manifest, documents, chunks, vectors, lexical, embedder, units, unit_vectors)
