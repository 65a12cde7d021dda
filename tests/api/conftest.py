"""Fixtures of the API tests: the real app (real model, real index built once per session) behind TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from index.embedder import Embedder
from qa.settings import Settings
from tests.api.live import make_settings, wait_ready


@pytest.fixture(scope="session")
def api_settings(tmp_path_factory: pytest.TempPathFactory, index_dir: Path) -> Settings:
    """Uploads allowed with the test key; the served index is a private copy of the session's built index."""
    return make_settings(tmp_path_factory.mktemp("api"), index_dir)


@pytest.fixture(scope="session")
def client(api_settings: Settings, embedder: Embedder) -> Iterator[TestClient]:
    """The app with its lifespan running, ready. Tests through it must not change the index (see test_upload)."""
    with TestClient(create_app(api_settings, embedder)) as c:
        wait_ready(c)
        yield c


@pytest.fixture(scope="session")
def builtin_doc_ids(client: TestClient) -> set[str]:
    return {d["doc_id"] for d in client.get("/v1/documents").json()["documents"]}
