"""Soak on loopback: mixed /v1/ask, /v1/ask/stream, /v1/search and document reads at concurrency 16 for 60 s.

Starts its own `qa serve` on a free 127.0.0.1 port over the built-in corpus (index built in a temporary folder
unless --index-dir names one), with the default bound on questions in flight and, unless --default-limits,
the per-client rate limit raised (all requests come from one address). Prints, per kind of request: count,
errors, 429s (shown apart: deliberate), 503s, p50/p95 latency; the server's RSS after warm-up, every 10 s and
at the end, and its growth (target <= 10 %). Exits 1 on any error other than a 429. Traffic never leaves
127.0.0.1; the run is bounded in time and in requests.

    .venv/bin/python bench/soak.py [--seconds 60] [--concurrency 16] [--fresh] [--default-limits] [--index-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
from http_load import (
    HOST,
    NO_RATE_LIMIT,
    QUESTIONS,
    SEARCHES,
    free_port,
    percentile,
    start_server,
    stop_server,
    wait_ready,
)

KINDS = ("ask", "stream", "search", "documents")
FOLLOW_UPS = ["And for IVH?", "Which of them used animal models?", "What about NEC?"]
MAX_REQUESTS = 1_000_000  # a second bound besides time
RSS_EVERY_S = 10.0


def rss_mib(pid: int) -> float:
    """Resident set size of process `pid`, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Soak:
    """Workers sending one kind of request after another, back to back, until the deadline."""

    def __init__(self, client: httpx.AsyncClient, doc_ids: list[str], fresh: bool) -> None:
        self.client = client
        self.doc_ids = doc_ids
        self.fresh = fresh
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter[str]] = defaultdict(Counter)
        self.sent = 0
        self.samples: dict[str, str] = {}  # the first body of each kind of failure, to say what it was

    def _question(self, n: int) -> str:
        return QUESTIONS[n % len(QUESTIONS)] + (f" (soak {n})" if self.fresh else "")

    def _outcome(self, r: httpx.Response, text: str | None = None) -> str:
        status = str(r.status_code)
        if status != "200":
            self.samples.setdefault(status, (text if text is not None else r.text)[:300])
        return status

    async def one(self, kind: str, n: int) -> str:
        """Send request number `n` of `kind`; returns its outcome: the status, or why it failed."""
        if kind == "ask":
            body: dict[str, object] = {"question": self._question(n)}
            if n % 3 == 0:  # a follow-up with a conversation, as the widget sends it
                body = {"question": FOLLOW_UPS[n % len(FOLLOW_UPS)],
                        "history": [{"role": "user", "content": self._question(n)},
                                    {"role": "assistant", "content": "An earlier answer [1]."}]}
            r = await self.client.post("/v1/ask", json=body)
            return self._outcome(r) if r.status_code != 200 or "answer" in r.json() else "bad body"
        if kind == "stream":
            async with self.client.stream("POST", "/v1/ask/stream", json={"question": self._question(n)}) as r:
                text = (await r.aread()).decode()
            if r.status_code != 200:
                return self._outcome(r, text)
            return "200" if "event: done" in text and "event: error" not in text else "stream without done"
        if kind == "search":
            q = SEARCHES[n % len(SEARCHES)] + (f" {n}" if self.fresh else "")
            r = await self.client.get("/v1/search", params={"q": q, "k": 5 + n % 10})
            return self._outcome(r)
        doc_id = self.doc_ids[n % len(self.doc_ids)]
        path = ["/v1/documents", f"/v1/documents/{doc_id}", f"/v1/documents/{doc_id}/references/1"][n % 3]
        r = await self.client.get(path)
        if r.status_code == 404 and path.endswith("/references/1"):  # a document without references: right
            return "200"
        return self._outcome(r)

    async def worker(self, i: int, concurrency: int, deadline: float) -> None:
        n = i
        while time.perf_counter() < deadline and self.sent < MAX_REQUESTS:
            kind = KINDS[n % len(KINDS)]
            self.sent += 1
            t0 = time.perf_counter()
            try:
                outcome = await self.one(kind, n // len(KINDS))
            except (httpx.HTTPError, json.JSONDecodeError) as exc:
                outcome = type(exc).__name__
                self.samples.setdefault(outcome, f"{kind} request {n}: {exc!r}")
            self.statuses[kind][outcome] += 1
            if outcome == "200":
                self.latencies[kind].append((time.perf_counter() - t0) * 1000)
            n += concurrency


async def sample_rss(pid: int, until: float, out: list[tuple[float, float]], started: float) -> None:
    while time.perf_counter() < until:
        await asyncio.sleep(min(RSS_EVERY_S, max(0.0, until - time.perf_counter())))
        out.append((time.perf_counter() - started, rss_mib(pid)))


def report(soak: Soak, seconds: float, rss: list[tuple[float, float]]) -> int:
    print(f"{'kind':<18}{'requests':>9}{'ok':>8}{'errors':>8}{'429':>6}{'503':>6}{'p50 ms':>9}{'p95 ms':>9}")
    failures: Counter[str] = Counter()
    for kind in KINDS:
        st = soak.statuses[kind]
        total, ok = sum(st.values()), st["200"]
        errors = {k: v for k, v in st.items() if k not in ("200", "429")}
        failures.update({f"{kind} {k}": v for k, v in errors.items()})
        lat = soak.latencies[kind]
        name = {"ask": "/v1/ask", "stream": "/v1/ask/stream", "search": "/v1/search",
                "documents": "/v1/documents/..."}[kind]
        print(f"{name:<18}{total:>9}{ok:>8}{sum(errors.values()):>8}{st['429']:>6}{st['503']:>6}"
              f"{percentile(lat, 50):>9.1f}{percentile(lat, 95):>9.1f}")
    total = sum(sum(s.values()) for s in soak.statuses.values())
    print(f"{'all':<18}{total:>9}   {total / seconds:.1f} requests/s over {seconds:.1f} s")
    start, end = rss[0][1], rss[-1][1]
    growth = (end - start) / start * 100
    trend = ", ".join(f"{t:.0f} s {m:.0f}" for t, m in rss)
    print(f"\nserver RSS (MiB): {trend}")
    print(f"server RSS: start {start:.1f} MiB, end {end:.1f} MiB, growth {growth:+.1f} % (target <= 10 %)")
    for status, body in soak.samples.items():
        print(f"first {status} body: {body}")
    if failures:
        print(f"errors other than 429: {dict(failures)}", file=sys.stderr)
    return 1 if failures else 0


async def run(args: argparse.Namespace, workdir: Path) -> int:
    index_dir = Path(args.index_dir) if args.index_dir else workdir / "index"
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = workdir / "server.log"
    limits = {} if args.default_limits else {"QA_RATE_LIMIT": NO_RATE_LIMIT}
    proc = start_server(index_dir, workdir / "uploads", port, log, limits)
    try:
        pool = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
        async with httpx.AsyncClient(base_url=base, limits=pool, timeout=60, trust_env=False) as client:
            t0 = time.perf_counter()
            ready = await wait_ready(client, proc, args.ready_timeout)
            print(f"server ready in {time.perf_counter() - t0:.1f} s: {ready['documents']} documents, "
                  f"{ready['chunks']} chunks; rate limit "
                  f"{'default (QA_RATE_LIMIT unset)' if args.default_limits else 'raised: ' + NO_RATE_LIMIT}, "
                  f"in-flight bound default")
            doc_ids = [d["doc_id"] for d in (await client.get("/v1/documents")).json()["documents"]]
            warm = Soak(client, doc_ids, fresh=False)
            for n in range(2 * len(QUESTIONS)):  # first-call costs and caches: not what a soak measures
                for kind in KINDS:
                    await warm.one(kind, n)
            soak = Soak(client, doc_ids, args.fresh)
            started = time.perf_counter()
            deadline = started + args.seconds
            rss = [(0.0, rss_mib(proc.pid))]
            print(f"soak: {args.seconds:g} s at concurrency {args.concurrency}, kinds in turn: {', '.join(KINDS)}"
                  f"{'; every question and query new' if args.fresh else ''}\n")
            await asyncio.gather(sample_rss(proc.pid, deadline, rss, started),
                                 *(soak.worker(i, args.concurrency, deadline) for i in range(args.concurrency)))
            elapsed = time.perf_counter() - started
            rss.append((elapsed, rss_mib(proc.pid)))
        status = report(soak, elapsed, rss)
        if status:
            print(f"end of the server log:\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        return status
    except RuntimeError as exc:
        print(f"soak: {exc}; server log:\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        return 2
    finally:
        stop_server(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="soak duration (default 60)")
    parser.add_argument("--concurrency", type=int, default=16, help="parallel clients (default 16)")
    parser.add_argument("--fresh", action="store_true", help="make every question and query new (caches fill)")
    parser.add_argument("--default-limits", action="store_true",
                        help="keep the server's default rate limit: 429s then show in their own column")
    parser.add_argument("--index-dir", help="an index folder to serve (built there if missing or stale)")
    parser.add_argument("--ready-timeout", type=float, default=600.0, help="seconds to wait for start-up")
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600 or not 1 <= args.concurrency <= 256:
        parser.error("--seconds must be in (0, 3600] and --concurrency in 1..256")
    with tempfile.TemporaryDirectory(prefix="neoqa-soak-") as tmp:
        return asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
