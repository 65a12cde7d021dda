"""The chat widget (`/widget.js`, one self-contained script) and a demo page embedding it (`/`)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"

# The demo page runs no inline script and loads nothing from elsewhere; the CSP makes that a rule.
_PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
             "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_COMMON = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


@router.api_route("/widget.js", methods=["GET", "HEAD"])
def widget_js() -> FileResponse:
    """The embeddable widget: `<script src="http://HOST:PORT/widget.js" data-api="http://HOST:PORT">`."""
    return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8", headers=_COMMON)


@router.api_route("/demo.js", methods=["GET", "HEAD"])
def demo_js() -> FileResponse:
    """The demo page's script: the library's documents, each of which the chat can be kept to."""
    return FileResponse(STATIC / "demo.js", media_type="text/javascript; charset=utf-8", headers=_COMMON)


@router.api_route("/", methods=["GET", "HEAD"])
def demo_page() -> FileResponse:
    """A demo page with the widget and a few example questions."""
    headers = {**_COMMON, "Content-Security-Policy": _PAGE_CSP, "Referrer-Policy": "no-referrer"}
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=headers)
