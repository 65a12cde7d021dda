"""Named API errors and the one place that turns every error into a JSON response (never a traceback).

Every error body has the same shape: `{"error": "<code>", "message": "<what went wrong>", "details": [...]}`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.errors import NoDocumentInScope, UnknownDocuments
from qa.errors import QAError

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    """One invalid field: where it is (`body.question`, `query.k`) and what is wrong with it."""

    loc: str
    msg: str


class ErrorBody(BaseModel):
    """The JSON body of every error response."""

    error: str
    message: str
    details: list[ErrorDetail] = []


class APIError(Exception):
    """Base class of the errors the API raises on purpose; `status` and `code` say how to answer."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = {} if retry_after is None else {"Retry-After": str(retry_after)}


class InvalidInput(APIError):
    status, code = 422, "invalid_input"


class InvalidDocument(APIError):
    status, code = 422, "invalid_document"


class NotFound(APIError):
    status, code = 404, "not_found"


class Unauthorized(APIError):
    status, code = 401, "unauthorized"


class ReadOnly(APIError):
    status, code = 403, "read_only"


class Conflict(APIError):
    """The request is valid but the library's state forbids it (removing a corpus folder's document)."""

    status, code = 409, "conflict"


class PayloadTooLarge(APIError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(APIError):
    status, code = 415, "unsupported_media_type"


class NotReady(APIError):
    status, code = 503, "not_ready"


class Busy(APIError):
    """Too many questions in flight: a deliberate 503 with `Retry-After`, never a queue."""

    status, code = 503, "busy"


class IndexingFailed(APIError):
    """An upload was read but the new index could not be built or served; nothing was changed."""

    status, code = 500, "indexing_failed"


_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
               415: "unsupported_media_type", 422: "invalid_input", 429: "rate_limited", 503: "not_ready"}


def error_response(status: int, code: str, message: str, details: list[ErrorDetail] | None = None,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The JSON response for an error; also used by the ASGI body-limit middleware."""
    body = ErrorBody(error=code, message=message, details=details or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _validation_details(exc: RequestValidationError) -> list[ErrorDetail]:
    out = []
    for err in exc.errors():
        msg = str(err.get("msg", "invalid value"))
        if err.get("type") == "extra_forbidden":
            msg = "unknown field"
        out.append(ErrorDetail(loc=_location(err.get("loc", ())), msg=msg))
    return out


def to_response(exc: Exception) -> JSONResponse:
    """Map any exception to its JSON error response: the single table from errors to HTTP."""
    if isinstance(exc, APIError):
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers)
    if isinstance(exc, QAError):  # the engine's own words about the input (empty, too long), no internals
        return error_response(422, "invalid_input", str(exc))
    if isinstance(exc, UnknownDocuments | NoDocumentInScope):  # kept to documents the library lacks
        return error_response(404, "not_found", str(exc))
    if isinstance(exc, RequestValidationError):
        details = _validation_details(exc)
        first = f"{details[0].loc}: {details[0].msg}" if details else "the request is invalid"
        return error_response(422, "invalid_input", first, details)
    if isinstance(exc, StarletteHTTPException):
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)
    log.error("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "unexpected server error; the server log has the details")


_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _path_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")


def allowed_methods(request: Request, exc: StarletteHTTPException) -> str:
    """The `Allow` value of a 405: every method the OpenAPI document gives the request's path, with the one
    the router found (which names only its own route's methods: `GET` and `POST /v1/documents` are two)."""
    methods = {m.strip().upper() for m in (exc.headers or {}).get("Allow", "").split(",") if m.strip()}
    for template, item in request.app.openapi().get("paths", {}).items():
        if _path_pattern(template).match(request.url.path):
            methods |= {m.upper() for m in item if m in _HTTP_METHODS}
    return ", ".join(sorted(methods))


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, StarletteHTTPException) and exc.status_code == 405:
        allow = allowed_methods(request, exc)
        return error_response(405, "method_not_allowed", f"{request.method} is not allowed here; use {allow}",
                              headers={"Allow": allow})
    return to_response(exc)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error class through `to_response`."""
    for cls in (APIError, QAError, UnknownDocuments, NoDocumentInScope, RequestValidationError,
                StarletteHTTPException, Exception):
        app.add_exception_handler(cls, _handle)


_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "required": True,
                                "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
_DESCRIPTIONS = {
    400: "The body could not be decoded (not UTF-8 JSON, or broken multipart framing).",
    429: "Too many requests from this client (`QA_RATE_LIMIT`); `Retry-After` says when to come back.",
    503: "Not ready yet (`not_ready`) or too many questions in flight (`busy`); `Retry-After` says when to retry.",
}


# For the OpenAPI document: which error bodies an operation may answer with.
def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries documenting the JSON error body for the given status codes; 429 and 503 also
    document their `Retry-After` header."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ErrorBody}
        if status in _DESCRIPTIONS:
            entry["description"] = _DESCRIPTIONS[status]
        if status in (429, 503):
            entry["headers"] = _RETRY_AFTER
        out[status] = entry
    return out
