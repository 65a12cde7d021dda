"""Remove an uploaded document: take its file out of the upload folder, build the index without it and swap
that in atomically.

Only uploads are removed through the API: the corpus folder is the user's own files, removed by deleting the
file and running `qa index`. A failed removal puts the file back and leaves the served index as it was.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from dataclasses import dataclass

from api.deps import LOADING_RETRY_AFTER_S
from api.errors import APIError, Conflict, IndexingFailed, NotFound, NotReady
from api.service import Service, Snapshot
from api.staging import STAGING
from corpus.store import corpus_sources

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Removed:
    """The outcome of a removal: the document's file and the snapshot now served."""

    doc_id: str
    filename: str
    snapshot: Snapshot


def remove_upload(service: Service, doc_id: str) -> Removed:
    """Remove the uploaded document `doc_id` and serve the index without it, under the write lock.

    Raises 404 (no such document), 409 (a document of the corpus folder, or the library's last document) and
    `IndexingFailed` (500) when the new index cannot be built or served; the file is then put back.
    """
    settings = service.settings
    with service.write_lock:
        before = service.snapshot
        if before is None or service.embedder is None:
            raise NotReady("not ready: the model and index are still loading", retry_after=LOADING_RETRY_AFTER_S)
        if doc_id not in before.index.documents:
            raise NotFound(f"no document {doc_id!r}; GET /v1/documents lists them")
        try:
            sources = corpus_sources(settings.corpus_dir, [settings.upload_dir])
        except Exception as exc:  # the corpus folder gone, ...: no rebuild could follow
            log.exception("listing the corpus to remove %s failed", doc_id)
            raise _failed(doc_id) from exc
        source = next((s for s in sources if s.doc_id == doc_id), None)
        if source is None:  # served, but its file has gone since: the next refresh drops it
            raise Conflict(f"{doc_id!r} has no file in the library's folders any more: run `qa index` to refresh")
        if source.path.parent.resolve() != settings.upload_dir.resolve():
            raise Conflict(f"{doc_id!r} is part of the corpus folder, not an upload: remove its file there and "
                           "run `qa index`")
        if before.documents <= 1:
            raise Conflict(f"{doc_id!r} is the library's only document: an index needs one")
        aside = settings.upload_dir / STAGING / secrets.token_hex(8)
        aside.mkdir(parents=True)
        moved = aside / source.path.name
        source.path.rename(moved)
        try:
            after = service.publish(service.rebuilt_index())
        except Exception as exc:
            moved.rename(source.path)  # put back: the library is as it was
            shutil.rmtree(aside, ignore_errors=True)
            if isinstance(exc, APIError):
                raise
            log.exception("removing the upload %s from the index failed", source.path.name)  # the detail
            raise _failed(doc_id) from exc
        shutil.rmtree(aside, ignore_errors=True)
    log.info("removed the upload %s (%s); serving index %s", source.path.name, doc_id, after.version)
    return Removed(doc_id=doc_id, filename=source.path.name, snapshot=after)


def _failed(doc_id: str) -> IndexingFailed:
    return IndexingFailed(f"{doc_id!r}: the index could not be rebuilt without this document; nothing was "
                          "changed (the server log says why)")
