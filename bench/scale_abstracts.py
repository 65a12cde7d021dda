"""The 1,000-abstract shape: PubMedQA's abstracts as a corpus (real model), against the built-in corpus.

Each abstract becomes one `.txt` file (its section labels as headings) with a sidecar; `qa index` builds it
with the real model once (about 16,000 texts) and the index is kept in the work folder for later runs. Both
indexes are then measured the same way in one run: start-up in a fresh process, and `/v1/ask` p50 over HTTP
with both servers up at once and their questions interleaved, so that the machine's load weighs on both
alike. The abstracts get PubMedQA's dev questions (their titles); the built-in corpus the gold dev questions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from scale_common import load_average, read_json, stats_ms, write_json
from scale_corpus import MODEL
from scale_http import Server

from corpus.store import BUILTIN_CORPUS
from eval.gold import load_gold
from index.model import ChunkingConfig
from index.store import is_stale

HERE = Path(__file__).resolve().parent
ISSUE_RATIO = 1.3


def write_abstracts(source: Path, folder: Path) -> int:
    """One file per abstract (skipped when the folder already holds them all)."""
    # Lines split on "\n" only: the abstracts hold Unicode line separators that `splitlines` would cut at.
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").split("\n") if line.strip()]
    if folder.is_dir() and len(list(folder.glob("*.txt"))) == len(records):
        return len(records)
    folder.mkdir(parents=True, exist_ok=True)
    for r in records:
        title = f"PubMed abstract {r['pmid']}"
        body = "\n\n".join(f"{s['label']}\n\n{s['text']}" for s in r["sections"])
        (folder / f"pubmed-{r['pmid']}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        meta = {"title": title, "authors": [], "year": int(r["year"]) if str(r.get("year", "")).isdigit() else None,
                "kind": "summary"}
        (folder / f"pubmed-{r['pmid']}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return len(records)


def ensure_index(corpus: Path, index: Path, uploads: Path) -> str:
    """Build with `qa index` (the real model) unless the cached index is fresh."""
    reason = is_stale(index, corpus, MODEL, ChunkingConfig(), [uploads])
    if reason is None:
        return "cached"
    print(f"building {index} with the real model ({reason}); {load_average()}", flush=True)
    env = {**os.environ, "QA_UPLOAD_DIR": str(uploads), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "qa.cli", "index", "--corpus", str(corpus), "--index-dir", str(index)]
    if subprocess.run(cmd, check=False, env=env, cwd=HERE.parent).returncode != 0:
        raise SystemExit(f"qa index failed for {corpus}")
    return f"built ({reason})"


def _startup(index: Path, items: list[dict[str, Any]], folder: Path, sample: Path) -> dict[str, Any]:
    write_json(folder / "questions.json", items)
    cmd = [sys.executable, str(HERE / "scale_worker.py"), "ask", "--index", str(index), "--questions",
           str(folder / "questions.json"), "--sample", str(sample), "--out", str(folder / "ask.json"),
           "--recall-queries", "20"]
    if subprocess.run(cmd, check=False, cwd=HERE.parent).returncode != 0:
        raise SystemExit(f"the ask step failed for {index}")
    return dict(read_json(folder / "ask.json"))


def abstracts_shape(work: Path, pubmedqa: Path, sample: Path, questions: int) -> dict[str, Any]:
    folder = work / "abstracts"
    uploads = folder / "no-uploads"
    corpus, index, builtin_index = folder / "corpus", folder / "index", folder / "builtin-index"
    print(f"\n== 1,000-abstract shape vs the built-in corpus: {folder} ({load_average()})", flush=True)
    write_abstracts(pubmedqa, corpus)
    built = {"abstracts": ensure_index(corpus, index, uploads),
             "builtin": ensure_index(BUILTIN_CORPUS, builtin_index, uploads)}
    dev = [json.loads(line)["question"] for line in pubmedqa.with_name("dev.jsonl").read_text().split("\n")
           if line.strip()]
    abstract_items = [{"question": q, "history": []} for q in dev[:questions]]
    gold = [{"question": g.question, "history": [t.model_dump() for t in g.history]} for g in load_gold(split="dev")]
    # New strings for a second round: "please tell me" are stop words, so retrieval sees the same question.
    builtin_items = (gold + [{**g, "question": f"Please tell me: {g['question']}"} for g in gold])[:questions]
    out: dict[str, Any] = {"built": built, "load": load_average()}
    out["startup_abstracts"] = _startup(index, abstract_items, folder / "ask-abstracts", sample)
    out["startup_builtin"] = _startup(builtin_index, builtin_items, folder / "ask-builtin", sample)
    with Server(index, corpus, uploads, folder / "server-abstracts.log") as a, \
            Server(builtin_index, BUILTIN_CORPUS, uploads, folder / "server-builtin.log") as b:
        out["ready_s"] = {"abstracts": round(a.wait_ready(), 2), "builtin": round(b.wait_ready(), 2)}
        la, lb = [], []
        for qa_item, qb_item in zip(abstract_items, builtin_items, strict=False):
            la.append(a.ask(qa_item))
            lb.append(b.ask(qb_item))
        out["http_abstracts"], out["http_builtin"] = stats_ms(la), stats_ms(lb)
        out["rss_mib"] = {"abstracts": a.rss()["VmRSS"], "builtin": b.rss()["VmRSS"]}
    out["ratio_p50"] = round(out["http_abstracts"]["p50"] / out["http_builtin"]["p50"], 2)
    write_json(folder / "result.json", out)
    print_abstracts(out)
    return out


def print_abstracts(r: dict[str, Any]) -> None:
    def row(name: str, value: object, note: str = "") -> None:
        print(f"  {name:<44} {value!s:<34} {note}")

    sa, sb = r["startup_abstracts"], r["startup_builtin"]
    print("\n### 1,000 PubMedQA abstracts (real model) vs the built-in corpus, one run")
    row("index", f"abstracts: {r['built']['abstracts']}; built-in: {r['built']['builtin']}")
    for name, s in (("abstracts", sa), ("built-in", sb)):
        startup = s["model_load_s"] + s["load_index_s"] + s["engine_s"]
        row(f"start-up {name} (model + index + engine)", f"{startup:.2f} s",
            f"model {s['model_load_s']:.2f} s, load_index {s['load_index_s']:.3f} s, engine {s['engine_s']:.3f} s"
            + ("; target <= 5 s" if name == "abstracts" else ""))
        row(f"in process {name}", f"p50 {s['ask_ms']['p50']} ms, p95 {s['ask_ms']['p95']} ms",
            f"{s['ask_ms']['n']} questions")
    row("server ready (process start to /readyz)", r["ready_s"])
    row("/v1/ask abstracts", f"p50 {r['http_abstracts']['p50']} ms, p95 {r['http_abstracts']['p95']} ms")
    row("/v1/ask built-in", f"p50 {r['http_builtin']['p50']} ms, p95 {r['http_builtin']['p95']} ms")
    row("ratio of p50s (abstracts / built-in)", r["ratio_p50"], f"target <= {ISSUE_RATIO}")
    row("server RSS", r["rss_mib"], f"({r['load']})")
