"""Add an uploaded document: stage it, check its content, parse it in a child process with a deadline, build
the new index aside and swap it in atomically.

The file ends up in `settings.upload_dir`, which the corpus loader reads after `corpus_dir`, so it survives
restarts and `qa index` includes it. A refused or failed upload removes the file and leaves the served index
and the upload folder as they were; its error message names the file, never a path or exception text.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import LOADING_RETRY_AFTER_S
from api.errors import (
    APIError,
    IndexingFailed,
    InvalidDocument,
    NotReady,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from api.parse import UploadRefused, check_content, parse_isolated
from api.service import Service, Snapshot
from api.staging import STAGING
from corpus.store import SUPPORTED_SUFFIXES, corpus_files, slugify

log = logging.getLogger(__name__)

_READ_CHUNK = 256 * 1024


@dataclass(frozen=True)
class _Either:
    """Membership in either of two collections (the served index's documents are looked up, not listed)."""

    first: Container[str]
    second: Container[str]

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second


@dataclass(frozen=True)
class Ingested:
    """The outcome of an upload: the new document and the snapshot now served."""

    doc_id: str
    title: str
    filename: str
    chars: int
    chunks_added: int
    snapshot: Snapshot


def check_suffix(filename: str) -> str:
    """The lower-case suffix of an uploadable file; 415 for any other type."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kind = suffix or "files without an extension"
        raise UnsupportedMediaType(f"cannot index {kind}: upload one of {', '.join(SUPPORTED_SUFFIXES)}")
    return suffix


async def stage_upload(upload: UploadFile, upload_dir: Path, max_bytes: int) -> Path:
    """Copy the upload into a private staging folder (in a worker thread: file I/O stays off the event
    loop), enforcing `max_bytes` and checking that the content matches the extension."""
    suffix = check_suffix(upload.filename or "")
    name = f"{slugify(Path(upload.filename or 'document').stem)}{suffix}"
    return await run_in_threadpool(_stage, upload.file, upload_dir / STAGING / secrets.token_hex(8), name,
                                   max_bytes)


def _stage(source: BinaryIO, folder: Path, name: str, max_bytes: int) -> Path:
    folder.mkdir(parents=True)
    path = folder / name
    try:
        source.seek(0)
        size = 0
        with open(path, "wb") as out:
            while chunk := source.read(_READ_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"the file is larger than the upload limit of {max_bytes} bytes")
                out.write(chunk)
        if size == 0:
            raise InvalidDocument(f"{name}: the file is empty")
        check_content(path)
    except UploadRefused as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise (PayloadTooLarge if exc.kind == "size" else UnsupportedMediaType)(exc.message) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def _unique_doc_id(slug: str, taken: Container[str]) -> str:
    doc_id, n = slug, 2
    while doc_id in taken:
        doc_id, n = f"{slug}-{n}", n + 1
    return doc_id


def _refusal(exc: UploadRefused) -> APIError:
    if exc.kind == "pages":
        return PayloadTooLarge(exc.message)
    return InvalidDocument(exc.message)


def ingest(service: Service, staged: Path) -> Ingested:
    """Parse `staged` (in a child process, see `api.parse`), move it to the upload folder, rebuild the index
    and serve it, all under the write lock.

    Raises 413 (too many PDF pages) or 422 (unreadable, or too slow to parse) before anything changes, and
    `IndexingFailed` (500) when the new index cannot be built or served; the served index and the upload
    folder are then as before. (If the new index was written but could not be served, the index on disk is
    stale without the removed file, and the next start-up rebuilds it.)
    """
    settings = service.settings
    final: Path | None = None
    try:
        with service.write_lock:
            before = service.snapshot
            if before is None or service.embedder is None:
                raise NotReady("not ready: the model and index are still loading", retry_after=LOADING_RETRY_AFTER_S)
            try:
                taken = {slugify(p.stem) for p in corpus_files(settings.corpus_dir, [settings.upload_dir])}
                doc_id = _unique_doc_id(slugify(staged.stem), _Either(taken, before.index.documents))
                try:
                    doc = parse_isolated(staged, doc_id, settings.max_pdf_pages, settings.parse_timeout_s)
                except UploadRefused as exc:
                    raise _refusal(exc) from None
                # The index build parses the file again, in this process: the child's parse, which ended
                # within the deadline and the page cap, is the gate that makes that safe.
                final = settings.upload_dir / f"{doc_id}{staged.suffix}"
                staged.rename(final)
                index = service.rebuilt_index()  # only this document is embedded
            except APIError:
                raise
            except Exception as exc:  # the corpus folder gone, a full disk, ...: the detail is for the log
                log.exception("adding the upload %s to the index failed", staged.name)
                raise IndexingFailed(f"{staged.name}: the index could not be rebuilt with this file; nothing "
                                     "was changed (the server log says why)") from exc
            if doc_id not in index.documents:
                raise InvalidDocument(f"{staged.name}: the corpus loader skipped this file")
            after = service.publish(index)
    except BaseException:
        if final is not None:
            final.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staged.parent, ignore_errors=True)
    added = after.index.documents.chunk_count(doc_id)
    log.info("ingested %s as %s (%d chunks); serving index %s", staged.name, doc_id, added, after.version)
    return Ingested(doc_id=doc_id, title=doc.meta.title, filename=final.name, chars=len(doc.text),
                    chunks_added=added, snapshot=after)
