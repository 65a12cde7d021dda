"""An index folder on disk: its manifest, the atomic swap of a new build, staleness, and loading for search.

Layout: `manifest.json` (written last), `store.sqlite` (documents, chunks, units, lookups), `chunk_vectors.f32`
and `unit_vectors.f32` (float32 rows, memory-mapped), `vectors.faiss` and `bm25/` (bm25s' plain files, memory-
mapped). A build writes a sibling temp folder, fsyncs it and swaps it in by rename, so a failed build never
touches the index being served.

The swap is two renames (the old folder aside, the new one in place): POSIX has no atomic exchange of two
non-empty folders. A crash between them leaves no index but the old one aside; the next read puts it back
(`_recover_interrupted_swap`), so an interrupted rebuild never loses the last good index.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError

from corpus.store import PARSER_VERSION, corpus_hash, corpus_signature
from index.embedder import Embedder, model_name
from index.errors import IndexIncompatible, IndexNotFound
from index.model import FORMAT_VERSION, ChunkingConfig, Manifest
from index.search import SearchIndex

_ASIDE_PREFIX = ".{name}.old-"  # where a build puts the previous index while it swaps the new one in
_TMP_PREFIX = ".{name}.tmp-"  # where a build writes the new index
_REBUILD = "rebuild it with `qa index`"


def _fsync_tree(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def swap_in(tmp: Path, folder: Path, before_swap: Callable[[Path], None] | None = None) -> None:
    """Make the complete index in `tmp` the one in `folder`: fsync it, then two renames (see the module doc)."""
    _fsync_tree(tmp)
    if before_swap:
        before_swap(tmp)
    old = folder.with_name(f"{_ASIDE_PREFIX.format(name=folder.name)}{os.getpid()}-{time.monotonic_ns()}")
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    _fsync_dir(folder.parent)
    shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_folder(folder: Path) -> Path:
    """A new folder beside `folder` for a build to write in."""
    return folder.with_name(f"{_TMP_PREFIX.format(name=folder.name)}{os.getpid()}-{time.monotonic_ns()}")


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold the index folder's build lock: one build at a time, and what a killed build left is cleaned up.

    The lock is an `flock` on a file beside the folder, so the kernel releases it when its holder dies; whoever
    takes it next finds only dead builds' temporary and set-aside folders, and removes them.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder.with_name(f".{folder.name}.lock"), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _recover_interrupted_swap(folder, locked=True)
        for prefix in (_TMP_PREFIX, _ASIDE_PREFIX):
            for stale in folder.parent.glob(prefix.format(name=folder.name) + "*"):
                shutil.rmtree(stale, ignore_errors=True)
        yield
    finally:
        os.close(fd)  # releases the lock


def _recover_interrupted_swap(folder: Path, locked: bool = False) -> None:
    """Put back the previous index when a build stopped between its two renames.

    A live build is between its renames for an instant only: the lock waits for it, so a reader never takes
    the set-aside index back from under a build that is about to put the new one in place.
    """
    pattern = _ASIDE_PREFIX.format(name=folder.name) + "*"
    if folder.exists() or not any(folder.parent.glob(pattern)):
        return
    if not locked:
        with build_lock(folder):  # recovers under the lock, then removes what else was left
            return
    aside = sorted(folder.parent.glob(pattern), key=lambda p: p.stat().st_mtime)
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
        raise IndexIncompatible(f"{path} is not valid JSON: {_REBUILD}") from exc
    version = raw.get("format_version") if isinstance(raw, dict) else None
    if version != FORMAT_VERSION:
        raise IndexIncompatible(
            f"index in {folder} has format {version}, this version reads format {FORMAT_VERSION}: {_REBUILD}"
        )
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise IndexIncompatible(f"{path} is invalid ({exc.error_count()} errors): {_REBUILD}") from exc


def recorded_sources(folder: Path) -> tuple[Path, list[Path]] | None:
    """The corpus folder and further source folders (uploads) the index in `folder` was built from, when its
    manifest records them (`index.build`: a library other than the built-in reviews); else None.

    Read without the checks of `read_manifest`: a missing or unreadable manifest records nothing, and what is
    wrong with it is said when the index is opened."""
    try:
        raw = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    corpus = raw.get("corpus_dir") if isinstance(raw, dict) else None
    if not isinstance(corpus, str):
        return None
    extra = raw.get("extra_dirs")
    return Path(corpus), [Path(e) for e in extra if isinstance(e, str)] if isinstance(extra, list) else []


def is_stale(folder: Path, corpus_dir: Path, model: str, chunking: ChunkingConfig,
             extra_dirs: Sequence[Path] = ()) -> str | None:
    """Why the index must be rebuilt (missing, other corpus/model/chunking/format), or None when fresh.

    The corpus is compared by its files' names, sizes and times first; only when those differ are the files
    read to tell an edit from a touch.
    """
    try:
        manifest = read_manifest(folder)
    except IndexNotFound:
        return "no index yet"
    except IndexIncompatible as exc:
        return str(exc)
    if manifest.model != model_name(model):
        return f"the index was built with {manifest.model}, settings ask for {model_name(model)}"
    if manifest.chunking != chunking:
        return "the chunking settings changed"
    if manifest.parser_version != PARSER_VERSION:
        return "this version parses or prepares documents differently"
    if manifest.corpus_signature != corpus_signature(corpus_dir, extra_dirs) and (
            manifest.corpus_hash != corpus_hash(corpus_dir, extra_dirs)):
        return "the corpus changed since the index was built"
    return None


def load_index(folder: Path, embedder: Embedder, document_cache: int = 256) -> SearchIndex:
    """Open an index for searching; raises a clear error if it was built with another model or dimension.

    Opening reads the manifest and maps the files; no document, chunk or unit is read until a question needs it.
    """
    manifest = read_manifest(folder)
    if manifest.model != embedder.name:
        raise IndexIncompatible(
            f"index in {folder} was built with model {manifest.model!r} but the loaded model is {embedder.name!r}: "
            f"set QA_MODEL={manifest.model} or {_REBUILD} --rebuild"
        )
    if manifest.dimension != embedder.dimension:
        raise IndexIncompatible(f"index dimension {manifest.dimension} != model dimension {embedder.dimension}: "
                                f"{_REBUILD} --rebuild")
    return SearchIndex.open(folder, manifest, embedder, document_cache)
