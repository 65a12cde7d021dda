"""HTTP load on loopback: throughput and latency of /v1/ask and /v1/search at concurrency 1, 4 and 16.

Starts its own `qa serve` on a free 127.0.0.1 port over the built-in corpus (the index is built in a temporary
folder unless --index-dir names one), runs every cell for a bounded time with async httpx clients, prints one
table row per cell and exits 1 if any request failed. Traffic never leaves 127.0.0.1.

    .venv/bin/python bench/http_load.py [--seconds 20] [--concurrency 1 4 16] [--index-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"
QUESTIONS = [
    "Which routes were used for BPD?",
    "Have breast milk stem cells been tried in infants with NEC?",
    "Which stem cells were used for hypoxic-ischemic encephalopathy?",
    "What is the secretome of mesenchymal stem cells?",
    "How do stem cells in breast milk reach the infant?",
    "Which trial used intraventricular mesenchymal stem cells?",
    "Who won the 1998 football world cup?",
    "What markers do breast milk stem cells express?",
]
SEARCHES = ["intratracheal", "routes of stem cell delivery", "necrotizing enterocolitis breast milk",
            "intraventricular hemorrhage", "secretome exosomes", "nestin positive cells", "Chang et al.",
            "hypoxic ischemic encephalopathy animal model"]
MAX_REQUESTS_PER_CELL = 200_000  # a second bound besides time


@dataclass
class Cell:
    endpoint: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# A load test comes from one client address: the per-client rate limit would measure itself, not the server.
NO_RATE_LIMIT = "1000000/minute"


def start_server(index_dir: Path, upload_dir: Path, port: int, log: Path,
                 limits: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """`qa serve` in its own process (its own cores and GIL), read-only, over an empty upload folder; `limits`
    are QA_* variables for the server (by default: no rate limit, the default bound on questions in flight)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "QA_UPLOAD_DIR": str(upload_dir),
           **({"QA_RATE_LIMIT": NO_RATE_LIMIT} if limits is None else limits)}
    env.pop("QA_API_KEY", None)
    cmd = [sys.executable, "-m", "qa.cli", "serve", "--host", HOST, "--port", str(port),
           "--index-dir", str(index_dir)]
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server, killing it if it has not stopped within 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


async def wait_ready(client: httpx.AsyncClient, proc: subprocess.Popen[bytes], timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            r = await client.get("/readyz")
            if r.status_code == 200:
                return dict(r.json())
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.25)
    raise RuntimeError(f"the server was not ready after {timeout:.0f} s")


def percentile(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def run_cell(base: str, endpoint: str, concurrency: int, seconds: float, fresh: bool = False) -> Cell:
    """`concurrency` workers sending requests back to back until `seconds` have passed; with `fresh`, every
    query text is new, so that the server's query-embedding cache never answers."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60, trust_env=False) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker(i: int) -> None:
            nonlocal errors
            n = i
            while time.perf_counter() < deadline and len(latencies) + errors < MAX_REQUESTS_PER_CELL:
                tag = f" {concurrency}x{n}" if fresh else ""
                t0 = time.perf_counter()
                try:
                    if endpoint == "ask":
                        r = await client.post("/v1/ask", json={"question": QUESTIONS[n % len(QUESTIONS)] + tag})
                    else:
                        r = await client.get("/v1/search", params={"q": SEARCHES[n % len(SEARCHES)] + tag, "k": 5})
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append((time.perf_counter() - t0) * 1000)
                else:
                    errors += 1
                n += concurrency

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Cell(endpoint, concurrency, len(latencies), errors, elapsed, percentile(latencies, 50),
                percentile(latencies, 95))


def print_table(cells: list[Cell]) -> None:
    print(f"{'endpoint':<10}{'conc':>5}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for c in cells:
        print(f"{'/v1/' + c.endpoint:<10}{c.concurrency:>5}{c.requests:>10}{c.errors:>8}{c.throughput:>9.1f}"
              f"{c.p50_ms:>9.1f}{c.p95_ms:>9.1f}")


async def bench(args: argparse.Namespace, workdir: Path) -> int:
    index_dir = Path(args.index_dir) if args.index_dir else workdir / "index"
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = workdir / "server.log"
    # Every cell must be answered, not refused: no rate limit, and room for every worker's question.
    limits = {"QA_RATE_LIMIT": NO_RATE_LIMIT, "QA_MAX_IN_FLIGHT": str(max(args.concurrency))}
    proc = start_server(index_dir, workdir / "uploads", port, log, limits)
    cells: list[Cell] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10, trust_env=False) as client:
            t0 = time.perf_counter()
            ready = await wait_ready(client, proc, args.ready_timeout)
            print(f"server ready in {time.perf_counter() - t0:.1f} s: {ready['documents']} documents, "
                  f"{ready['chunks']} chunks (index {index_dir})")
            for q in QUESTIONS:  # warm-up: first-call costs are not what this measures
                await client.post("/v1/ask", json={"question": q}, timeout=60)
        cache = "every query new (no query-embedding cache hits)" if args.fresh else "8 rotating queries"
        print(f"{args.seconds:g} s per cell; {cache}; {os.cpu_count()} CPUs shared by server and client\n")
        for endpoint in ("ask", "search"):
            for concurrency in args.concurrency:
                cells.append(await run_cell(base, endpoint, concurrency, args.seconds, args.fresh))
        print_table(cells)
    except RuntimeError as exc:
        print(f"http_load: {exc}; server log:\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        return 2
    finally:
        stop_server(proc)
    failed = sum(c.errors for c in cells)
    if failed:
        print(f"\n{failed} requests failed; end of the server log:\n{log.read_text(errors='replace')[-3000:]}",
              file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each cell (default 20)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16], help="default: 1 4 16")
    parser.add_argument("--fresh", action="store_true",
                        help="make every query unique, so that the server's query-embedding cache never hits")
    parser.add_argument("--index-dir", help="an index folder to serve (built there if missing or stale)")
    parser.add_argument("--ready-timeout", type=float, default=600.0, help="seconds to wait for start-up")
    args = parser.parse_args()
    if args.seconds <= 0 or args.seconds > 600 or any(not 1 <= c <= 256 for c in args.concurrency):
        parser.error("--seconds must be in (0, 600] and each concurrency in 1..256")
    with tempfile.TemporaryDirectory(prefix="neoqa-http-load-") as tmp:
        return asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
