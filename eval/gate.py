"""The CI gate: per-metric minimums for the answer engine, read from `eval/thresholds.toml`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from eval.errors import ThresholdsError
from eval.model import GateFailure, GateResult, Metrics

DEFAULT_THRESHOLDS = Path(__file__).parent / "thresholds.toml"
GATED_SYSTEM = "engine"


def load_thresholds(path: Path = DEFAULT_THRESHOLDS, system: str = GATED_SYSTEM) -> dict[str, float]:
    """The `[system]` table of the thresholds file; every key must name a metric of `Metrics`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThresholdsError(f"cannot read thresholds {path}: {exc}") from exc
    table = data.get(system)
    if not isinstance(table, dict) or not table:
        raise ThresholdsError(f"{path} has no [{system}] table of thresholds")
    unknown = sorted(set(table) - set(Metrics.model_fields))
    if unknown:
        known = ", ".join(Metrics.model_fields)
        raise ThresholdsError(f"{path}: unknown metric(s) {', '.join(unknown)}; known: {known}")
    bad = [k for k, v in table.items() if isinstance(v, bool) or not isinstance(v, int | float)]
    if bad:
        raise ThresholdsError(f"{path}: thresholds must be numbers: {', '.join(bad)}")
    return {k: float(v) for k, v in table.items()}


def check(metrics: Metrics, thresholds: dict[str, float], system: str = GATED_SYSTEM) -> GateResult:
    """Every metric below its minimum; an undefined (None) metric fails any minimum above zero."""
    failures = []
    for name, minimum in sorted(thresholds.items()):
        value = getattr(metrics, name)
        if (value if value is not None else 0.0) < minimum - 1e-9 or (value is None and minimum > 0):
            failures.append(GateFailure(metric=name, value=value, minimum=minimum))
    return GateResult(system=system, thresholds=thresholds, failures=failures)


def describe(result: GateResult) -> str:
    """A readable verdict, one line per metric below its minimum."""
    if result.passed:
        return f"gate passed: {result.system} meets all {len(result.thresholds)} thresholds"
    lines = [f"gate failed: {len(result.failures)} metric(s) of {result.system} below threshold"]
    for f in result.failures:
        value = "undefined" if f.value is None else f"{f.value:.4f}"
        lines.append(f"  {f.metric}: {value} < {f.minimum:.4f}")
    return "\n".join(lines)
