"""`qa serve` as a user runs it: a real process on a free loopback port, answering /healthz at once and
/readyz once the model and index are loaded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.api.live import free_port


def test_serve_help() -> None:
    out = subprocess.run([sys.executable, "-m", "qa.cli", "serve", "--help"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0
    for flag in ("--host", "--port", "--index-dir"):
        assert flag in out.stdout


def test_serve_starts_and_answers(tmp_path: Path, index_dir: Path) -> None:
    shutil.copytree(index_dir, tmp_path / "index")  # `qa serve` rebuilds a stale index: never the shared one
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_UPLOAD_DIR": str(tmp_path / "uploads")}
    env.pop("QA_API_KEY", None)
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--index-dir", str(tmp_path / "index")], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None and health.status_code == 200, "the server did not start"
        while time.monotonic() < deadline and httpx.get(f"{base}/readyz").status_code != 200:
            time.sleep(0.2)
        ready = httpx.get(f"{base}/readyz").json()
        assert ready["documents"] == 2 and ready["read_only"] is True
        r = httpx.post(f"{base}/v1/ask", json={"question": "Which routes were used for BPD?"}, timeout=30)
        assert r.status_code == 200 and r.json()["answered"]
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "Traceback" not in output, output
    assert f"serving on http://127.0.0.1:{port}/" in output and "ready: 2 documents" in output
