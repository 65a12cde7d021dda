"""Questions over HTTP: the API app served by uvicorn in its own process against an existing index.

The server gets `QA_INDEX_DIR`, `QA_CORPUS_DIR`, an empty upload folder and the rate limit raised (one client asks
everything), so it serves the index as built
(the caller checks it is not stale first: a stale index would be rebuilt with the real model, which takes
hours at scale). Time to ready is measured from process start to the first 200 of `/readyz`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from scale_common import rss, stats_ms

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """`uvicorn --factory api.main:create_app` on a free loopback port; a context manager."""

    def __init__(self, index_dir: Path, corpus_dir: Path, upload_dir: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
               "QA_INDEX_DIR": str(index_dir), "QA_CORPUS_DIR": str(corpus_dir), "QA_UPLOAD_DIR": str(upload_dir),
               "QA_RATE_LIMIT": "1000000/minute"}  # one client asks everything: it measures answers, not 429s
        env.pop("QA_API_KEY", None)
        self.log = log.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", HOST, "--port",
             str(self.port), "--log-level", "warning"], stdout=self.log, stderr=subprocess.STDOUT, env=env,
            cwd=Path(__file__).resolve().parents[1])
        self.client = httpx.Client(base_url=self.base, timeout=120, trust_env=False)

    def wait_ready(self, timeout: float = 900) -> float:
        """Seconds from process start until `/readyz` answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with code {self.proc.returncode} (log: {self.log.name})")
            try:
                if self.client.get("/readyz").status_code == 200:
                    return time.perf_counter() - self.started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server was not ready after {timeout:.0f} s (log: {self.log.name})")

    def ask(self, item: dict[str, Any]) -> float:
        t = time.perf_counter()
        r = self.client.post("/v1/ask", json={"question": item["question"], "history": item.get("history", [])})
        elapsed = time.perf_counter() - t
        if r.status_code != 200:
            raise RuntimeError(f"/v1/ask answered {r.status_code}: {r.text[:300]}")
        return elapsed

    def rss(self) -> dict[str, float]:
        return rss(self.proc.pid)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def http_questions(index_dir: Path, corpus_dir: Path, upload_dir: Path, items: list[dict[str, Any]],
                   log: Path) -> dict[str, Any]:
    """Time to ready, `/v1/ask` latencies (each question once, in order) and the server's RSS."""
    with Server(index_dir, corpus_dir, upload_dir, log) as server:
        ready = server.wait_ready()
        rss_ready = server.rss()
        latencies = [server.ask(item) for item in items]
        return {"ready_s": round(ready, 2), "ask_ms": stats_ms(latencies), "rss_ready_mib": rss_ready,
                "rss_after_mib": server.rss()}
