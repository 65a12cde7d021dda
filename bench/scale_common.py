"""Helpers shared by the scale benchmark's steps: memory of a process, file sizes, percentiles, JSON files."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from _common import percentile

GIB = 1024**3
MIB = 1024**2


def rss(pid: int | str = "self") -> dict[str, float]:
    """Resident memory of a process in MiB: total, anonymous (heap) and file-backed (memory maps) and its peak."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def file_sizes(folder: Path) -> dict[str, int]:
    """Bytes per file (files in subfolders are summed under their first-level folder)."""
    sizes: dict[str, int] = {}
    for p in folder.rglob("*"):
        if p.is_file():
            top = p.relative_to(folder).parts[0]
            sizes[top] = sizes.get(top, 0) + p.stat().st_size
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def stats_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"p50": round(percentile(ms, 0.5), 1), "p95": round(percentile(ms, 0.95), 1),
            "max": round(max(ms), 1) if ms else float("nan"), "n": len(ms)}


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=2), encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_average() -> str:
    """`uptime`'s load averages: the machine is shared, and the numbers below depend on it."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def human_bytes(n: float) -> str:
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{int(n)} B"
