"""`qa serve` as a user runs it: a real process on a free loopback port, answering /healthz at once and
/readyz once the model and index are loaded."""

from __future__ import annotations

import os
import re
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


def test_short_api_key_stops_serve_with_one_line(tmp_path: Path) -> None:
    key = "fifteen-chars!!"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_API_KEY": key}
    out = subprocess.run([sys.executable, "-m", "qa.cli", "serve", "--port", str(free_port())], env=env,
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "qa: error: invalid configuration: QA_API_KEY: must be at least 16 characters long "
        "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(24))'`)"]
    assert key not in out.stderr  # a secret, even a bad one, is never printed


@pytest.mark.parametrize(("field", "value", "says"), [
    ("api_key", "k" * (MIN_API_KEY_CHARS - 1), f"at least {MIN_API_KEY_CHARS} characters"),
    ("api_key", "changeme", "real secret"),
    ("rate_limit", "lots", "like '120/minute'"),
    ("rate_limit", "", "like '120/minute'"),
])
def test_settings_refuse_weak_keys_and_bad_limits(field: str, value: str, says: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(says)):
        Settings(_env_file=None, **{field: value})  # type: ignore[call-arg]


def test_valid_key_and_limits_are_accepted() -> None:
    s = Settings(_env_file=None, api_key="k" * MIN_API_KEY_CHARS, rate_limit="10/second;1000/hour")  # type: ignore[call-arg]
    assert s.api_key and s.rate_limit == "10/second;1000/hour"


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.0.0.53", True), ("::1", True),
                                                ("localhost", True), ("0.0.0.0", False), ("::", False),
                                                ("192.0.2.10", False), ("qa.example", False)])
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(("env", "capped"), [({}, True), ({"MALLOC_ARENA_MAX": "4"}, False)])
def test_the_server_caps_malloc_arenas_unless_told_otherwise(env: dict[str, str], capped: bool) -> None:
    # In a fresh process, as `qa serve` starts: glibc accepts the cap (mallopt returns 1); an operator's
    # MALLOC_ARENA_MAX is left alone.
    base = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run([sys.executable, "-c", "from api.cli import cap_malloc_arenas; print(cap_malloc_arenas())"],
                         capture_output=True, text=True, check=True, timeout=60, env={**base, **env})
    assert out.stdout.strip() == str(capped)
