"""Indexing throughput in one run, on the same texts: raw `model.encode`, the project's embedder (the same model,
batches grouped by length in tokens), what the previous build embedded (every chunk's and every unit's text,
repeats included), the single-process build from nothing, an incremental rebuild, and the Ray pipeline with 1
and 2 workers on this machine (Ray's start-up shown apart).

The corpus is PubMed abstracts from the project's copy of PubMedQA (`eval/data/pubmedqa/abstracts.jsonl`, MIT, see
its README), written as one `.md` file per abstract to a temp folder. Other developers may share the two
cores: the load average and the busiest other processes are printed with the numbers.

Run: `.venv/bin/python bench/index_throughput.py [--docs 200] [--no-ray] [--sweep]`
(`--sweep`: texts/s of one single-thread worker, as a Ray actor runs, by texts per forward pass and by
documents per `map_batches` call: the measurement behind index.distributed's batch sizes.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from functools import partial
from pathlib import Path

from _common import temp_index_dir

from corpus.store import corpus_sources
from index.build import build_index
from index.distributed import DistributedConfig, ray_session
from index.embedder import Embedder
from index.model import ChunkingConfig
from index.prepare import prepare_file

ROOT = Path(__file__).resolve().parents[1]
ABSTRACTS = ROOT / "eval" / "data" / "pubmedqa" / "abstracts.jsonl"
PREPARE = partial(prepare_file, chunking=ChunkingConfig())


def write_corpus(abstracts: Path, docs: int) -> Path:
    """The first `docs` abstracts as `.md` files (title line, then one section per labelled part)."""
    folder = Path(tempfile.mkdtemp(prefix="neoqa-abstracts-"))
    with abstracts.open(encoding="utf-8") as fh:
        for _, line in zip(range(docs), fh, strict=False):
            record = json.loads(line)
            parts = [f"# PubMed {record['pmid']}"] + [f"## {s['label']}\n\n{s['text']}" for s in record["sections"]]
            (folder / f"pmid-{record['pmid']}.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return folder


def machine_load() -> str:
    """The load average and the busiest other processes over the last second (`top`), not counting this
    benchmark and its Ray workers."""
    frames = subprocess.run(["top", "-b", "-n", "2", "-d", "1", "-w", "200", "-c"], capture_output=True,
                            text=True).stdout.split("\n\n\n")  # two frames; the second is over the last second
    others = []
    for row in frames[-1].splitlines():
        cols = row.split(None, 11)
        if len(cols) < 12 or not cols[0].isdigit():
            continue
        pid, cpu, command = int(cols[0]), float(cols[8]), cols[11]
        if cpu < 10:
            break  # sorted by CPU: the rest is idle
        if pid == os.getpid() or "ray" in command.split()[0] or command.startswith("top "):
            continue
        others.append(f"{cpu:.0f}% {command[:60]}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"load average {load}; others busy: " + ("; ".join(others[:4]) or "none")


def timed_build(corpus: Path, embedder: Embedder, **kwargs: object) -> tuple[float, int, int]:
    """Seconds, texts embedded and documents parsed of one build into a new folder."""
    folder = temp_index_dir()
    t = time.perf_counter()
    report = build_index(corpus, folder, embedder, **kwargs)  # type: ignore[arg-type]
    return time.perf_counter() - t, report.manifest.embedded_texts, report.parsed


def ray_startup(workers: int) -> float:
    """Seconds to start and stop a local Ray instance of `workers` CPUs (part of every Ray build below)."""
    t = time.perf_counter()
    with ray_session(DistributedConfig(workers=workers)):
        pass
    return time.perf_counter() - t


def sweep(embedder: Embedder, texts_per_doc: list[list[str]], rounds: int = 3) -> None:
    """Single-thread texts/s by texts per forward pass (16 documents a call) and by documents per call (64 a
    pass). Configurations take turns for `rounds` rounds and keep their best, so that the other developers'
    load, which comes and goes, weighs on all of them alike."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in a Ray actor, which holds one CPU (Ray sets OMP_NUM_THREADS=1)
    sample = texts_per_doc[:32]
    total = sum(len(t) for t in sample)
    configs = [(b, 16) for b in (16, 32, 64, 128)] + [(64, d) for d in (1, 4, 32)]
    best = dict.fromkeys(configs, 0.0)
    print(f"\nsweep on {len(sample)} documents, {total} texts, 1 thread, best of {rounds} ({machine_load()})")
    for _ in range(rounds):
        for batch_size, docs_per_call in configs:
            embedder.batch_size = batch_size
            t = time.perf_counter()
            for i in range(0, len(sample), docs_per_call):
                embedder.encode(list(dict.fromkeys(x for texts in sample[i : i + docs_per_call] for x in texts)))
            best[batch_size, docs_per_call] = max(best[batch_size, docs_per_call], total / (time.perf_counter() - t))
    for (batch_size, docs_per_call), rate in best.items():
        print(f"  texts per forward pass {batch_size:4d}, documents per call {docs_per_call:3d}   {rate:6.1f} texts/s")
    print(f"  ({machine_load()})")
    embedder.batch_size = 64
    torch.set_num_threads(threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="abstracts to index (default 200; 1000 for all)")
    parser.add_argument("--abstracts", type=Path, default=ABSTRACTS, help="PubMedQA abstracts.jsonl")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray builds")
    parser.add_argument("--sweep", action="store_true", help="also measure the batch sizes")
    args = parser.parse_args()
    if not args.abstracts.exists():
        raise SystemExit(f"{args.abstracts} not found: pass --abstracts PATH")
    corpus = write_corpus(args.abstracts, args.docs)
    embedder = Embedder()
    t = time.perf_counter()
    prepared = [PREPARE(s.path, s.doc_id) for s in corpus_sources(corpus)]
    parse_seconds = time.perf_counter() - t
    texts_per_doc = [texts for _, texts in prepared]
    every = [t for texts in texts_per_doc for t in texts]
    unique = list(dict.fromkeys(every))
    print(f"{len(prepared)} documents: {len(every)} chunk and unit texts, {len(unique)} distinct")
    print(f"parse + chunk + prepare, one process: {parse_seconds:.1f} s ({machine_load()})")
    embedder.encode(unique[:32])  # warm-up

    def encode(texts: list[str]) -> float:
        t = time.perf_counter()
        embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False)
        return time.perf_counter() - t

    raw = encode(unique)
    print(f"raw model.encode done ({machine_load()})")
    previous = encode(every)
    print(f"previous build's embedding done ({machine_load()})")
    raw_passes = (raw, encode(unique))  # twice, around the other pass: the first pass of a run can be slower
    raw = min(raw_passes)
    print(f"raw model.encode again done ({machine_load()})")

    def grouped_encode() -> float:
        t = time.perf_counter()
        embedder.encode(unique)
        return time.perf_counter() - t

    # The embedder's encode and the build, twice each and taking turns, best of two: one pass of either can be
    # 10 % slower than the next on this machine.
    grouped_passes = [grouped_encode()]
    print(f"embedder.encode (batches by tokens) done ({machine_load()})")
    single, embedded, _ = timed_build(corpus, embedder, reuse=False)
    single_passes = [single]
    print(f"single-process build done ({machine_load()})")
    grouped_passes.append(grouped_encode())
    grouped = min(grouped_passes)
    print(f"embedder.encode again done ({machine_load()})")
    folder = temp_index_dir()
    t = time.perf_counter()
    build_index(corpus, folder, embedder)  # an empty folder: a whole build, the second timed one
    single_passes.append(time.perf_counter() - t)
    single = min(single_passes)
    print(f"single-process build again done ({machine_load()})")
    changed = sorted(corpus.iterdir())[:: max(1, args.docs // 10)][: max(1, args.docs // 100)]
    for path in changed:  # edit 1 % of the documents, then rebuild the index just built
        path.write_text(path.read_text(encoding="utf-8") + "\nAn erratum was published.\n", encoding="utf-8")
    t = time.perf_counter()
    report = build_index(corpus, folder, embedder)
    incremental = time.perf_counter() - t
    rays = {}
    if not args.no_ray:
        for workers in (1, 2):
            up = ray_startup(workers)
            rays[workers] = (up, *timed_build(corpus, embedder, reuse=False,
                                              distributed=DistributedConfig(workers=workers)))
            print(f"ray {workers} worker(s) done ({machine_load()})")

    n = len(unique)
    print(f"\n{'method':40} {'seconds':>8} {'embedded':>9} {'texts/s':>8}  notes")
    print(f"{'raw model.encode, distinct texts':40} {raw:8.1f} {n:9d} {n / raw:8.1f}  model loaded, "
          f"{embedder.batch_size} a pass; best of {raw_passes[0]:.1f} and {raw_passes[1]:.1f} s")
    print(f"{'embedder.encode, same texts':40} {grouped:8.1f} {n:9d} {n / grouped:8.1f}  batches grouped by length "
          f"in tokens (model.encode groups by characters): {raw / grouped:.2f}x raw; best of "
          f"{grouped_passes[0]:.1f} and {grouped_passes[1]:.1f} s")
    print(f"{'previous build: embedding alone':40} {previous:8.1f} {len(every):9d} {len(every) / previous:8.1f}  "
          f"every chunk and unit text, repeats included (a lower bound of that whole build)")
    print(f"{'single-process build from nothing':40} {single:8.1f} {embedded:9d} {n / single:8.1f}  "
          f"parse, embed, BM25, FAISS, write; {raw / single:.2f}x raw throughput, "
          f"{grouped / single:.2f}x embedder.encode's; best of {single_passes[0]:.1f} and {single_passes[1]:.1f} s; "
          f"{previous / single:.2f}x faster than the previous build's embedding alone")
    print(f"{'incremental rebuild, 1 % of files edited':40} {incremental:8.1f} {report.manifest.embedded_texts:9d} "
          f"{'':8}  {report.parsed} parsed, {report.copied} carried over")
    for workers, (up, seconds, embedded_ray, _) in rays.items():
        print(f"{f'ray, {workers} worker(s), whole build':40} {seconds:8.1f} {embedded_ray:9d} {n / seconds:8.1f}  "
              f"of which Ray start-up and shut-down {up:.1f} s")
    print(f"texts embedded per chunk: {embedded / max(1, sum(1 for _ in texts_per_doc)):.2f} per document, "
          f"chunks+units per distinct text {len(every) / n:.2f}")
    if args.sweep:
        sweep(embedder, texts_per_doc)


if __name__ == "__main__":
    main()
