"""`qa` commands in processes forked from one that has already imported the heavy libraries.

The SIGKILL loops kill a real `qa index` or `qa serve` twenty times; started with `python -m qa.cli`, each
would spend about ten seconds importing torch, transformers and sentence-transformers before doing anything.
The standard library's forkserver imports them once (`set_forkserver_preload`) and forks every command from
there: each command is still a process of its own that loads the model, runs `qa.cli.main` and dies by a real
SIGKILL. The forkserver only imports (no model runs in it), so no thread pool is forked half-way.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from multiprocessing.process import BaseProcess
from pathlib import Path

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["sentence_transformers", "qa.cli", "api.main"])


def _run(argv: list[str], env: dict[str, str], out: str, err: str, stdin: str | None = None) -> None:
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644), fd)
    os.dup2(os.open(stdin or os.devnull, os.O_RDONLY), 0)
    sys.stdin = open(0, buffering=1, closefd=False)  # noqa: SIM115  # what the user types (a file here)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115  # the process's own stdout, line by line
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    from qa.cli import main

    raise SystemExit(main(argv))


def _start(argv: Sequence[str], env: dict[str, str] | None, out: Path, err: Path,
           stdin: Path | None = None) -> BaseProcess:
    proc = _CONTEXT.Process(target=_run, args=(list(argv), dict(env or {}), str(out), str(err),
                                               None if stdin is None else str(stdin)))
    proc.start()
    return proc


def start_qa(argv: Sequence[str], log: Path, env: dict[str, str] | None = None) -> BaseProcess:
    """`qa <argv>` in a forked process, its stdout and stderr appended to `log`."""
    return _start(argv, env, log, log)


def run_qa(*argv: str, env: dict[str, str] | None = None, timeout: float = 600,
           stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`qa <argv>` run to its end in a forked process: exit code, stdout and stderr, as `subprocess.run` gives;
    `stdin` is what it reads (nothing by default)."""
    with tempfile.TemporaryDirectory(prefix="neoqa-cli-") as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        typed = None
        if stdin is not None:
            typed = Path(tmp) / "stdin"
            typed.write_text(stdin, encoding="utf-8")
        proc = _start(argv, env, out, err, typed)
        proc.join(timeout)
        if proc.exitcode is None:
            proc.kill()
            proc.join()
            raise subprocess.TimeoutExpired(["qa", *argv], timeout)
        read = lambda path: path.read_text(errors="replace") if path.exists() else ""  # noqa: E731
        return subprocess.CompletedProcess(["qa", *argv], proc.exitcode, read(out), read(err))


def wait_for_line(proc: BaseProcess, log: Path, prefix: str, timeout: float = 300) -> None:
    """Until a line of `log` starts with `prefix`; fails if the process ends first or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        if log.exists() and any(line.startswith(prefix) for line in log.read_text(errors="replace").splitlines()):
            return
        assert proc.is_alive(), f"qa ended (code {proc.exitcode}) before {prefix!r}:\n{log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, f"no {prefix!r} within {timeout} s"
        time.sleep(0.02)
