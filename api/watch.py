"""Keep the served index in step with its corpus folder: a file added, changed or removed there while the server
runs is indexed and swapped in, as an upload is, without a restart.

File events come from watchfiles (inotify on Linux, FSEvents on macOS, polling where neither works), grouped
until the folder has been quiet for `QUIET_MS`, so a file being copied is read once it is complete (a copy that
pauses longer is read twice: the second time whole). Each group
then costs one staleness check (`qa.loading.ensure_index`: the files' names, sizes and times, no content read)
and, when something did change, an incremental build (only new or changed files are parsed, only texts never
embedded go to the model) under the service's write lock, so uploads and removals wait for it and questions
keep being answered from the previous index until the new one is swapped in. A failed refresh is logged and
the previous index stays served; the next change tries again. A change during start-up is looked at once the
first load ends, and a server whose first load failed on its corpus (an empty folder) gets ready when a
readable file arrives.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from api.service import Service

log = logging.getLogger(__name__)

# A batch of changes is looked at once the folder has had no new event for QUIET_MS (a copy in progress keeps
# writing, and is read when it stops), or after MAX_BATCH_MS of events that never pause.
QUIET_MS = 1000
MAX_BATCH_MS = 30_000


class CorpusFilter(DefaultFilter):
    """watchfiles' default filter (editor swap files, `.git`, caches), and nothing hidden inside the corpus folder,
    which the corpus skips too ("._paper.pdf", ".incoming/")."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __call__(self, change: Change, path: str) -> bool:
        try:
            parts = Path(path).relative_to(self.folder).parts
        except ValueError:
            return False
        return not any(p.startswith(".") for p in parts) and super().__call__(change, path)


class CorpusWatcher:
    """A daemon thread that refreshes `service`'s index when its corpus folder changes."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.folder = service.settings.corpus_dir.resolve()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.refreshes = 0  # indexes swapped in after a change

    def start(self) -> None:
        if self._thread is None and self.folder.is_dir():
            self._thread = threading.Thread(target=self._run, name="qa-watch", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            for _ in watch(self.folder, watch_filter=CorpusFilter(self.folder), step=QUIET_MS,
                           debounce=MAX_BATCH_MS, stop_event=self._stop, raise_interrupt=False):
                self.refresh()  # during the first load, it waits for the lock and sees what the load missed
        except Exception:  # the folder went away, or the platform refused a watch: serving goes on
            log.exception("stopped watching %s; restart the server (or run `qa index`) after changes", self.folder)

    def refresh(self) -> bool:
        """Index what changed and serve it; False when nothing had changed or the refresh failed."""
        service = self.service
        with service.write_lock:
            if service.embedder is None:  # the model failed to load: /readyz says so, and nothing can be indexed
                return False
            try:
                reason = service.refresh()
            except Exception:
                log.exception("indexing the changes in %s failed; the previous index is still served", self.folder)
                return False
            snap = service.snapshot
        if reason is None or snap is None:
            return False
        self.refreshes += 1
        log.info("corpus changed (%s): now %d documents, %d chunks (index %s)", reason, snap.documents,
                 snap.chunks, snap.version)
        return True
