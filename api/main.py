"""The FastAPI application: `create_app(settings)` wires the service, middleware, error handling and routers.

The model and index load once, in a background thread started by the lifespan, so that `/healthz` and
`/readyz` answer during start-up. `qa serve` runs it; `uvicorn --factory api.main:create_app` serves the app
built from the environment (`QA_*`). Nothing is built at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import Scope

from api.deps import INDEX_VERSION_HEADER
from api.errors import install_error_handlers
from api.limits import MULTIPART_OVERHEAD, BodyLimitMiddleware
from api.routes import ask, documents, health, search, widget
from api.service import Service
from api.throttle import RateLimitMiddleware
from api.watch import CorpusWatcher
from index.embedder import Embedder
from qa.settings import Settings, get_settings

API_PREFIX = "/v1"
UPLOAD_PATH = f"{API_PREFIX}/documents"

DESCRIPTION = """Grounded answers with exact citations from clinical review papers, offline.

Every error is JSON: `{"error": code, "message": text, "details": [...]}`. Responses served from an
index carry the `X-Index-Version` header. Uploads need the `X-API-Key` header; without `QA_API_KEY`
the server is read-only. Each client has a request budget on `/v1` (429 beyond it) and the server answers
a bounded number of questions at once (503 `busy` beyond it); both carry `Retry-After`.
"""


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """A new app; `embedder` lets tests and tools share an already loaded model."""
    settings = settings or get_settings()
    service = Service(settings, embedder)

    watcher = CorpusWatcher(service) if settings.watch_corpus else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.start()
        if watcher is not None:
            watcher.start()
        yield
        if watcher is not None:
            watcher.stop()

    # No Swagger/ReDoc pages: they load their scripts from a CDN, and this product runs offline.
    app = FastAPI(title="neoqa", version="1", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.service = service
    app.state.watcher = watcher
    install_error_handlers(app)

    def body_limit(scope: Scope) -> int:
        if scope.get("method") == "POST" and scope.get("path") == UPLOAD_PATH:
            return settings.max_upload_bytes + MULTIPART_OVERHEAD
        return settings.max_body_bytes

    app.add_middleware(BodyLimitMiddleware, limit_for=body_limit)
    app.add_middleware(RateLimitMiddleware, rate_limit=settings.rate_limit)  # outside the body limit
    if settings.cors_origins:  # outermost, so that errors (413 included) carry the CORS headers too
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "X-API-Key"],
                           expose_headers=[INDEX_VERSION_HEADER, "Retry-After"], max_age=600)

    app.include_router(health.router)
    for router in (ask.router, search.router, documents.router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(widget.router)
    return app

