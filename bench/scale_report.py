"""Printed tables of the scale benchmark: the derived-vector check, one table per size, a summary."""

from __future__ import annotations

from typing import Any

from scale_common import human_bytes

TARGET_1M = {"startup_s": 10.0, "rss_gib": 3.0, "ask_p50": 50.0, "ask_p95": 100.0, "recall": 0.95}


def _row(name: str, value: object, note: str = "") -> None:
    print(f"  {name:<44} {value!s:<34} {note}")


def print_sample_check(cal: dict[str, Any], check: dict[str, Any], count: int) -> None:
    print(f"\ngenerator calibration on {cal['documents']} documents: {cal['chunks_per_document']:.1f} chunks, "
          f"{cal['units_per_document']:.1f} units, {cal['glossary_per_document']:.1f} glossary entries, "
          f"{cal['tables_per_document']:.2f} tables, {cal['references_per_document']:.1f} references per "
          f"document; shapes {cal['shapes']}; chunks per estimated chunk {cal['ratio']:.3f}")
    print(f"VECTORS ARE DERIVED, NOT EMBEDDED: {count} generated texts were embedded with the real model; every "
          "indexed text gets a hash-seeded mix of 2-3 of those vectors plus noise shaped like the sample's "
          "covariance, renormalised (eval/synthetic/vectors.py). The index carries the real model's name and is "
          "loaded with the real model; questions are encoded by the real model.")
    print("nearest-neighbour cosine within sets of the same size (a continuous spread, not clusters):")
    for key, name in (("real_nn", "real sample"), ("derived_nn", "derived"), ("derived_to_sample_nn",
                                                                                "derived -> nearest real")):
        print(f"  {name:<26} {check[key]}")
    print(f"  mean pairwise cosine: real {check['real_pairwise_mean']}, derived {check['derived_pairwise_mean']}")


def _ms(stats: dict[str, float]) -> str:
    return f"p50 {stats['p50']} ms, p95 {stats['p95']} ms"


def print_size(r: dict[str, Any]) -> None:
    b, a, h, s, m = r["build"], r["ask"], r["http"], r["store"], r["corpus"]
    phases = b["phases"]
    embed = phases.get("embed (stand-in)", 0.0)
    print(f"\n### {r['passages']:,} passages requested: {b['chunks']:,} chunks, {b['units']:,} units, "
          f"{b['documents']:,} documents ({human_bytes(m['bytes'])} of text)")
    _row("glossary entries / short forms / ambiguous", f"{s['glossary_entries']:,} / {s['short_forms']:,} / "
         f"{s['short_forms_with_several_meanings']:,}")
    _row("tables / references / BM25 vocabulary", f"{s['tables']:,} / {s['references']:,} / {s['vocabulary']:,}")
    _row("build without embedding", f"{b['seconds'] - embed:.1f} s", f"(stand-in embedding {embed:.1f} s; "
         f"peak RSS {b['peak_rss_mib']:,} MiB; {b['load']})")
    for key, value in phases.items():
        if key not in ("embed (stand-in)",):
            _row(f"  {key}", f"{value:.1f} s")
    if b.get("profile"):
        print_stack_profile(b["profile"])
    _row("size on disk", human_bytes(sum(r["disk"].values())))
    for name, size in r["disk"].items():
        _row(f"  {name}", human_bytes(size))
    vi = a["vector_index"]
    _row("vector index", f"{vi['kind']} nlist={vi['nlist']} nprobe={vi['nprobe']} pq_m={vi['pq_m']} "
         f"rerank={vi['rerank']}", f"build-time recall@10 {vi['recall_at_10']}")
    startup = a["load_index_s"] + a["engine_s"]
    total = a["model_load_s"] + startup
    _row("start-up: model load", f"{a['model_load_s']:.2f} s", f"(imports {a['imports_s']:.2f} s before it)")
    _row("start-up: load_index + AnswerEngine", f"{a['load_index_s']:.3f} + {a['engine_s']:.3f} s",
         f"store rows read: {a['startup_rows_read']}")
    _row("start-up total (model + index + engine)", f"{total:.2f} s", f"target <= {TARGET_1M['startup_s']} s at 1M")
    _row("server: process start to /readyz 200", f"{h['ready_s']:.2f} s", "(imports + model + staleness + load)")
    ru0, ru1 = a["rss_after_startup_mib"], a["rss_after_questions_mib"]
    _row("RSS after start-up", f"{ru0['VmRSS']:,.0f} MiB", f"(anon {ru0['RssAnon']:,.0f}, file {ru0['RssFile']:,.0f})")
    _row(f"RSS after {a['ask_ms']['n']} questions", f"{ru1['VmRSS']:,.0f} MiB",
         f"(anon {ru1['RssAnon']:,.0f}, file {ru1['RssFile']:,.0f}; target <= {TARGET_1M['rss_gib']:.0f} GiB)")
    _row("RSS at the end (after recall scans)", f"{a['rss_end_mib']['VmRSS']:,.0f} MiB",
         f"peak {a['rss_end_mib']['VmHWM']:,.0f} MiB")
    _row("server RSS ready / after questions", f"{h['rss_ready_mib']['VmRSS']:,.0f} / "
         f"{h['rss_after_mib']['VmRSS']:,.0f} MiB")
    threads = a.get("torch_threads", 0)
    _row(f"question in process (engine.ask, torch threads {threads})", _ms(a["ask_ms"]),
         f"first {a['first_question_ms']} ms; answered {a['answered']}/{a['ask_ms']['n']}; target p50<=50, p95<=100")
    if "ask_cached_ms" in a:
        _row("  same questions, query vectors cached", _ms(a["ask_cached_ms"]), "(the engine without encoding)")
    if "ask_cached_faiss1_ms" in a:
        _row("  ... and FAISS on 1 OpenMP thread", _ms(a["ask_cached_faiss1_ms"]),
             f"(default: {a['faiss_threads']} threads)")
    _row("question over HTTP (/v1/ask)", _ms(h["ask_ms"]), f"{h['ask_ms']['n']} questions")
    _row("query encoding (real model)", _ms(a["query_encode_ms"]))
    _row("BM25 top-80 (index.bm25)", _ms(a["bm25_ms"]))
    _row("dense top-80 (query vector cached)", _ms(a["dense_ms"]))
    _row("hybrid search top-15 (query vector cached)", _ms(a["hybrid_search_ms"]))
    _row("ANN recall@10 vs exact: real questions", a["recall_at_10_real_questions"],
         f"ANN {_ms(a['ann_ms_real_questions'])}; target >= 0.95")
    _row("ANN recall@10 vs exact: held-out derived", a["recall_at_10_derived_held_out"],
         f"ANN {_ms(a['ann_ms_derived_held_out'])}")
    print(f"  (machine load during questions: {a['load']}; during HTTP: {h['load']})")


def print_summary(results: list[dict[str, Any]]) -> None:
    print("\n### summary")
    head = ["passages", "chunks", "build s", "disk", "startup s", "RSS MiB", "RSS 200q", "ask p50", "ask p95",
            "http p50", "http p95", "bm25 p50", "recall real", "recall derived"]
    print(" | ".join(head))
    for r in results:
        b, a, h = r["build"], r["ask"], r["http"]
        build = b["seconds"] - b["phases"].get("embed (stand-in)", 0.0)
        startup = a["model_load_s"] + a["load_index_s"] + a["engine_s"]
        print(" | ".join(str(x) for x in [
            f"{r['passages']:,}", f"{b['chunks']:,}", f"{build:.0f}", human_bytes(sum(r["disk"].values())),
            f"{startup:.2f}", f"{a['rss_after_startup_mib']['VmRSS']:.0f}",
            f"{a['rss_after_questions_mib']['VmRSS']:.0f}", a["ask_ms"]["p50"], a["ask_ms"]["p95"],
            h["ask_ms"]["p50"], h["ask_ms"]["p95"], a["bm25_ms"]["p50"], a["recall_at_10_real_questions"],
            a["recall_at_10_derived_held_out"]]))



def print_stack_profile(path: str, top: int = 20) -> None:
    """Inclusive share of samples per function from py-spy's raw (collapsed) stacks."""
    import re
    from collections import Counter
    from pathlib import Path

    inclusive: Counter[str] = Counter()
    total = 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        for frame in {re.sub(r":\d+\)$", ")", f) for f in stack.split(";")}:  # a function, whatever its line
            inclusive[frame] += n
    print(f"  py-spy profile of the build ({total} samples), inclusive share:")
    for frame, n in inclusive.most_common(top):
        print(f"    {100 * n / max(1, total):5.1f}%  {frame}")
