"""Documents: list them, read one (metadata, clean text, sections, references), one reference, upload one and
remove an upload."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import INDEX_VERSION_HEADER, IndexDep, ServiceDep, SettingsDep, SnapshotDep, require_api_key
from api.errors import InvalidInput, NotFound, UnsupportedMediaType, error_responses
from api.ingest import ingest, stage_upload
from api.removal import remove_upload
from api.schemas import (
    MAX_CITING,
    CitingDocument,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    PassageContext,
    ReferenceDetail,
    RemovalResult,
    UploadResult,
)
from corpus.model import Document
from corpus.store import SUPPORTED_SUFFIXES
from index.search import SearchIndex

router = APIRouter(prefix="/documents", tags=["documents"])

DEFAULT_PAGE = 100
MAX_PAGE = 1000
MAX_OFFSET = 10**9  # beyond any library; an unbounded one overflowed SQLite's integer (a 500, found by fuzzing)
MAX_TEXT = 10**9  # a character offset beyond any document
DEFAULT_CONTEXT, MAX_CONTEXT = 300, 2000  # characters of text shown on each side of a passage
MAX_FIND = 200  # characters of a document listing's filter

_MAX_PARTS = 8  # enough to name an unknown field in the error; more parts are a 400 from the parser

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"], "additionalProperties": False,
            "properties": {"file": {"type": "string", "format": "binary",
                                    "description": f"One {', '.join(SUPPORTED_SUFFIXES)} file; its content must "
                                                   "match its extension (a PDF, text, HTML, a Word document)."}},
        }}},
    }
}


def _document(index: SearchIndex, doc_id: str) -> Document:
    doc = index.documents.get(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id!r}; GET /v1/documents lists them")
    return doc


def _summary(row: tuple[object, ...]) -> DocumentSummary:
    doc_id, title, authors, journal, year, kind, source, chars, sections, refs, tables = row
    return DocumentSummary.model_validate(dict(
        doc_id=doc_id, title=title, authors=json.loads(str(authors)), journal=journal, year=year, kind=kind,
        source=source, chars=chars, sections=sections, references=refs, tables=tables))


@router.get("", response_model=DocumentList, summary="List the indexed documents, a page at a time",
            responses=error_responses(422, 429, 503))
def list_documents(index: IndexDep, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                   limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                   q: Annotated[str | None, Query(min_length=1, max_length=MAX_FIND,
                                                  description="Only documents whose id, title, authors or journal "
                                                              "hold this text (either case).")] = None
                   ) -> DocumentList:
    """Documents of the served index in index order, from `offset`, at most `limit`; `total` counts them all
    (all those matching `q`, when given)."""
    docs = [_summary(row) for row in index.documents.page(offset, limit, q)]
    total = len(index.documents) if q is None else index.documents.count_matching(q)
    return DocumentList(documents=docs, total=total, offset=offset, limit=limit, skipped=index.manifest.skipped)


@router.get("/{doc_id}", response_model=DocumentDetail, summary="One document",
            responses=error_responses(404, 429, 503))
def get_document(doc_id: str, index: IndexDep) -> DocumentDetail:
    """Metadata, the clean text, sections and references as offsets into that text, and the documents of the
    library that cite it."""
    doc = _document(index, doc_id)
    cited_by = [CitingDocument(doc_id=d, title=title, reference_number=n)
                for d, title, n in index.lookups.citing(doc_id, MAX_CITING)]
    return DocumentDetail(doc_id=doc.doc_id, meta=doc.meta, text=doc.text, sections=doc.sections,
                          references=doc.references, glossary=doc.glossary, cited_by=cited_by)


@router.get("/{doc_id}/context", response_model=PassageContext, summary="A passage with the text around it",
            responses=error_responses(404, 422, 429, 503))
def get_context(doc_id: str, index: IndexDep, start: Annotated[int, Query(ge=0, le=MAX_TEXT)],
                end: Annotated[int, Query(ge=1, le=MAX_TEXT)],
                chars: Annotated[int, Query(ge=0, le=MAX_CONTEXT)] = DEFAULT_CONTEXT) -> PassageContext:
    """The span `start`..`end` of the document's text (a citation's offsets), up to `chars` characters of text
    before and after it, cut at word boundaries, and the section it is in."""
    doc = _document(index, doc_id)
    if not start < end <= len(doc.text):  # no such passage: the offsets name none of this text
        raise NotFound(f"document {doc_id!r} has no passage {start}..{end}: its text has {len(doc.text)} "
                       "characters, and start must be below end")
    lo, hi = max(0, start - chars), min(len(doc.text), end + chars)
    before, after = doc.text[lo:start], doc.text[end:hi]
    if lo > 0:  # begin at a word, not inside one
        before = before[next((i + 1 for i, ch in enumerate(before) if ch.isspace()), 0):]
    if hi < len(doc.text):
        after = after[: next((i for i in range(len(after) - 1, -1, -1) if after[i].isspace()), len(after))]
    return PassageContext(doc_id=doc_id, start=start, end=end, section=doc.section_at(start), before=before,
                          text=doc.text[start:end], after=after)


@router.get("/{doc_id}/references/{n}", response_model=ReferenceDetail, summary="One numbered reference",
            responses=error_responses(404, 422, 429, 503))
def get_reference(doc_id: str, n: Annotated[int, Path(ge=1, le=100_000)], index: IndexDep) -> ReferenceDetail:
    """Entry `n` of the document's reference list."""
    ref = _document(index, doc_id).reference(n)
    if ref is None:
        raise NotFound(f"document {doc_id!r} has no reference [{n}]")
    return ReferenceDetail(doc_id=doc_id, **ref.model_dump())


@router.post("", response_model=UploadResult, status_code=201, summary="Upload a document (needs X-API-Key)",
             dependencies=[Depends(require_api_key)], openapi_extra=_UPLOAD_BODY,
             responses=error_responses(400, 401, 403, 413, 415, 422, 429, 500, 503))
async def upload_document(request: Request, response: Response, service: ServiceDep, settings: SettingsDep,
                          _ready: SnapshotDep) -> UploadResult:
    """Add a .txt/.md/.html/.pdf/.docx file to the corpus and serve the re-built index.

    The key is checked before the body is read. Requests in flight finish on the old index; later ones see the
    new document. A refused file (415 content not matching the extension, 413 too many PDF pages, 422 not
    readable or too slow to parse, 500 indexing failed) leaves the served index and upload folder as they were.
    Broken multipart framing is a 400 (from the framework's form parser).
    """
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType("send the document as multipart/form-data in a field named 'file'")
    form = await request.form(max_files=_MAX_PARTS, max_fields=_MAX_PARTS)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename or len(form.getlist("file")) > 1:
            raise InvalidInput("the form needs one field named 'file' holding the document")
        unknown = sorted(set(form.keys()) - {"file"})
        if unknown:
            raise InvalidInput(f"unknown form field {unknown[0]!r}: the form holds only 'file'")
        staged = await stage_upload(upload, settings.upload_dir, settings.max_upload_bytes)
    finally:
        await form.close()
    done = await run_in_threadpool(ingest, service, staged)
    response.headers[INDEX_VERSION_HEADER] = done.snapshot.version
    return UploadResult(doc_id=done.doc_id, title=done.title, filename=done.filename, chars=done.chars,
                        chunks_added=done.chunks_added, documents=done.snapshot.documents,
                        chunks=done.snapshot.chunks, index_version=done.snapshot.version)


@router.delete("/{doc_id}", response_model=RemovalResult, summary="Remove an uploaded document (needs X-API-Key)",
               dependencies=[Depends(require_api_key)],
               responses=error_responses(401, 403, 404, 409, 429, 500, 503))
async def remove_document(doc_id: str, response: Response, service: ServiceDep, _ready: SnapshotDep) -> RemovalResult:
    """Take an uploaded document out of the library and serve the re-built index without it.

    Only uploads: a document of the corpus folder is a 409 (remove its file there and run `qa index`), as is
    the library's last document. Requests in flight finish on the old index. A failed rebuild (500) puts the
    file back and leaves the served index as it was.
    """
    done = await run_in_threadpool(remove_upload, service, doc_id)
    response.headers[INDEX_VERSION_HEADER] = done.snapshot.version
    return RemovalResult(doc_id=done.doc_id, filename=done.filename, documents=done.snapshot.documents,
                         chunks=done.snapshot.chunks, index_version=done.snapshot.version)
