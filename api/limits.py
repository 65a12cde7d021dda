"""Request-body size limits, enforced at the ASGI level: from Content-Length before anything is read, and
again while the body is read (for chunked bodies or a lying header). Over the limit is a JSON 413.

A plain ASGI middleware rather than the framework's own body limit: the limits come from the settings at
start-up, differ for uploads and JSON, and every 413 must have the same JSON body as the other errors.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PayloadTooLarge, error_response

# Multipart framing (boundaries, part headers) on top of the file itself.
MULTIPART_OVERHEAD = 64 * 1024


class BodyLimitMiddleware:
    """Answer 413 for request bodies larger than `limit_for(scope)` bytes."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return

        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise PayloadTooLarge(f"the request body is larger than the limit of {limit} bytes")
            return message

        async def guarded_send(message: Message) -> None:
            # Once over the limit, whatever the app makes of the interrupted read is replaced by our 413.
            if not exceeded:
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded:
            await _too_large(limit)(scope, receive, send)


def _too_large(limit: int) -> JSONResponse:
    message = f"the request body is larger than the limit of {limit} bytes"
    return error_response(413, "payload_too_large", message, headers={"Connection": "close"})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
