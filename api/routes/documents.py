"""Documents: list them, read one (metadata, clean text, sections, references), one reference, and upload."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from api.deps import INDEX_VERSION_HEADER, IndexDep, ServiceDep, SettingsDep, SnapshotDep, require_api_key
from api.errors import InvalidInput, NotFound, UnsupportedMediaType, error_responses
from api.ingest import ingest, stage_upload
from api.schemas import DocumentDetail, DocumentList, DocumentSummary, ReferenceDetail, UploadResult
from corpus.model import Document
from corpus.store import SUPPORTED_SUFFIXES
from index.search import SearchIndex

router = APIRouter(prefix="/documents", tags=["documents"])

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary",
                                    "description": f"One {', '.join(SUPPORTED_SUFFIXES)} file."}},
        }}},
    }
}


def _document(index: SearchIndex, doc_id: str) -> Document:
    doc = index.documents.get(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id!r}; GET /v1/documents lists them")
    return doc


def _summary(doc: Document) -> DocumentSummary:
    m = doc.meta
    return DocumentSummary(doc_id=doc.doc_id, title=m.title, authors=m.authors, journal=m.journal,
                           year=m.year, kind=m.kind, source=m.source, chars=len(doc.text),
                           sections=len(doc.sections), references=len(doc.references), tables=len(doc.tables))


@router.get("", response_model=DocumentList, summary="List the indexed documents",
            responses=error_responses(503))
def list_documents(index: IndexDep) -> DocumentList:
    """Every document of the served index, in index order."""
    docs = [_summary(d) for d in index.documents.values()]
    return DocumentList(documents=docs, total=len(docs))


@router.get("/{doc_id}", response_model=DocumentDetail, summary="One document",
            responses=error_responses(404, 503))
def get_document(doc_id: str, index: IndexDep) -> DocumentDetail:
    """Metadata, the clean text, and sections and references as offsets into that text."""
    doc = _document(index, doc_id)
    return DocumentDetail(doc_id=doc.doc_id, meta=doc.meta, text=doc.text, sections=doc.sections,
                          references=doc.references, glossary=doc.glossary)


@router.get("/{doc_id}/references/{n}", response_model=ReferenceDetail, summary="One numbered reference",
            responses=error_responses(404, 422, 503))
def get_reference(doc_id: str, n: Annotated[int, Path(ge=1, le=100_000)], index: IndexDep) -> ReferenceDetail:
    """Entry `n` of the document's reference list."""
    ref = _document(index, doc_id).reference(n)
    if ref is None:
        raise NotFound(f"document {doc_id!r} has no reference [{n}]")
    return ReferenceDetail(doc_id=doc_id, **ref.model_dump())


@router.post("", response_model=UploadResult, status_code=201, summary="Upload a document (needs X-API-Key)",
             dependencies=[Depends(require_api_key)], openapi_extra=_UPLOAD_BODY,
             responses=error_responses(401, 403, 413, 415, 422, 503))
async def upload_document(request: Request, response: Response, service: ServiceDep, settings: SettingsDep,
                          _ready: SnapshotDep) -> UploadResult:
    """Add a .txt/.md/.html/.pdf file to the corpus and serve the re-built index.

    The key is checked before the body is read. Requests in flight finish on the old index; later ones see the
    new document. A file that cannot be parsed is answered 422 and leaves the served index as it was.
    """
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType("send the document as multipart/form-data in a field named 'file'")
    try:
        form = await request.form(max_files=1, max_fields=4)
    except MultiPartException as exc:
        raise InvalidInput(f"invalid multipart body: {exc.message}") from exc
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("the form needs a field named 'file' holding the document")
        staged = await stage_upload(upload, settings.upload_dir, settings.max_upload_bytes)
    finally:
        await form.close()
    done = await run_in_threadpool(ingest, service, staged)
    response.headers[INDEX_VERSION_HEADER] = done.snapshot.version
    return UploadResult(doc_id=done.doc_id, title=done.title, filename=done.filename, chars=done.chars,
                        chunks_added=done.chunks_added, documents=done.snapshot.documents,
                        chunks=done.snapshot.chunks, index_version=done.snapshot.version)
