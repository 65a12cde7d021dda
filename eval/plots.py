"""PNG plots of a report (matplotlib, Agg backend): recall@k per system and the engine's metrics per kind."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402

from eval.model import Metrics, Report  # noqa: E402
from eval.retrieval import RECALL_KS  # noqa: E402

# Fixed PNG metadata, so that two runs with the same numbers write the same files.
_PNG_META = {"Software": None}
KIND_BARS = [
    ("key-fact recall", "key_fact_recall"), ("evidence R@5", "evidence_recall_at_5"),
    ("citation recall", "citation_recall"), ("citation precision", "citation_precision"),
]


def _correct_abstention(kind: str, m: Metrics) -> float | None:
    # Unanswerable questions: abstaining is right; every other kind: answering is right.
    if kind == "unanswerable":
        return m.abstention_recall
    return None if m.false_abstention_rate is None else 1.0 - m.false_abstention_rate


def recall_curves(report: Report, path: Path) -> Path:
    """Evidence recall@k (k = 1, 3, 5, 10) for every system, one line each."""
    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    for name, m in report.overall.items():
        values = [getattr(m, f"evidence_recall_at_{k}") for k in RECALL_KS]
        ax.plot(RECALL_KS, [v if v is not None else float("nan") for v in values], marker="o", label=name)
    ax.set(xlabel="k (passages)", ylabel="evidence recall@k", xticks=list(RECALL_KS), ylim=(0, 1.02),
           title=f"Evidence recall@k — {report.meta.split} split ({report.meta.questions} questions)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, metadata=_PNG_META)
    plt.close(fig)
    return path


def per_kind_bars(report: Report, path: Path, system: str = "engine") -> Path:
    """Grouped bars per question kind: the system's key metrics and its share of correct (non-)abstentions."""
    per_kind = report.per_kind[system]
    kinds = list(per_kind)
    bars = [*KIND_BARS, ("correct abstain/answer", "")]
    width = 0.8 / len(bars)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.9 * len(kinds) + 2), 4.5), dpi=110)
    for i, (label, name) in enumerate(bars):
        values = [getattr(per_kind[k], name) if name else _correct_abstention(k, per_kind[k]) for k in kinds]
        xs = [j + (i - (len(bars) - 1) / 2) * width for j in range(len(kinds))]
        ax.bar(xs, [v if v is not None else float("nan") for v in values], width=width, label=label)
    ax.set_xticks(range(len(kinds)), [f"{k}\n(n={per_kind[k].questions})" for k in kinds], rotation=30,
                  ha="right", fontsize=8)
    ax.set(ylabel="score", ylim=(0, 1.05), title=f"{system} per question kind — {report.meta.split} split")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.28))
    fig.tight_layout()
    fig.savefig(path, metadata=_PNG_META)
    plt.close(fig)
    return path


def write_plots(report: Report, out: Path) -> list[str]:
    """Write the plots into `out`; returns their file names."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [recall_curves(report, out / "recall_at_k.png")]
    if "engine" in report.per_kind:
        paths.append(per_kind_bars(report, out / "per_kind.png"))
    return [p.name for p in paths]
