"""`POST /v1/ask` (one JSON answer) and `POST /v1/ask/stream` (the same answer as Server-Sent Events)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import INDEX_VERSION_HEADER, EngineDep, InFlightDep, SnapshotDep
from api.errors import error_responses, to_response
from api.schemas import AskRequest
from qa.model import Answer

log = logging.getLogger(__name__)

router = APIRouter(tags=["ask"])

_PIECE = re.compile(r"\S+\s*|\s+")
QUESTION_ERRORS = (400, 404, 413, 422, 429, 503)


def _event(name: str, payload: dict[str, Any], description: str) -> dict[str, Any]:
    """The OpenAPI schema of one event: its name and its `data`, a JSON document of the given schema."""
    return {"type": "object", "description": description, "required": ["event", "data"],
            "properties": {"event": {"const": name},
                           "data": {"type": "string", "contentMediaType": "application/json",
                                    "contentSchema": payload}}}


_TOKEN = {"type": "object", "required": ["text"], "additionalProperties": False,
          "properties": {"text": {"type": "string"}}}
STREAM_EVENTS = {"oneOf": [
    _event("token", _TOKEN, "A piece of the answer text; the pieces concatenate to `Answer.answer`."),
    _event("citation", {"$ref": "#/components/schemas/Citation"}, "One per citation, after the tokens."),
    _event("done", {"$ref": "#/components/schemas/Answer"}, "The whole answer, last; it is authoritative."),
    _event("error", {"$ref": "#/components/schemas/ErrorBody"},
           "Instead of the remaining events when the stream fails after it started; the stream then ends."),
]}
_STREAM_DOC = {
    200: {
        "description": (
            "`text/event-stream`: events `token` (`{\"text\": piece}`; the pieces concatenate to the answer "
            "text), then one `citation` per citation (a Citation object), then `done` with the whole Answer "
            "object, which is authoritative. Should the stream fail once started, an `error` event carries "
            "the JSON error body and ends it. The schema describes one event."
        ),
        "content": {"text/event-stream": {"schema": STREAM_EVENTS}},
    },
    **error_responses(*QUESTION_ERRORS),
}


@router.post("/ask", response_model=Answer, summary="Ask a question",
             responses=error_responses(*QUESTION_ERRORS))
async def ask(body: AskRequest, engine: EngineDep, in_flight: InFlightDep) -> Answer:
    """A grounded answer with `[n]` citation markers; `answered` is false when the reviews do not say. With
    `documents`, only those documents are searched and cited."""
    with in_flight.slot():
        return await run_in_threadpool(engine.ask, body.question, body.turns(), body.k, body.documents,
                                       body.since, body.until)


def answer_pieces(text: str) -> list[str]:
    """The answer text cut into word-sized pieces whose concatenation is exactly `text`."""
    return _PIECE.findall(text)


async def answer_events(answer: Answer) -> AsyncIterator[ServerSentEvent]:
    """The events of one answer: its text in pieces, each citation, then the whole answer."""
    for piece in answer_pieces(answer.answer):
        yield ServerSentEvent(event="token", data=json.dumps({"text": piece}, ensure_ascii=False))
    for citation in answer.citations:
        yield ServerSentEvent(event="citation", data=citation.model_dump_json())
    yield ServerSentEvent(event="done", data=answer.model_dump_json())


async def guarded(events: AsyncIterator[ServerSentEvent]) -> AsyncIterator[ServerSentEvent]:
    """`events`, but a failure once the stream has started ends it with an `error` event holding the JSON
    error body (the status line is already sent, so this is the only way left to say what went wrong)."""
    try:
        async for event in events:
            yield event
    except Exception as exc:
        response = to_response(exc)  # logs unexpected errors; the body never carries their text
        yield ServerSentEvent(event="error", data=bytes(response.body).decode())


def event_stream(events: AsyncIterator[ServerSentEvent], headers: dict[str, str]) -> EventSourceResponse:
    """The SSE response for `events`, guarded, with keep-alive comments and no caching."""
    return EventSourceResponse(guarded(events), ping=15, headers={**headers, "Cache-Control": "no-store"})


@router.post("/ask/stream", summary="Ask a question, streamed as Server-Sent Events",
             response_class=EventSourceResponse, responses=_STREAM_DOC)
async def ask_stream(body: AskRequest, snapshot: SnapshotDep, in_flight: InFlightDep) -> EventSourceResponse:
    """The answer of `/v1/ask` as events; invalid input fails before the stream starts, as a JSON error."""
    with in_flight.slot():
        answer = await run_in_threadpool(snapshot.engine.ask, body.question, body.turns(), body.k,
                                         body.documents, body.since, body.until)
    return event_stream(answer_events(answer), {INDEX_VERSION_HEADER: snapshot.version})
