"""Typed dependencies for the routes: the service on `app.state`, the current snapshot, its engine and index,
the settings and the API-key check for writes."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyHeader

from api.errors import NotReady, ReadOnly, Unauthorized
from api.service import Service, Snapshot
from api.throttle import InFlight
from index.search import SearchIndex
from qa.engine import AnswerEngine
from qa.settings import Settings

INDEX_VERSION_HEADER = "X-Index-Version"
LOADING_RETRY_AFTER_S = 5  # loading takes seconds to a minute: poll, but not in a tight loop

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                               description="Required for uploads; must match QA_API_KEY.")


def get_service(request: Request) -> Service:
    """The service created by `create_app`."""
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


def get_settings(service: ServiceDep) -> Settings:
    """The settings the app was created with."""
    return service.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_snapshot(service: ServiceDep, response: Response) -> Snapshot:
    """The snapshot served now, taken once per request; 503 while loading. Sets the X-Index-Version header."""
    snap = service.snapshot
    if snap is None:
        if service.error:  # the detail (paths, exception text) is in the server log, never in a response
            raise NotReady("not ready: loading failed; the server log says why", retry_after=LOADING_RETRY_AFTER_S)
        raise NotReady("not ready: the model and index are still loading", retry_after=LOADING_RETRY_AFTER_S)
    response.headers[INDEX_VERSION_HEADER] = snap.version
    return snap


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


def get_engine(snapshot: SnapshotDep) -> AnswerEngine:
    """The answer engine of the current snapshot."""
    return snapshot.engine


def get_index(snapshot: SnapshotDep) -> SearchIndex:
    """The search index of the current snapshot (the same one as the engine's within a request)."""
    return snapshot.index


EngineDep = Annotated[AnswerEngine, Depends(get_engine)]
IndexDep = Annotated[SearchIndex, Depends(get_index)]


def get_in_flight(service: ServiceDep) -> InFlight:
    """The bound on questions in flight (ask, stream, search) shared by the app's routes."""
    return service.in_flight


InFlightDep = Annotated[InFlight, Depends(get_in_flight)]


def require_api_key(settings: SettingsDep, key: Annotated[str | None, Security(_api_key_header)]) -> None:
    """Allow a write only with the configured key: 403 when none is configured (read-only), 401 when wrong."""
    if settings.api_key is None:
        raise ReadOnly("this server is read-only: start it with QA_API_KEY set to allow uploads")
    if key is None or not hmac.compare_digest(key.encode(), settings.api_key.encode()):
        raise Unauthorized("a valid X-API-Key header is required for this request")
