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
import pytest
from pydantic import ValidationError

from api.cli import is_loopback
from qa.settings import MIN_API_KEY_CHARS, Settings
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


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("QA_API_KEY", "fifteen-chars!!", "at least 16 characters"),
    ("QA_API_KEY", "changeme", "real secret"),
    ("QA_RATE_LIMIT", "lots", "120/minute"),
])
def test_bad_settings_stop_serve_with_one_line(tmp_path: Path, variable: str, value: str, says: str) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", variable: value}
    out = subprocess.run([sys.executable, "-m", "qa.cli", "serve", "--port", str(free_port())], env=env,
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"qa: error: invalid configuration: {variable}: "), out.stderr
    assert says in lines[0]
    if variable == "QA_API_KEY":
        assert value not in lines[0]  # a secret, even a bad one, is never printed


def test_api_key_length_is_checked_by_the_settings() -> None:
    assert Settings(_env_file=None, api_key="k" * MIN_API_KEY_CHARS).api_key  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match=f"at least {MIN_API_KEY_CHARS} characters"):
        Settings(_env_file=None, api_key="k" * (MIN_API_KEY_CHARS - 1))  # type: ignore[call-arg]


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.0.0.53", True), ("::1", True),
                                                ("localhost", True), ("0.0.0.0", False), ("::", False),
                                                ("192.0.2.10", False), ("qa.example", False)])
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
