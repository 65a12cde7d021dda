"""Fixtures of the browser tests: a real uvicorn server over a private index copy, and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from index.embedder import Embedder
from tests.api.live import live_server, make_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, embedder: Embedder) -> Iterator[str]:
    settings = make_settings(tmp_path_factory.mktemp("browser"), index_dir)
    with live_server(settings, embedder) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `make browser-deps` "
                    "(apt-get install chromium); the browser tests never download a browser")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
