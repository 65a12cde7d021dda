"""`qa eval`: run the gold questions through the retrievers and the engine, write the report, apply the gate.

Heavy imports (model, index, matplotlib) happen inside the handler, so `qa --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.gold import DEFAULT_GOLD

if TYPE_CHECKING:
    from index.search import SearchIndex

DEFAULT_OUT = Path("eval/reports/latest")
SYSTEM_NAMES = ("bm25", "dense", "hybrid", "engine")


def _systems(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in SYSTEM_NAMES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"systems are a comma-separated subset of {','.join(SYSTEM_NAMES)}")
    return names


def register(sub: Any) -> None:
    """Add the `eval` sub-command to the `qa` parser."""
    p = sub.add_parser(
        "eval", help="evaluate retrieval, answers, grounding and abstention on the gold questions",
        description="Runs BM25, dense and hybrid retrieval and the full answer engine on the gold questions "
                    "(same index), and writes report.json, report.md and PNG plots. The index comes from the "
                    "settings (QA_INDEX_DIR, ...) and is built if missing or stale. Metrics are defined in "
                    "eval/README.md; on the test split the engine is checked against eval/thresholds.toml.",
    )
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD,
                   help="gold questions, JSON lines (default: the built-in eval/gold.jsonl)")
    p.add_argument("--split", choices=["dev", "test", "all"], default="test",
                   help="which questions (default test)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report folder (default {DEFAULT_OUT})")
    p.add_argument("-k", type=int, default=5,
                   help="the engine's k, 1-20 (default 5): how many related passages it lists, not what it "
                        "answers from; the retrievers always rank 10 for recall@1/3/5/10")
    p.add_argument("--systems", type=_systems, default=SYSTEM_NAMES,
                   help="comma-separated subset of bm25,dense,hybrid,engine (default: all four)")
    p.add_argument("--index-dir", help="index folder (default: .index or QA_INDEX_DIR)")
    p.add_argument("--gate", action="store_true",
                   help="exit 1 when the engine is below a threshold (needs --split test)")
    p.add_argument("--thresholds", type=Path,
                   help="minimums for the engine on the test split (default: eval/thresholds.toml)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--suite", choices=["builtin", "pubmedqa"], default="builtin",
                   help="builtin: the gold questions on the built-in reviews (default); pubmedqa: 1,000 PubMed "
                        "abstracts indexed in a temporary folder and their dev questions (see eval/README.md)")
    p.add_argument("--limit", type=int, help="pubmedqa: ask only the first N dev questions")
    p.add_argument("--corpus-size", type=int,
                   help="pubmedqa: index only N abstracts (the asked ones first), for quick runs (default: all)")
    p.add_argument("--outer-splits", type=int,
                   help="pubmedqa: measure the cross-validated verdict over N outer 5-fold splits (default 3, at most "
                        "10; the first is the report's rows)")
    p.set_defaults(handler=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    """Handler of `qa eval`: the PubMedQA suite, or the builtin one on the index named by the settings."""
    if args.suite == "pubmedqa":
        return run_pubmedqa(args)
    if args.limit is not None or args.corpus_size is not None or args.outer_splits is not None:
        from eval.errors import EvalError

        raise EvalError("--limit, --corpus-size and --outer-splits apply to --suite pubmedqa")
    return run(args)


def run_pubmedqa(args: argparse.Namespace) -> int:
    """`qa eval --suite pubmedqa`: build, index, ask, score; writes report.json and report.md."""
    from eval.errors import EvalError
    from eval.pubmedqa import DEFAULT_OUT as PUBMEDQA_OUT
    from eval.pubmedqa import MAX_OUTER_SPLITS, OUTER_SPLITS, run_suite
    from eval.pubmedqa_report import overall_lines

    if args.gate:
        raise EvalError("--gate applies to the builtin suite's test split")
    for name in ("limit", "corpus_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise EvalError(f"--{name.replace('_', '-')} must be at least 1")
    splits = OUTER_SPLITS if args.outer_splits is None else args.outer_splits
    if not 1 <= splits <= MAX_OUTER_SPLITS:
        raise EvalError(f"--outer-splits must be between 1 and {MAX_OUTER_SPLITS}")
    out = PUBMEDQA_OUT if args.out == DEFAULT_OUT else args.out
    report = run_suite(args.limit, args.corpus_size, out, Path(args.index_dir) if args.index_dir else None,
                       progress=not args.no_progress, outer_splits=splits)
    print("\n".join(overall_lines(report.metrics)))
    return 0


def run(args: argparse.Namespace, index: SearchIndex | None = None) -> int:
    """Evaluate with `index` (default: the settings' one, built as needed), write the report to `args.out`."""
    from eval.errors import EvalError
    from eval.gate import DEFAULT_THRESHOLDS, describe, load_thresholds
    from eval.gold import load_gold
    from eval.plots import write_plots
    from eval.report import overall_text, write_report
    from eval.runner import evaluate
    from qa.engine import AnswerEngine
    from qa.loading import open_index
    from qa.settings import Settings
    from qa.stance import StanceModel

    if not 1 <= args.k <= 20:
        raise EvalError("-k must be between 1 and 20")
    if args.gate and args.split != "test" or args.gate and "engine" not in args.systems:
        raise EvalError("--gate applies to the engine on the test split: use --split test and include engine")
    items = load_gold(args.gold, args.split)  # fail on bad input files before loading the model
    thresholds = load_thresholds(args.thresholds or DEFAULT_THRESHOLDS)
    overrides: dict[str, Any] = {"index_dir": Path(args.index_dir)} if args.index_dir else {}
    settings = Settings(**overrides)
    started = time.perf_counter()
    if index is None:
        index = open_index(settings, build_if_needed=True)
        print(f"index loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    engine = AnswerEngine(index, settings.max_question_chars, stance=StanceModel.default(settings.cache_dir))
    started = time.perf_counter()
    report = evaluate(index, items, gold=str(args.gold), split=args.split, k=args.k,
                      systems=tuple(args.systems), engine=engine, thresholds=thresholds,
                      progress=not args.no_progress)
    plots = write_plots(report, args.out)
    json_path, md_path = write_report(report, args.out, plots)
    print(overall_text(report))
    print(f"\n{len(items)} questions × {len(args.systems)} systems in {time.perf_counter() - started:.1f} s; "
          f"wrote {md_path}, {json_path} and {', '.join(plots)} in {args.out}")
    if report.gate is not None:
        print(describe(report.gate))
        if args.gate and not report.gate.passed:
            return 1
    return 0
