"""Check and parse an uploaded file safely: its content must match its extension, and the parse runs in a
child process that is killed when it runs past its deadline or when a PDF has too many pages.

A child process, not a thread: a thread that runs too long can only be abandoned (it keeps its core and
memory), a process can be stopped. The module imports only the corpus layer, so the child starts fast.
Messages of `UploadRefused` are shown to the client: they name the file, never a path or exception text.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
from multiprocessing.connection import Connection
from pathlib import Path

from corpus.decoding import decode_text
from corpus.errors import UnreadableDocument
from corpus.model import Document
from corpus.store import load_document
from corpus.word import ExpandsTooFar, check_expansion

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
PDF_MAGIC_WITHIN = 1024  # the PDF specification lets readers accept a header within the first 1 KiB
_SNIFF_BYTES = 64 * 1024
# An opening tag of an element that HTML documents have; a renamed binary or plain text has none.
_HTML_TAG = re.compile(rb"<\s*(!doctype\s+html|html|head|body|title|meta|p|div|h[1-6]|table|article|section|main"
                       rb"|ul|ol|li|span|a)[\s>/]", re.IGNORECASE)


class UploadRefused(Exception):
    """An upload that is not accepted; `kind` says why: `type` (the content is not what the extension says),
    `pages` (too many PDF pages), `size` (a .docx that would expand past the limit), `timeout` (the parse ran
    too long) or `unreadable`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def check_content(path: Path) -> None:
    """Refuse a file whose bytes do not match its extension: a PDF starts with `%PDF-`, `.txt`/`.md` are text
    the corpus reads (`corpus.decoding.decode_text`), `.html` has HTML tags and no NUL bytes, a `.docx` is a
    zip holding a Word document (`corpus.word.check_expansion`). Raises `UploadRefused("type")`, or
    `UploadRefused("size")` for a .docx that would expand past the limit."""
    suffix = path.suffix.lower()
    name = path.name
    if suffix == ".pdf":
        with open(path, "rb") as f:
            head = f.read(PDF_MAGIC_WITHIN + len(PDF_MAGIC))
        if PDF_MAGIC not in head:
            raise UploadRefused("type", f"{name}: the content is not a PDF (no %PDF- header)")
    elif suffix in (".txt", ".md"):
        try:
            decode_text(path.read_bytes())  # what the corpus reads: UTF-8, UTF-16 or -32, Windows-1252; not binary
        except ValueError as exc:
            raise UploadRefused("type", f"{name}: the content is {exc}") from None
    elif suffix == ".docx":
        try:
            check_expansion(path)
        except ExpandsTooFar as exc:
            raise UploadRefused("size", str(exc)) from None
        except UnreadableDocument as exc:
            raise UploadRefused("type", str(exc)) from None
    elif suffix in (".html", ".htm"):
        with open(path, "rb") as f:
            head = f.read(_SNIFF_BYTES)
        if b"\0" in head or not _HTML_TAG.search(head):
            raise UploadRefused("type", f"{name}: the content is not HTML (no HTML tags found)")


def _pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def _parse(path: Path, doc_id: str, max_pdf_pages: int, out: Connection) -> None:
    """The child's work: count a PDF's pages, then parse; sends ("ok", Document) or (kind, message)."""
    try:
        if path.suffix.lower() == ".pdf":
            pages = _pdf_pages(path)
            if pages > max_pdf_pages:
                out.send(("pages", f"{path.name}: the PDF has {pages} pages; the limit is {max_pdf_pages}"))
                return
        out.send(("ok", load_document(path, doc_id)))
    except UnreadableDocument as exc:
        out.send(("unreadable", str(exc)))
    except Exception as exc:  # pypdf raises many types on damaged files; all mean the same to the client
        out.send(("unreadable", f"{path.name}: {type(exc).__name__}: {exc}"))


def _unreadable_message(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        return f"{path.name}: no text could be read from this PDF (damaged, encrypted, or scanned pages without text)"
    return f"{path.name}: no text could be read from this file"


def parse_isolated(path: Path, doc_id: str, max_pdf_pages: int, timeout_s: float) -> Document:
    """Parse `path` into a `Document` in a child process, which is killed after `timeout_s` seconds (start-up
    included). Raises `UploadRefused` ("pages", "timeout" or "unreadable"); the details go to the log."""
    ctx = multiprocessing.get_context("spawn")  # a clean interpreter: forking a threaded server is unsafe
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_parse, args=(path, doc_id, max_pdf_pages, send), name="qa-parse", daemon=True)
    child.start()
    send.close()  # ours; the child holds its own copy, so a dead child reads as end-of-file
    try:
        if not receive.poll(timeout_s):
            log.warning("parsing %s took longer than %.1f s: stopped", path.name, timeout_s)
            raise UploadRefused("timeout", f"{path.name}: reading the file took longer than the limit of "
                                           f"{timeout_s:g} s; it was stopped")
        try:
            kind, value = receive.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            log.warning("the parser of %s exited with code %s", path.name, child.exitcode)
            raise UploadRefused("unreadable", _unreadable_message(path)) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
        receive.close()
    if kind == "ok":
        assert isinstance(value, Document)
        return value
    if kind == "pages":
        raise UploadRefused("pages", value)
    log.warning("could not parse %s: %s", path.name, value)
    raise UploadRefused("unreadable", _unreadable_message(path))
