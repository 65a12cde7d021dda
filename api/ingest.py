"""Add an uploaded document: stage it, parse it, build the new index aside and swap it in atomically.

The file ends up in `settings.upload_dir`, which the corpus loader reads after `corpus_dir`, so it survives
restarts and `qa index` includes it. A failed ingest removes the file and leaves the served index unchanged.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import UploadFile

from api.errors import InvalidDocument, NotReady, PayloadTooLarge, UnsupportedMediaType
from api.service import Service, Snapshot
from api.staging import STAGING
from corpus.store import SUPPORTED_SUFFIXES, corpus_files, load_document, slugify
from index.build import build_index
from index.store import load_index

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
    """Copy the upload into a private staging folder, enforcing `max_bytes` while reading."""
    suffix = check_suffix(upload.filename or "")
    folder = upload_dir / STAGING / secrets.token_hex(8)
    folder.mkdir(parents=True)
    path = folder / f"{slugify(Path(upload.filename or 'document').stem)}{suffix}"
    size = 0
    try:
        with open(path, "wb") as out:
            while chunk := await upload.read(_READ_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"the file is larger than the upload limit of {max_bytes} bytes")
                out.write(chunk)
        if size == 0:
            raise InvalidDocument(f"{upload.filename}: the file is empty")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def _unique_doc_id(slug: str, taken: Container[str]) -> str:
    doc_id, n = slug, 2
    while doc_id in taken:
        doc_id, n = f"{slug}-{n}", n + 1
    return doc_id


def ingest(service: Service, staged: Path) -> Ingested:
    """Parse `staged`, move it to the upload folder, rebuild the index and serve it, all under the write lock.

    Raises `UnreadableDocument` (422) when the file cannot be parsed; the served index is then unchanged. (If
    the new index was written but could not be served, the file is removed all the same: the index on disk is
    then stale, and the next start-up rebuilds it.)
    """
    settings = service.settings
    final: Path | None = None
    try:
        with service.write_lock:
            before = service.snapshot
            if before is None or service.embedder is None:
                raise NotReady("not ready: the model and index are still loading")
            taken = {slugify(p.stem) for p in corpus_files(settings.corpus_dir, [settings.upload_dir])}
            doc_id = _unique_doc_id(slugify(staged.stem), _Either(taken, before.index.documents))
            doc = load_document(staged, doc_id)
            final = settings.upload_dir / f"{doc_id}{staged.suffix}"
            staged.rename(final)
            # Incremental: the other documents are carried over from the served index, only this one is embedded.
            build_index(settings.corpus_dir, settings.index_dir, service.embedder, settings.build_options(),
                        [settings.upload_dir])
            index = load_index(settings.index_dir, service.embedder, settings.document_cache)
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
