"""The `qa` command line: build the index, search it, ask questions, serve the API, run the eval."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from corpus.errors import CorpusError
from index.errors import SearchIndexError
from qa.errors import QAError
from qa.settings import Settings

if TYPE_CHECKING:
    from index.distributed import DistributedConfig

_COMMAND_MODULES = ("qa.cli_ask", "api.cli", "eval.cli")

Handler = Callable[[argparse.Namespace], int]
DOCUMENT_PAGE = 1000  # rows `qa documents` reads from the store at a time


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "corpus", None):
        overrides["corpus_dir"] = Path(args.corpus)
    if getattr(args, "index_dir", None):
        overrides["index_dir"] = Path(args.index_dir)
    return Settings(**overrides)  # validated with the overrides: the index named decides the default corpus


def _distributed(args: argparse.Namespace) -> DistributedConfig | None:
    """The Ray settings of `qa index --workers N` / `--ray-address ADDR`; None for the single-process build."""
    if args.workers is None and args.ray_address is None:
        return None
    from index.distributed import DistributedConfig, preflight

    config = DistributedConfig(workers=args.workers, address=args.ray_address)
    preflight(config)  # a missing extra or a dead address is said now, not after the model has loaded
    return config


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value!r}")
    return int(value)


def cmd_index(args: argparse.Namespace) -> int:
    from qa.loading import ensure_index

    settings = _settings(args)
    settings.require_corpus()  # fail on a missing folder before loading the model
    distributed = _distributed(args)
    started = time.perf_counter()
    reason = ensure_index(settings, settings.load_embedder(), rebuild=args.rebuild, progress=True,
                          distributed=distributed)
    from index.store import read_manifest

    manifest = read_manifest(settings.index_dir)
    state = "built" if reason else "up to date"
    print(f"index {state}: {manifest.documents} documents, {manifest.chunks} chunks, "
          f"{time.perf_counter() - started:.1f} s, in {settings.index_dir}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from qa.engine import validate_question
    from qa.loading import open_index
    from qa.passages import passages_for_hits

    settings = _settings(args)
    query = validate_question(args.query, settings.max_question_chars, noun="query")
    if not 1 <= args.k <= 100:
        raise QAError("-k must be between 1 and 100")
    index = open_index(settings, build_if_needed=False)
    scope = index.scope(args.doc, args.since, args.until)
    passages = passages_for_hits(index, index.search(query, args.k, args.mode, scope=scope))
    if args.json:
        print(json.dumps([p.model_dump() for p in passages], ensure_ascii=False, indent=2))
        return 0
    if not passages:
        print("no passage matches this query")
    for n, p in enumerate(passages, 1):
        print(f"{n}. {p.title} › {p.section}  [{p.doc_id}, {p.kind}, {p.start}–{p.end}, score {p.score:.4f}"
              f"{'' if p.dense_rank is None else f', dense #{p.dense_rank}'}"
              f"{'' if p.bm25_rank is None else f', bm25 #{p.bm25_rank}'}]")
        print("   " + p.text.replace("\n", "\n   "))
        for ref in p.references:
            print(f"   ↳ {ref}")
        for d in p.library_documents:
            print(f"   in this library: {d.doc_id} ({d.title})")
        print()
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    from qa.loading import open_index

    index = open_index(_settings(args), build_if_needed=False)
    rows = [row for start in range(0, len(index.documents), DOCUMENT_PAGE)
            for row in index.documents.page(start, DOCUMENT_PAGE)]  # summaries, no text: small beside the passages
    for why in index.manifest.skipped:  # files of the folders that are not in the index, and why
        print(f"not indexed: {why}", file=sys.stderr)
    if args.json:
        print(json.dumps([{"doc_id": r[0], "title": r[1], "year": r[4]} for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r[0]}\t{r[4] or ''}\t{r[1]}")
    return 0


def add_year_arguments(p: argparse.ArgumentParser) -> None:
    """`--since YEAR` / `--until YEAR`: only documents of those years (a document without a year is left out)."""
    p.add_argument("--since", type=int, metavar="YEAR", help="only documents of this year or later")
    p.add_argument("--until", type=int, metavar="YEAR", help="only documents of this year or earlier")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Grounded answers with exact citations from clinical review papers, offline.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build (or refresh) the index of a corpus folder")
    p.add_argument("--corpus", help="folder of .txt/.md/.html/.pdf/.docx files, subfolders included (default: "
                                    "the index's own, else the built-in corpus, or QA_CORPUS_DIR)")
    p.add_argument("--index-dir", help="where to write the index (default: .index or QA_INDEX_DIR)")
    p.add_argument("--rebuild", action="store_true",
                   help="rebuild from nothing: parse every file and embed every text again")
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="parse and embed on a local Ray instance with N workers (needs the `distributed` extra)")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="parse and embed on the running Ray cluster at ADDR (host:port); --workers then caps "
                        "the embedding workers (default: one per CPU of the cluster)")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("search", help="ranked passages for a query, with offsets and cited references")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--doc", action="append", metavar="DOC_ID",
                   help="search this document only (repeat for several; `qa documents` lists the ids)")
    add_year_arguments(p)
    p.add_argument("--index-dir")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("documents", help="the indexed documents: id, year and title, one per line")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--index-dir")
    p.set_defaults(handler=cmd_documents)

    # Sub-commands of later layers (ask, serve, eval) register themselves; imported here, at the entry point,
    # so that the library layers keep importing one way (api -> qa -> index -> corpus).
    for module in _COMMAND_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.handler(args))
    except ValidationError as exc:
        print(f"qa: error: invalid configuration: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    except (CorpusError, SearchIndexError, QAError) as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`qa ask ... | head -3`): stop quietly, as other shell tools do. The rest of the
        # output goes nowhere, or Python would report the same broken pipe again when it flushes at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
