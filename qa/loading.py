"""Open the index named by the settings, building or rebuilding it when asked."""

from __future__ import annotations

import logging
import sys
import time

from corpus.errors import CorpusNotFound
from index.build import build_index
from index.distributed import DistributedConfig
from index.embedder import Embedder
from index.search import SearchIndex
from index.store import is_stale, load_index
from qa.settings import Settings

log = logging.getLogger(__name__)


def ensure_index(settings: Settings, embedder: Embedder, rebuild: bool = False, progress: bool = False,
                 distributed: DistributedConfig | None = None) -> str | None:
    """Build the index when missing, stale or `rebuild` is set; returns why it was built, or None.

    With `distributed`, parsing and embedding run on Ray (`qa index --workers N` / `--ray-address ADDR`).
    """
    reason = "rebuild requested" if rebuild else is_stale(
        settings.index_dir, settings.corpus_dir, settings.model, settings.chunking, [settings.upload_dir]
    )
    if reason is None:
        return None
    if progress:
        print(f"building index in {settings.index_dir} ({reason})", file=sys.stderr)
    started = time.perf_counter()
    report = build_index(settings.corpus_dir, settings.index_dir, embedder, settings.build_options(progress),
                         [settings.upload_dir], reuse=not rebuild, distributed=distributed)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if progress:
        m = report.manifest
        print(f"indexed {m.documents} documents ({report.parsed} parsed, {report.copied} unchanged), {m.chunks} "
              f"chunks, {m.embedded_texts} texts embedded, in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return reason


def open_index(settings: Settings, build_if_needed: bool = False) -> SearchIndex:
    """Load the model and the index once; raises `IndexNotFound`/`IndexIncompatible` with the fix in the message."""
    embedder = settings.load_embedder()
    if build_if_needed:
        ensure_index(settings, embedder, progress=True)
    index = load_index(settings.index_dir, embedder, settings.document_cache)
    if not build_if_needed:
        try:
            stale = is_stale(settings.index_dir, settings.corpus_dir, settings.model, settings.chunking,
                             [settings.upload_dir])
        except CorpusNotFound:  # the index holds what it needs to answer: the sources are only for refreshing
            stale = f"its corpus folder {settings.corpus_dir} is gone"
        if stale is not None:  # still usable, but answers miss what changed: say so rather than hide it
            print(f"warning: the index is out of date ({stale}); run `qa index` to refresh it", file=sys.stderr)
    return index
