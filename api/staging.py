"""Where uploads wait while they are checked and parsed: a sub-folder of the upload folder, which the corpus
loader does not read (it reads only files directly inside the upload folder)."""

from __future__ import annotations

import shutil
from pathlib import Path

STAGING = ".incoming"


def clean_staging(upload_dir: Path) -> None:
    """Remove what uploads staged and never finished (the server was stopped midway); at start-up only."""
    shutil.rmtree(upload_dir / STAGING, ignore_errors=True)
