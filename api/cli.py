"""`qa serve`: run the HTTP API and the chat widget with uvicorn."""

from __future__ import annotations

import argparse
import ctypes
import ipaddress
import logging
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qa.settings import Settings

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 2


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: assume it can be reached from elsewhere
        return False


def cap_malloc_arenas(count: int = MALLOC_ARENAS) -> bool:
    """Limit glibc to `count` malloc arenas in this process, unless MALLOC_ARENA_MAX already says how many.

    glibc gives threads that allocate at once arenas of their own (up to 8 per core), and each keeps what it
    freed. A server answering 16 questions at once, each on two threads (BM25 beside the dense search), grew
    by 28 MiB over a 60 s soak with the default and by 17 MiB with two arenas (`bench/soak.py`), at the same
    throughput. Returns whether the cap was set (False off glibc, where there is nothing to cap).
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        return bool(ctypes.CDLL(None).mallopt(M_ARENA_MAX, count))
    except (OSError, AttributeError):
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the server; the model and index load in the background (watch `/readyz`)."""
    cap_malloc_arenas()  # before the server's threads start allocating
    import uvicorn

    from api.main import create_app

    overrides: dict[str, Any] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    if args.index_dir:
        overrides["index_dir"] = Path(args.index_dir)
    if args.corpus:
        overrides["corpus_dir"] = Path(args.corpus)
    if args.torch_threads is not None:
        overrides["torch_threads"] = args.torch_threads
    if args.no_watch:
        overrides["watch_corpus"] = False
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:  # one line naming the variable, never a pydantic dump
        err = exc.errors()[0]
        name = "QA_" + "_".join(str(part) for part in err["loc"]).upper()
        print(f"qa: error: invalid configuration: {name}: {err['msg'].removeprefix('Value error, ')}",
              file=sys.stderr)
        return 2
    logging.getLogger("api").setLevel(logging.INFO)  # start-up progress ("ready: ...") on the console
    settings.require_corpus()  # fail now, rather than run a server that never gets ready
    if not is_loopback(settings.host):
        # Uploads are enabled exactly when QA_API_KEY is set (Settings refuses short keys), so a server
        # reachable from the network never takes uploads without the key.
        log.warning("serving on %s: the API is reachable from other machines (%s)", settings.host,
                    "read-only: no QA_API_KEY" if settings.api_key is None else "uploads need X-API-Key")
    print(f"serving on http://{settings.host}:{settings.port}/ (widget: /widget.js, API: /v1, "
          f"{'read-only' if settings.api_key is None else 'uploads allowed with X-API-Key'})", flush=True)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                timeout_graceful_shutdown=5)
    return 0


def register(sub: Any) -> None:
    """Add the `serve` sub-command to the `qa` parser."""
    p = sub.add_parser(
        "serve", help="serve the HTTP API (/v1) and the chat widget (/widget.js, demo page /)",
        description="Serve the HTTP API and the chat widget. Settings come from QA_* environment variables "
                    "(QA_API_KEY enables uploads, QA_CORS_ORIGINS lets other sites embed the widget); "
                    "the flags override them.")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1 or QA_HOST)")
    p.add_argument("--port", type=int, help="port (default 8000 or QA_PORT)")
    p.add_argument("--index-dir",
                   help="index folder (default .index or QA_INDEX_DIR); built if missing or stale")
    p.add_argument("--corpus", help="corpus folder (default: built-in corpus or QA_CORPUS_DIR)")
    p.add_argument("--torch-threads", type=int, metavar="N",
                   help="threads per model call (default 1 or QA_TORCH_THREADS: requests already run in "
                        "parallel, and more threads per call oversubscribe the cores; 0 keeps torch's default)")
    p.add_argument("--no-watch", action="store_true",
                   help="do not index changes to the corpus folder while serving (default: they are indexed "
                        "and swapped in; QA_WATCH_CORPUS=false)")
    p.set_defaults(handler=cmd_serve)
