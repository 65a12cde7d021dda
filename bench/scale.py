"""Scale benchmark: build, start-up, memory, latency and ANN recall of the index at 10k..1M passages.

    .venv/bin/python bench/scale.py --passages 10k,100k,1M [--vectors-only 10M] [--abstracts] [--work DIR]

Per size, a synthetic biomedical corpus of about that many passages (the index's chunks) is generated into the
work folder (default /work/scale-bench, outside the repository) by recombining the shipped reviews' and the
PubMedQA abstracts' sentences, table rows and references (`eval/synthetic`); the built-in reviews are copied
in, so the dev-split gold questions have their answers. Embedding a million passages with the real model
takes hours here, so a sample of generated texts is embedded with the real model and every indexed text gets
a derived vector (a hash-seeded mix of sample vectors plus noise, renormalised; `eval/synthetic/vectors.py`)
whose model name is the real one: questions are encoded by the real model. Each step runs in a fresh
process (`bench/scale_worker.py`) so that start-up and RSS are honest. Nothing here is a test: it prints.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import _common  # noqa: F401  # the repository on sys.path, offline model settings
from scale_common import file_sizes, human_bytes, load_average, read_json, write_json
from scale_corpus import MODEL, builtin_chunks, calibration, corpus_for, question_items, real_sample, store_stats
from scale_http import http_questions
from scale_report import print_sample_check, print_size

from eval.synthetic.documents import Generator
from eval.synthetic.sources import load_pools
from index.model import ChunkingConfig
from index.store import is_stale

HERE = Path(__file__).resolve().parent
PUBMEDQA = HERE.parent / "eval" / "data" / "pubmedqa" / "abstracts.jsonl"  # the project's copy (MIT)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else (
        f"{n // 1000}k" if n % 1000 == 0 else str(n))


def worker(step: str, *args: str, log: Path | None = None, profile: Path | None = None) -> None:
    cmd = [sys.executable, str(HERE / "scale_worker.py"), step, *args]
    if profile is not None:  # a sampling profile of the whole step (py-spy: low overhead, sees native frames)
        cmd = [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw", "--rate", "20",
               "--output", str(profile), "--", *cmd]
    t = time.perf_counter()
    result = subprocess.run(cmd, check=False, cwd=HERE.parent)
    if result.returncode != 0:
        raise SystemExit(f"{step} step failed with code {result.returncode} after {time.perf_counter() - t:.0f} s")


def run_size(args: argparse.Namespace, passages: int, generator: Generator, ratio: float, fixed: int,
             sample: Path) -> dict[str, Any]:
    folder = Path(args.work) / f"p{label(passages)}"
    corpus, index = folder / "corpus", folder / "index"
    print(f"\n== {label(passages)} passages: {folder} ({load_average()})", flush=True)
    marker = corpus_for(corpus, generator, passages, ratio, fixed)
    build_json = folder / "build.json"
    built = read_json(build_json) if build_json.exists() else None
    outdated = is_stale(index, corpus, MODEL, ChunkingConfig(), [folder / "no-uploads"])  # e.g. an older format
    if args.rebuild or outdated or built is None or built.get("corpus") != marker:
        common = ["--index", str(index), "--sample", str(sample), "--seed", str(args.seed), "--out", str(build_json)]
        profile = folder / "build-profile.raw" if args.profile_build else None
        worker("build", "--corpus", str(corpus), *common, profile=profile)
        built = read_json(build_json)
        built.update(corpus=marker, load=load_average(), profile=str(profile) if profile else None)
        write_json(build_json, built)
    assert built is not None
    items = question_items(generator, int(marker["documents"]), args.questions, args.seed)
    write_json(folder / "questions.json", items)
    ask_json = folder / "ask.json"
    worker("ask", "--index", str(index), "--questions", str(folder / "questions.json"), "--sample", str(sample),
           "--seed", str(args.seed), "--out", str(ask_json),
           *(["--profile", str(folder / "ask-profile.txt")] if args.profile else []))
    asked = read_json(ask_json)
    asked["load"] = load_average()
    uploads = folder / "no-uploads"
    stale = is_stale(index, corpus, MODEL, ChunkingConfig(), [uploads])
    if stale:
        raise SystemExit(f"the index in {index} is stale for the server ({stale}): not serving it")
    http = http_questions(index, corpus, uploads, items[: args.http_questions], folder / "server.log")
    http["load"] = load_average()
    result = {"passages": passages, "corpus": marker, "build": built, "disk": file_sizes(index),
              "store": store_stats(index), "ask": asked, "http": http}
    write_json(folder / "result.json", result)
    print_size(result)
    return result


def report(work: Path, sizes: list[int]) -> int:
    """The tables of earlier runs, from their result files."""
    results = [read_json(p) for n in sizes if (p := work / f"p{label(n)}" / "result.json").exists()]
    for r in results:
        print_size(r)
    if len(results) > 1:
        from scale_report import print_summary

        print_summary(results)
    from scale_abstracts import print_abstracts
    from scale_vectors import print_vectors

    for path in sorted((work / "vectors-only").glob("result-*.json")):
        print_vectors(read_json(path), int(read_json(path)["vectors"]))
    if (work / "abstracts" / "result.json").exists():
        print_abstracts(read_json(work / "abstracts" / "result.json"))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", default="10k,100k,1M", help="comma-separated sizes (10k, 100k, 1M, ...)")
    parser.add_argument("--vectors-only", help="also a vectors-only IVF-PQ run of this many vectors (e.g. 10M)")
    parser.add_argument("--vector-kind", default="ivfpq", choices=["ivf", "ivfpq"], help="for --vectors-only")
    parser.add_argument("--vector-questions", help="questions JSON whose real vectors --vectors-only searches too")
    parser.add_argument("--abstracts", action="store_true",
                        help="also the 1,000-abstract shape (real model) against the built-in corpus over HTTP")
    parser.add_argument("--work", default="/work/scale-bench", help="work folder (corpora, indexes, caches)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--questions", type=int, default=200, help="questions asked in process")
    parser.add_argument("--http-questions", type=int, default=200, help="questions asked over HTTP")
    parser.add_argument("--sample-texts", type=int, default=3000, help="texts embedded with the real model")
    parser.add_argument("--pubmedqa", default=str(PUBMEDQA), help="PubMedQA abstracts.jsonl (read only)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild indexes even when cached")
    parser.add_argument("--profile", action="store_true", help="cProfile a second pass of the questions")
    parser.add_argument("--profile-build", action="store_true", help="py-spy the builds (raw stacks)")
    parser.add_argument("--keep", action="store_true", help="keep the vector and index files of --vectors-only")
    parser.add_argument("--reuse-vector-index", action="store_true",
                        help="--vectors-only: search the index kept by an earlier --keep run (nprobe calibrated again)")
    parser.add_argument("--report", action="store_true", help="only print the tables of earlier runs")
    args = parser.parse_args()
    work = Path(args.work)
    if args.report:
        return report(work, [parse_size(s) for s in args.passages.split(",") if s.strip()])
    work.mkdir(parents=True, exist_ok=True)
    print(f"scale benchmark, work folder {work}; {os.cpu_count()} cores; {load_average()}")
    pubmedqa = Path(args.pubmedqa) if Path(args.pubmedqa).exists() else None
    print(f"sources: {', '.join(str(p) for p in ['corpus/data', pubmedqa] if p)} (read only)")
    generator = Generator(load_pools(pubmedqa=pubmedqa), seed=args.seed)
    cal, cal_data = calibration(work, generator)
    sample, check = real_sample(work, generator, args.sample_texts, cal)
    print_sample_check(cal_data, check, args.sample_texts)
    fixed = builtin_chunks()
    results = [run_size(args, parse_size(s), generator, float(cal_data["ratio"]), fixed, sample)
               for s in args.passages.split(",") if s.strip()]
    if args.vectors_only:
        from scale_vectors import vectors_only

        questions = Path(args.vector_questions) if args.vector_questions else None
        vectors_only(work, sample, parse_size(args.vectors_only), args.seed, args.keep, args.vector_kind, questions,
                     args.reuse_vector_index)
    if args.abstracts:
        from scale_abstracts import abstracts_shape

        abstracts_shape(work, Path(args.pubmedqa), sample, args.http_questions)
    if len(results) > 1:
        from scale_report import print_summary

        print_summary(results)
    print(f"\ndone ({load_average()}); disk used in {work}: {human_bytes(sum(file_sizes(work).values()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
