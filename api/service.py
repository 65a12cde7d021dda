"""The served state: the model and index loaded once in the background, and the atomic swap of a new index.

Requests take the current `Snapshot` once and use only it, so a request in flight during an upload finishes on
the index it started with, and every later request sees the new one. Loading and ingesting hold the single
write lock; readers never wait for it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from api.staging import clean_staging
from api.throttle import InFlight
from index.build import build_index
from index.embedder import Embedder
from index.search import SearchIndex
from index.store import load_index
from qa.engine import AnswerEngine
from qa.loading import ensure_index
from qa.settings import Settings
from qa.stance import StanceModel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """One consistent version of what is served: an index and the engine over it."""

    index: SearchIndex
    engine: AnswerEngine
    version: str

    @property
    def documents(self) -> int:
        return self.index.manifest.documents

    @property
    def chunks(self) -> int:
        return self.index.manifest.chunks


class Service:
    """Owns the embedder and the current snapshot; stored on `app.state.service`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.write_lock = threading.Lock()
        self.in_flight = InFlight(settings.max_in_flight)
        self.error: str | None = None
        self._snapshot: Snapshot | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def snapshot(self) -> Snapshot | None:
        """The snapshot now served, or None while loading."""
        return self._snapshot

    @property
    def read_only(self) -> bool:
        return self.settings.api_key is None

    def start(self) -> None:
        """Start loading in a background thread (once), so that health checks answer during start-up."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._load, name="qa-load", daemon=True)
            self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the first snapshot is served (True) or `timeout` passes (False)."""
        return self._ready.wait(timeout)

    def _load(self) -> None:
        with self.write_lock:
            try:
                clean_staging(self.settings.upload_dir)  # no upload is in flight before the first snapshot
                if self.embedder is None:
                    log.info("loading the model %s", self.settings.model)
                    self.embedder = self.settings.load_embedder(threads=self.settings.torch_threads)
                reason = self.refresh()
                if reason:
                    log.info("built the index in %s (%s)", self.settings.index_dir, reason)
            except Exception as exc:  # /readyz says so (the detail only in the log); the server stays up
                self.error = f"{type(exc).__name__}: {exc}"
                log.exception("loading the index failed")
                return
        snap = self._snapshot
        assert snap is not None
        log.info("ready: %d documents, %d chunks (index %s)", snap.documents, snap.chunks, snap.version)
        if snap.engine.wordnet is not None:
            # Most "Which ...?" and "How many ...?" questions read WordNet (qa.asked_for): read it now, while no
            # question waits, instead of in the first one's answer.
            snap.engine.wordnet.load()

    def refresh(self) -> str | None:
        """Build the index if it is missing or stale (`ensure_index`) and serve it when it was built or nothing
        is served yet; returns why it was built, or None. Callers hold `write_lock`; the model is loaded. The
        first load and the corpus watcher (`api/watch.py`) both go through it."""
        assert self.embedder is not None, "refreshed only once the model is loaded"
        reason = ensure_index(self.settings, self.embedder)
        if reason or self._snapshot is None:
            self.publish(self.opened())
        return reason

    def opened(self) -> SearchIndex:
        """The index folder as it is now, opened with this service's model and document cache."""
        assert self.embedder is not None, "opened only once the model is loaded"
        return load_index(self.settings.index_dir, self.embedder, self.settings.document_cache)

    def rebuilt_index(self) -> SearchIndex:
        """The index rebuilt from the corpus and upload folders as they are now, and opened; callers hold
        `write_lock` and `publish` it. Incremental: unchanged documents are carried over, only new texts are
        embedded (an upload's, or none for a removal)."""
        assert self.embedder is not None, "rebuilt only once the model is loaded"
        build_index(self.settings.corpus_dir, self.settings.index_dir, self.embedder, self.settings.build_options(),
                    [self.settings.upload_dir])
        return self.opened()

    def publish(self, index: SearchIndex) -> Snapshot:
        """Serve `index` from now on; callers hold `write_lock`. A single reference assignment: atomic."""
        snap = Snapshot(index=index,
                        engine=AnswerEngine(index, max_question_chars=self.settings.max_question_chars,
                                            stance=StanceModel.default(self.settings.cache_dir)),
                        version=index.manifest.corpus_hash[:12])
        self._snapshot = snap
        self.error = None
        self._ready.set()
        return snap
