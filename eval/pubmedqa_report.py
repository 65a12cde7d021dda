"""Write a PubMedQA `PubMedReport` as report.json and report.md, with the questions that went wrong."""

from __future__ import annotations

import json
from pathlib import Path

from eval.pubmedqa_model import PubMedMetrics, PubMedReport, PubMedResult

SHOWN_FAILURES = 15
ROWS = [
    ("right abstract cited first", "doc_first"), ("right abstract cited anywhere", "doc_any"),
    ("finding cited (results or conclusions of the right abstract)", "finding_cited"),
    ("answered", "answered"), ("yes/no detected", "yes_no_detected"),
    ("verdict coverage (cross-validated)", "verdict_coverage"),
    ("verdict accuracy where shown (cross-validated)", "verdict_accuracy"),
    ("verdict coverage, mean of the outer splits", "verdict_coverage_mean"),
    ("verdict accuracy, mean of the outer splits", "verdict_accuracy_mean"),
    ("questions judged with the stance encoder (out of fold)", "encoder_read"),
    ("verdict coverage, shipped model (saw these questions)", "shipped_verdict_coverage"),
    ("verdict accuracy, shipped model (saw these questions)", "shipped_verdict_accuracy"),
    ("answer length (words)", "answer_words"), ("latency p50 (ms)", "latency_p50_ms"),
    ("latency p95 (ms)", "latency_p95_ms"),
    ("answered without its abstract, from other abstracts (held-out half)", "answered_without_abstract"),
    ("verdict without its abstract (held-out half; should be low)", "verdict_without_abstract"),
    ("verdict on the nearest other paper's conclusion (cross-validated; should be low)", "verdict_on_unrelated"),
    ("answered, kept to its own abstract", "answered_kept_to_own"),
    ("answered, kept to another question's abstract (should be low)", "answered_kept_to_other"),
]


def _fmt(value: float | None) -> str:
    if isinstance(value, int):  # a count
        return str(value)
    return "–" if value is None else (f"{value:.1f}" if value > 1 else f"{value:.3f}")


def overall_lines(m: PubMedMetrics) -> list[str]:
    """The metrics as `label: value` lines (for the terminal and the markdown table)."""
    return [f"{label}: {_fmt(getattr(m, name))}" for label, name in ROWS]


def _problems(r: PubMedResult) -> str:
    out = []
    if not r.doc_first:
        out.append("first citation from another abstract" if r.doc_any else "right abstract not cited")
    if r.doc_any and not r.finding_cited:
        out.append("no results/conclusions sentence cited")
    if r.verdict_correct is False:
        out.append(f"verdict {r.verdict} vs decision {r.decision}")
    return "; ".join(out)


def to_markdown(report: PubMedReport) -> str:
    m = report.metrics
    lines = [
        "# PubMedQA evaluation", "",
        f"{m.questions} dev questions over {report.corpus}; data {Path(report.data).name} (PubMedQA, Jin et al. "
        "2019, MIT). Each question is the title of one abstract; the right abstract is that one.",
        f"Verdicts are cross-validated: {report.folds} folds, each fold judged by a stance model fitted on the "
        f"others (thresholds {', '.join(f'{t:.2f}' for t in report.fold_thresholds)}, chosen by inner CV for "
        f"precision ≥ {report.target_precision:.2f}). The {m.asked_without_abstract} odd-position questions were "
        "also asked of a library without their own abstracts (the topicality model learnt from the even ones).",
        "",
        "| metric | value |", "|---|---|",
    ]
    lines += [f"| {label} | {_fmt(getattr(m, name))} |" for label, name in ROWS]
    if m.verdict_splits:
        lines += ["", "## Verdict over each outer split", "",
                  "Split 0 is the round-robin split of the rows below; the others shuffle dev with seeds 1, 2, ... "
                  "Each fold's model is fitted on the other folds only.", "",
                  "| split | shown | coverage | accuracy where shown | fold thresholds |", "|---|---|---|---|---|"]
        lines += [f"| {s.split} | {s.shown} | {_fmt(s.coverage)} | {_fmt(s.accuracy)} | "
                  f"{', '.join(f'{t:.2f}' for t in s.thresholds)} |" for s in m.verdict_splits]
    bad = [r for r in report.results if _problems(r)][:SHOWN_FAILURES]
    lines += ["", f"## First {SHOWN_FAILURES} questions with a problem", ""]
    if not bad:
        lines.append("None.")
    else:
        lines += ["| pmid | question | decision | what went wrong |", "|---|---|---|---|"]
        lines += [f"| {r.pmid} | {r.question.replace('|', '/')} | {r.decision} | {_problems(r)} |" for r in bad]
    return "\n".join(lines) + "\n"


def write_report(report: PubMedReport, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "report.json", out / "report.md"
    json_path.write_text(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n",
                         encoding="utf-8")
    md_path.write_text(to_markdown(report), encoding="utf-8")
    return json_path, md_path
