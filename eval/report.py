"""Write an evaluation `Report` as report.json and report.md, with the worst questions explained."""

from __future__ import annotations

import json
from pathlib import Path

from eval.gate import describe
from eval.model import Metrics, QuestionResult, Report

WORST = 10
OVERALL_COLUMNS = [
    ("R@1", "evidence_recall_at_1"), ("R@3", "evidence_recall_at_3"), ("R@5", "evidence_recall_at_5"),
    ("R@10", "evidence_recall_at_10"), ("MRR", "mrr"), ("nDCG@10", "ndcg_at_10"),
    ("key facts", "key_fact_recall"), ("words", "answer_words"), ("cit. recall", "citation_recall"),
    ("cit. precision", "citation_precision"), ("integrity", "citation_integrity"),
    ("abst. P", "abstention_precision"), ("abst. R", "abstention_recall"),
    ("false abst.", "false_abstention_rate"),
]
KIND_COLUMNS = [c for c in OVERALL_COLUMNS if c[1] not in ("abstention_precision", "abstention_recall",
                                                            "false_abstention_rate", "evidence_recall_at_1")]


def fmt(value: float | None, name: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if name == "answer_words" else f"{value:.3f}"


def question_score(r: QuestionResult) -> float:
    """A number to rank the worst questions: mean of fact recall, evidence R@5, abstention, cit. recall."""
    parts = [1.0 if r.answered == r.answerable else 0.0]
    if r.answerable:
        parts += [r.key_fact_recall or 0.0, r.evidence_recall_at_5 or 0.0]
    if r.answered:
        parts.append(r.citation_recall or 0.0)
    return sum(parts) / len(parts)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def issues(r: QuestionResult) -> list[str]:
    """What went wrong on one question, in words."""
    out = [r.error] if r.error else []
    if r.answered and not r.answerable:
        out.append(f"answered an unanswerable question: “{_short(r.answer, 70)}”")
    if not r.answered and r.answerable:
        out.append("abstained on an answerable question")
    if r.missed_facts:
        out.append("missed facts: " + "; ".join(r.missed_facts))
    if r.answerable and (r.evidence_recall_at_5 or 0.0) < 1.0:
        ranks = ", ".join("none" if x is None else str(x) for x in r.evidence_ranks)
        out.append(f"evidence not all in top 5 (first ranks: {ranks})")
    unsupported = [s for s in r.sentences if not s.supported]
    for s in unsupported[:2]:
        why = "no citation" if not s.markers else f"coverage {s.coverage:.2f}"
        out.append(f"unsupported ({why}): “{_short(s.text, 70)}”")
    if len(unsupported) > 2:
        out.append(f"{len(unsupported) - 2} more unsupported sentence(s)")
    imprecise = sorted({m for s in r.sentences if s.supported for m in s.markers if m not in s.precise})
    if imprecise:
        out.append("irrelevant citation(s) " + ", ".join(f"[{m}]" for m in imprecise))
    if r.intact_citations < r.citations:
        out.append(f"{r.citations - r.intact_citations} citation(s) whose text is not the document's span")
    if r.dangling_markers:
        out.append("markers without a citation: " + ", ".join(f"[{m}]" for m in r.dangling_markers))
    return out


def worst(results: list[QuestionResult], system: str = "engine", n: int = WORST) -> list[QuestionResult]:
    """The `n` lowest-scoring questions of `system` that have something wrong, worst first, ties by id."""
    rows = [r for r in results if r.system == system and issues(r)]
    return sorted(rows, key=lambda r: (question_score(r), r.id))[:n]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def _metric_row(m: Metrics, columns: list[tuple[str, str]]) -> list[str]:
    return [fmt(getattr(m, name), name) for _, name in columns]


def to_markdown(report: Report, plots: list[str]) -> str:
    """The human-readable report: overall per system, the gate, per kind for the engine, worst questions."""
    meta = report.meta
    lines = [
        "# Evaluation report", "",
        f"Gold `{Path(meta.gold).name}`, split **{meta.split}** ({meta.questions} questions), "
        f"engine k={meta.k}; index: {meta.model}, chunking {meta.chunking}, corpus {meta.corpus_hash[:12]}.",
        f"Support rule: a sentence is supported when its cited spans hold ≥ {meta.support_ratio:.0%} of its "
        f"content tokens; a citation is irrelevant when the others support the sentence and it alone covers "
        f"< {meta.little_ratio:.0%} (see eval/README.md).",
        "Retrieval-only systems (bm25, dense, hybrid) answer with their top-1 passage, `[1]` after each of "
        "its sentences and one citation to it; they abstain only when they retrieve nothing.", "",
        "## Overall", "",
    ]
    lines += _table(["system"] + [c[0] for c in OVERALL_COLUMNS],
                    [[name] + _metric_row(m, OVERALL_COLUMNS) for name, m in report.overall.items()])
    if report.gate is not None:
        lines += ["", "## Gate (engine, test split, eval/thresholds.toml)", "",
                  "```", describe(report.gate), "```"]
    for system in [s for s in ("engine",) if s in report.per_kind]:
        lines += ["", f"## Per kind ({system})", ""]
        rows = [[kind, str(m.questions)] + _metric_row(m, KIND_COLUMNS)
                + [fmt((m.questions - m.answered) / m.questions if m.questions else None)]
                for kind, m in report.per_kind[system].items()]
        lines += _table(["kind", "n"] + [c[0] for c in KIND_COLUMNS] + ["abstained"], rows)
        lines += ["", f"## Worst {WORST} questions ({system})", ""]
        bad = worst(report.results, system)
        rows = [[r.id, r.kind, f"{question_score(r):.2f}", _short(r.question, 60), "<br>".join(issues(r))]
                for r in bad]
        header = ["id", "kind", "score", "question", "what went wrong"]
        lines += _table(header, rows) if bad else ["Nothing went wrong."]
    if plots:
        lines += ["", "## Plots", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in plots]
    lines += ["", "## Timings (not part of the compared numbers)", "",
              "Seconds per system over all questions, after a warm-up query. The embedder caches query "
              "vectors, so systems run after `dense` reuse them.", ""]
    lines += _table(["system", "total s", "mean ms", "max ms"],
                    [[name, f"{t.seconds:.2f}", f"{t.mean_ms:.1f}", f"{t.max_ms:.1f}"]
                     for name, t in report.timings.items()])
    return "\n".join(lines) + "\n"


def overall_text(report: Report) -> str:
    """A compact overall table for the terminal."""
    columns = [c for c in OVERALL_COLUMNS if c[1] not in ("evidence_recall_at_1", "evidence_recall_at_3")]
    width = max(len(c[0]) for c in columns)
    names = list(report.overall)
    lines = [f"{'':<{width}}  " + "  ".join(f"{n:>8}" for n in names)]
    for label, name in columns:
        lines.append(f"{label:<{width}}  " + "  ".join(f"{fmt(getattr(report.overall[n], name), name):>8}"
                                                     for n in names))
    return "\n".join(lines)


def write_report(report: Report, out: Path, plots: list[str]) -> tuple[Path, Path]:
    """Write report.json and report.md into `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "report.json", out / "report.md"
    json_path.write_text(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n",
                         encoding="utf-8")
    md_path.write_text(to_markdown(report, plots), encoding="utf-8")
    return json_path, md_path
