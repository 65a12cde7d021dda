"""The scale benchmark's measured steps, each run by `bench/scale.py` in a fresh process of its own.

    scale_worker.py build --corpus DIR --index DIR --sample S.npy --out build.json
        builds the index with the stand-in embedder; times the build's phases by wrapping the index layer's
        functions (parse, prepare, stand-in embedding, rows, BM25, FAISS, SQLite indexes, fsync + swap).
    scale_worker.py ask --index DIR --questions Q.json --sample S.npy --out ask.json [--profile P.txt]
        start-up (model load, then load_index + AnswerEngine), RSS, questions through `engine.ask` (real query
        encoding), BM25 and dense top-k, ANN recall@10 against exact search.
    scale_worker.py vectors --vectors V.npy --index F.faiss --sample S.npy --out vectors.json
        IVF-PQ over memory-mapped vectors: build time, memory, index size, latency, recall@10 against exact.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

T_START = time.perf_counter()
import _common  # noqa: E402,F401  # the repository on sys.path, offline model settings
import numpy as np  # noqa: E402
from scale_common import read_json, rss, stats_ms, write_json  # noqa: E402

MODEL = "all-MiniLM-L6-v2"
RECALL_K = 10
SEARCH_DEPTH = 80  # what the answer engine asks each retriever for


def _timed(owner: Any, attr: str, key: str, timers: dict[str, float]) -> None:
    original: Callable[..., Any] = getattr(owner, attr)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timers[key] += time.perf_counter() - t

    setattr(owner, attr, wrapper)


def build(args: argparse.Namespace) -> None:
    from eval.synthetic.vectors import DerivedEmbedder
    from index import build as b
    from index import db, writer
    from index.build import BuildOptions, build_index

    timers: dict[str, float] = defaultdict(float)
    for owner, attr, key in [(b, "load_document", "parse"), (b, "prepare_document", "prepare"),
                             (b._Batcher, "_vectors", "embed (stand-in)"), (writer.IndexWriter, "add", "store rows"),
                             (writer.IndexWriter, "finish", "finish (all)"), (writer, "write_bm25", "finish: BM25"),
                             (writer, "build_vectors", "finish: FAISS train+add+calibrate"),
                             (writer, "save_vectors", "finish: FAISS write"),
                             (db.StoreWriter, "finish", "finish: SQLite aggregates+indexes"),
                             (b, "swap_in", "fsync + swap")]:
        _timed(owner, attr, key, timers)
    embedder = DerivedEmbedder(np.load(args.sample), MODEL, seed=args.seed)
    options = BuildOptions(progress=True, exact_threshold=args.exact_threshold, pq_threshold=args.pq_threshold)
    t = time.perf_counter()
    report = build_index(Path(args.corpus), Path(args.index), embedder, options, reuse=False)
    total = time.perf_counter() - t
    finish_parts = sum(v for k, v in timers.items() if k.startswith("finish: "))
    timers["finish: other (vocabulary, terms)"] = timers["finish (all)"] - finish_parts
    accounted = sum(v for k, v in timers.items() if not k.startswith("finish: "))
    timers["other (file hashes, batching, ...)"] = total - accounted
    m = report.manifest
    write_json(Path(args.out), {
        "seconds": round(total, 1), "phases": {k: round(v, 1) for k, v in timers.items()},
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "documents": m.documents, "chunks": m.chunks, "units": m.units, "embedded_texts": m.embedded_texts,
        "vector_index": m.vector_index.model_dump(), "warnings": len(report.warnings)})


def _recall(found: list[np.ndarray], truth: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(t.tolist())) / RECALL_K for f, t in zip(found, truth,
                                                                                         strict=True)]))


def time_questions(engine: Any, items: list[dict[str, Any]]) -> tuple[list[float], int]:
    """Seconds per `engine.ask` of each item (with its history), and how many were answered."""
    from qa.model import Turn

    latencies, answered = [], 0
    for item in items:
        history = [Turn(**h) for h in item.get("history", [])]
        t = time.perf_counter()
        answer = engine.ask(item["question"], history)
        latencies.append(time.perf_counter() - t)
        answered += answer.answered
    return latencies, answered


def ask(args: argparse.Namespace) -> None:
    t_python = T_START
    from eval.synthetic.vectors import DerivedEmbedder
    from index.embedder import Embedder
    from index.store import load_index
    from index.vectors import exact_top, search_vectors
    from qa.engine import AnswerEngine

    out: dict[str, Any] = {"imports_s": round(time.perf_counter() - t_python, 2)}
    out["torch_threads"] = args.torch_threads
    t = time.perf_counter()
    embedder = Embedder(MODEL, threads=args.torch_threads)  # as `qa serve` does (QA_TORCH_THREADS, default 1)
    out["model_load_s"] = round(time.perf_counter() - t, 2)
    out["query_encoder"] = "onnx" if embedder.onnx is not None else "sentence-transformers"
    out["rss_after_model_mib"] = rss()
    t = time.perf_counter()
    index = load_index(Path(args.index), embedder)
    out["load_index_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    engine = AnswerEngine(index)
    out["engine_s"] = round(time.perf_counter() - t, 3)
    out["startup_rows_read"] = index.store.rows_read
    out["rss_after_startup_mib"] = rss()
    items = read_json(Path(args.questions))
    latencies, answered = time_questions(engine, items)
    out["ask_ms"] = stats_ms(latencies)
    out["first_question_ms"] = round(latencies[0] * 1000, 1)
    out["answered"] = answered
    out["rss_after_questions_mib"] = rss()
    # The same questions again: their query vectors are cached now, so this is the engine without encoding.
    out["ask_cached_ms"] = stats_ms(time_questions(engine, items)[0])
    # And once more with FAISS on one OpenMP thread: on a loaded machine its default (all cores) spin-waits.
    import faiss

    default_threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    cached = time_questions(engine, items)[0]
    faiss.omp_set_num_threads(default_threads)
    out["ask_cached_faiss1_ms"] = stats_ms(cached)
    out["faiss_threads"] = default_threads
    questions = [i["question"] for i in items]
    embedder._query.cache_clear()
    out["query_encode_ms"] = stats_ms([_time(lambda q=q: embedder.encode_query(q)) for q in questions])
    out["bm25_ms"] = stats_ms([_time(lambda q=q: index.bm25(q, SEARCH_DEPTH)) for q in questions])
    # The query vectors are cached now: what follows times the searches alone.
    out["dense_ms"] = stats_ms([_time(lambda q=q: index.dense(q, SEARCH_DEPTH)) for q in questions])
    out["hybrid_search_ms"] = stats_ms([_time(lambda q=q: index.search(q, 15, depth=SEARCH_DEPTH))
                                        for q in questions])
    params, vectors = index.manifest.vector_index, index.chunk_vectors
    real = np.array([embedder.encode_query(q) for q in questions])
    held_out = DerivedEmbedder(np.load(args.sample), MODEL, seed=args.seed).encode(
        [f"held-out query {i} of the scale benchmark" for i in range(args.recall_queries)])
    for name, queries in (("real_questions", real), ("derived_held_out", held_out)):
        ann_times: list[float] = []
        found = []
        for q in queries:
            t = time.perf_counter()
            found.append(search_vectors(index.vectors, params, vectors, q, RECALL_K)[1])
            ann_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        truth = exact_top(vectors, np.ascontiguousarray(queries, dtype=np.float32), RECALL_K)
        out[f"recall_at_10_{name}"] = round(_recall(found, truth), 4)
        out[f"ann_ms_{name}"] = stats_ms(ann_times)
        out[f"exact_scan_s_{name}"] = round(time.perf_counter() - t, 2)
    out["vector_index"] = params.model_dump()
    out["rss_end_mib"] = rss()
    if args.profile:
        out["profile"] = _profile(engine, [f"Please tell me: {q}" for q in questions[: args.profile_questions]],
                                  Path(args.profile))
    write_json(Path(args.out), out)


def vectors(args: argparse.Namespace) -> None:
    """IVF-PQ over a memory-mapped .npy of vectors: build, memory, size, latency, recall@10 against exact."""
    import faiss

    from eval.synthetic.vectors import DerivedEmbedder
    from index import vectors as index_vectors
    from index.vectors import build_vectors, exact_top, load_vectors, save_vectors, search_vectors

    factory = index_vectors.faiss.index_factory

    def verbose_factory(*a: Any, **k: Any) -> Any:  # progress of k-means and adding, for a build of an hour
        made = factory(*a, **k)
        made.verbose = True
        ivf = faiss.extract_index_ivf(made)
        ivf.verbose = ivf.cp.verbose = True
        return made

    index_vectors.faiss.index_factory = verbose_factory
    data = np.load(args.vectors, mmap_mode="r")
    embedder = DerivedEmbedder(np.load(args.sample), MODEL, seed=args.seed)
    calibration = embedder.encode([f"calibration query {i}" for i in range(1000)])
    queries = embedder.encode([f"held-out query {i} of the vector benchmark" for i in range(args.recall_queries)])
    out: dict[str, Any] = {"vectors": int(data.shape[0]), "dimension": int(data.shape[1]),
                           "rss_before_mib": rss(), "faiss_threads": faiss.omp_get_max_threads()}
    t = time.perf_counter()
    if args.reuse and Path(args.index).exists():
        # Trained and filled by an earlier run of this step (the slow part at 10M): only nprobe is calibrated
        # again, with today's search, on the same calibration probes a build uses.
        index = load_vectors(Path(args.index), args.kind)
        params = index_vectors.ivf_params(args.kind, int(data.shape[0]), int(data.shape[1]))
        params.nprobe, params.recall_at_10 = index_vectors.calibrate(index, params, data, calibration,
                                                                     np.random.default_rng(0))
        out["reused_index"] = str(args.index)
    else:
        index, params = build_vectors(data, args.kind, calibration)
    out["build_s"] = round(time.perf_counter() - t, 1)
    out["rss_after_build_mib"] = rss()
    out["rss_delta_anon_mib"] = round(out["rss_after_build_mib"]["RssAnon"] - out["rss_before_mib"]["RssAnon"])
    out["params"] = params.model_dump()
    if "reused_index" not in out:
        save_vectors(index, Path(args.index))
    out["index_bytes"] = Path(args.index).stat().st_size
    del index
    loaded = load_vectors(Path(args.index), args.kind)
    out["rss_after_reload_mib"] = rss()
    sets = {"held_out": queries}
    if args.questions:  # real question vectors, encoded by the real model
        from index.embedder import Embedder

        question_model = Embedder(MODEL)  # questions, as the engine encodes them
        asked = read_json(Path(args.questions))
        sets["real_questions"] = np.stack([question_model.encode_query(i["question"]) for i in asked])
    for name, qs in sets.items():
        found, times = [], []
        for q in qs:
            t = time.perf_counter()
            found.append(search_vectors(loaded, params, data, q, RECALL_K)[1])
            times.append(time.perf_counter() - t)
        out[f"query_ms_{name}"] = stats_ms(times)
        t = time.perf_counter()
        truth = exact_top(data, np.ascontiguousarray(qs, dtype=np.float32), RECALL_K)
        out[f"exact_scan_s_{name}"] = round(time.perf_counter() - t, 1)
        out[f"recall_at_10_{name}"] = round(_recall(found, truth), 4)
    out["rss_end_mib"] = rss()
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    write_json(Path(args.out), out)


def _time(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _profile(engine: Any, questions: list[str], path: Path) -> str:
    """cProfile over a second pass of new question strings; the top functions go to `path`."""
    profiler = cProfile.Profile()
    profiler.enable()
    for q in questions:
        engine.ask(q)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    path.write_text(text.getvalue(), encoding="utf-8")
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("build")
    p.add_argument("--corpus", required=True)
    p.add_argument("--exact-threshold", type=int, default=50_000)
    p.add_argument("--pq-threshold", type=int, default=5_000_000)
    p.set_defaults(run=build)
    p = sub.add_parser("ask")
    p.add_argument("--questions", required=True)
    p.add_argument("--recall-queries", type=int, default=200)
    p.add_argument("--profile")
    p.add_argument("--profile-questions", type=int, default=60)
    p.add_argument("--torch-threads", type=int, default=1, help="0: torch's default (all cores)")
    p.set_defaults(run=ask)
    p = sub.add_parser("vectors")
    p.add_argument("--vectors", required=True)
    p.add_argument("--recall-queries", type=int, default=100)
    p.add_argument("--kind", default="ivfpq", choices=["flat", "ivf", "ivfpq"])
    p.add_argument("--questions", help="questions (JSON) whose real vectors are searched too")
    p.add_argument("--reuse", action="store_true", help="load the index file of an earlier run; calibrate again")
    p.set_defaults(run=vectors)
    for p in sub.choices.values():
        p.add_argument("--index", required=True)
        p.add_argument("--sample", required=True)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--out", required=True)
    args = parser.parse_args()
    args.run(args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
