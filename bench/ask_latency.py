"""`qa ask` latency in-process on the built-in corpus: p50/p95 over a fixed question list, split into
retrieval and composition, against a plain dense top-5 retrieval on the same index (the floor).

Each question is new to the engine (no cached query vector): the timings include embedding the question.
Run: `.venv/bin/python bench/ask_latency.py [--rounds 3]`
"""

from __future__ import annotations

import argparse
import time

from _common import builtin_engine, percentile

QUESTIONS = [
    "Which routes were used for BPD?",
    "Have breast milk stem cells been tried in infants with NEC?",
    "What is microchimerism?",
    "How many newborns with severe HIE were included in the pilot study of cord blood cells?",
    "Which journal published the phase I BPD trial by Chang et al.?",
    "Which pluripotency markers did Hassiotou et al. find in breast milk stem cells?",
    "In what year were stem cells first described in breast milk?",
    "Do secretions from stem cells avoid the risks of live-cell therapy?",
    "Which stem cell types were used for NEC?",
    "What did Zani et al. report about amniotic fluid stem cells?",
    "Which surfactant preparation works best for RDS?",
    "Who won the 2018 World Cup?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question list")
    args = parser.parse_args()
    engine, index, embedder = builtin_engine()
    total, retrieve, compose, floor = [], [], [], []
    for r in range(args.rounds):
        for q in QUESTIONS:
            q = f"{q} (round {r})" if r else q  # a new string each round: no cached query vector
            embedder._query.cache_clear()
            t = time.perf_counter()
            index.search(q, 5, "dense")
            floor.append((time.perf_counter() - t) * 1000)
            embedder._query.cache_clear()
            t = time.perf_counter()
            answer = engine.ask(q)
            total.append((time.perf_counter() - t) * 1000)
            retrieve.append(answer.timings_ms["retrieve"])
            compose.append(answer.timings_ms["compose"])
    print(f"questions: {len(total)} ({len(QUESTIONS)} x {args.rounds} rounds), 2-core CPU")
    print(f"{'':24}{'p50 ms':>10}{'p95 ms':>10}")
    for name, values in [("qa ask (total)", total), ("  retrieval+scoring", retrieve), ("  composition", compose),
                         ("dense top-5 (floor)", floor)]:
        print(f"{name:24}{percentile(values, 0.5):10.1f}{percentile(values, 0.95):10.1f}")
    print(f"ask / floor (p50)       {percentile(total, 0.5) / percentile(floor, 0.5):.2f}x  (goal: p50 <= 50 ms)")


if __name__ == "__main__":
    main()
