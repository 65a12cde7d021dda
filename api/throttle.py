"""Limits under load: a per-client rate limit on the `/v1` API and a bound on questions in flight.

Beyond the rate limit a client gets 429, beyond the in-flight bound 503; both carry `Retry-After` and the
JSON error body, and neither waits in a queue: a request over a limit is answered at once, so load never
piles up behind the cores.

The rate limit uses `limits`, the library under slowapi, directly: slowapi 0.1.10 finds a request's route in
`app.routes`, which on FastAPI >= 0.137 holds included routers as opaque wrappers, so its middleware silently
exempted every `/v1` route (slowapi issue #281). Here the limit applies by path prefix, with no route lookup.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import Busy, error_response

RATE_LIMITED_PREFIX = "/v1/"  # health checks, the widget and the OpenAPI document are never limited
BUSY_RETRY_AFTER_S = 1  # a question takes well under a second: by then a slot is likely free


class RateLimitMiddleware:
    """At most `rate_limit` ("120/minute", or several: "10/second;1000/hour") requests to `/v1` per client
    address; one more is answered 429 before the app sees it (its body is never read).

    A moving window: exact (no double burst at a window's edge, as with fixed windows, and no estimate, as
    with a sliding counter), at the cost of one timestamp per request in the window (120 a client by default).
    The counts are in memory, per server process. The client address is the
    connection's, or the `X-Forwarded-For` one when uvicorn trusts the proxy (by default one on 127.0.0.1).
    """

    def __init__(self, app: ASGIApp, rate_limit: str) -> None:
        self.app = app
        self.items = parse_many(rate_limit)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(RATE_LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        for item in self.items:
            if not self.limiter.hit(item, key):
                reset_at = self.limiter.get_window_stats(item, key).reset_time
                retry_after = max(1, math.ceil(reset_at - time.time()))
                message = f"too many requests: at most {item} per client; retry after {retry_after} s"
                response = error_response(429, "rate_limited", message, headers={"Retry-After": str(retry_after)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class InFlight:
    """At most `limit` questions (ask, stream, search) being answered at once; one more is refused with 503.

    Used only from the event loop (the routes are `async def` and hand the work to a thread), so a plain
    counter needs no lock.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the body of the `with`; raises `Busy` (503) when all are taken."""
        if self.count >= self.limit:
            raise Busy(f"the server is answering {self.limit} questions already; retry in a moment",
                       retry_after=BUSY_RETRY_AFTER_S)
        self.count += 1
        try:
            yield
        finally:
            self.count -= 1
