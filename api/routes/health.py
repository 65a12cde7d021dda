"""Liveness and readiness: `/healthz` answers while the process runs, `/readyz` once the index is served."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep, SnapshotDep
from api.errors import error_responses
from api.schemas import Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    """Always 200 while the server runs, also during start-up."""
    return Health()


@router.get("/readyz", response_model=Ready, summary="The model and index are loaded",
            responses=error_responses(503))
def readyz(snapshot: SnapshotDep, service: ServiceDep) -> Ready:
    """200 with the served index's size and version once loaded; 503 (with the reason) until then."""
    return Ready(index_version=snapshot.version, documents=snapshot.documents, chunks=snapshot.chunks,
                 read_only=service.read_only,
                 library="built-in" if snapshot.index.manifest.corpus_dir is None else "own")
