"""`GET /v1/search`: ranked passages for a query, with offsets into the document text and cited references."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from api.deps import IndexDep, InFlightDep
from api.errors import error_responses
from api.schemas import SearchQuery, SearchResponse
from index.search import SearchIndex
from qa.passages import passages_for_hits

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResponse, summary="Search passages",
            responses=error_responses(404, 422, 429, 503))
async def search(params: Annotated[SearchQuery, Query()], index: IndexDep, in_flight: InFlightDep) -> SearchResponse:
    """Hybrid (dense + BM25), dense-only or BM25-only ranking of passages, of the whole library or of the
    documents named by `doc` and of the years `since`..`until`."""
    with in_flight.slot():
        return await run_in_threadpool(_search, index, params)


def _search(index: SearchIndex, params: SearchQuery) -> SearchResponse:
    scope = index.scope(params.doc or None, params.since, params.until)
    hits = index.search(params.q, params.k, params.mode, scope=scope)
    passages = passages_for_hits(index, hits)
    return SearchResponse(query=params.q, mode=params.mode, k=params.k, passages=passages)
