"""`POST /v1/ask` (one JSON answer) and `POST /v1/ask/stream` (the same answer as Server-Sent Events)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import INDEX_VERSION_HEADER, EngineDep, SnapshotDep
from api.errors import error_responses
from api.schemas import AskRequest
from qa.model import Answer

router = APIRouter(tags=["ask"])

_PIECE = re.compile(r"\S+\s*|\s+")

_STREAM_DOC = {
    200: {
        "description": (
            "`text/event-stream`: events `token` (`{\"text\": piece}`; the pieces concatenate to the answer "
            "text), then one `citation` per citation (a Citation object), then `done` with the whole Answer "
            "object, which is authoritative."
        ),
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
    **error_responses(413, 422, 503),
}


@router.post("/ask", response_model=Answer, summary="Ask a question",
             responses=error_responses(413, 422, 503))
def ask(body: AskRequest, engine: EngineDep) -> Answer:
    """A grounded answer with `[n]` citation markers; `answered` is false when the reviews do not say."""
    return engine.ask(body.question, body.turns(), body.k)


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


@router.post("/ask/stream", summary="Ask a question, streamed as Server-Sent Events",
             response_class=EventSourceResponse, responses=_STREAM_DOC)
async def ask_stream(body: AskRequest, snapshot: SnapshotDep) -> EventSourceResponse:
    """The answer of `/v1/ask` as events; invalid input fails before the stream starts, as a JSON error."""
    answer = await run_in_threadpool(snapshot.engine.ask, body.question, body.turns(), body.k)
    return EventSourceResponse(answer_events(answer), ping=15,
                               headers={INDEX_VERSION_HEADER: snapshot.version, "Cache-Control": "no-store"})
