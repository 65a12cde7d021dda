"""What the verdict adds to an answer: the time of `qa.verdict.decide` (both stages of the shipped stance model and
its stance encoder on a question's cited findings), over the findings the engine cited for the 500 PubMedQA dev
questions (`eval/data/pubmedqa/cited.jsonl`, with the conclusion paragraphs the encoder reads; no index needed).
The baseline, measured in the same run: the word model alone (the verdict without the encoder); and the encoder
reading the quoted sentences bare (as before it read a conclusion sentence's paragraph), for what that costs.

Run: `.venv/bin/python bench/verdict_latency.py [--rounds 3]`
"""

from __future__ import annotations

import argparse
import time

from _common import percentile

from eval.pubmedqa_cited import load_cited
from qa.model import Citation
from qa.stance import StanceModel
from qa.verdict import decide


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    model = StanceModel.default()
    load_ms = 1000 * (time.perf_counter() - started)
    cases = [(row.question, [Citation(doc_id=f.doc_id, title="", section=f.section, kind="sentence", start=0,
                                      end=len(f.text), text=f.text, score=1.0, marker=m)
                             for m, f in enumerate(row.findings, 1)],
              {m: f.conclusion for m, f in enumerate(row.findings, 1) if f.conclusion})
             for row in load_cited() if row.findings]
    words_only = StanceModel.from_json(model.to_json())  # no encoder attached
    print(f"stance model load (with the encoder's ONNX members): {load_ms:.1f} ms (once per process); "
          f"encoder: {'yes' if model.encoder else 'NONE (word model alone)'}")
    p50s = {}
    for name, judge, paragraphs in (("word model alone", words_only, True), ("with the stance encoder", model, True),
                                    ("with the encoder reading bare sentences", model, False)):
        times = []
        for _ in range(args.rounds):
            for question, citations, conclusions in cases:
                t0 = time.perf_counter()
                decide(judge, question, citations, conclusions if paragraphs else None)
                times.append(1000 * (time.perf_counter() - t0))
        p50s[name] = percentile(times, 0.5)
        print(f"verdict per question, {name}, over {len(cases)} questions x {args.rounds} rounds: "
              f"p50 {p50s[name]:.2f} ms, p95 {percentile(times, 0.95):.2f} ms, max {max(times):.2f} ms")
    print(f"ratio of medians (with encoder / word model alone): "
          f"{p50s['with the stance encoder'] / p50s['word model alone']:.1f}; (paragraphs / bare sentences): "
          f"{p50s['with the stance encoder'] / p50s['with the encoder reading bare sentences']:.2f}")


if __name__ == "__main__":
    main()
