"""Tables (tab-separated rows, as the parser reads them) with their abbreviation legends, and bulleted lists."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from eval.synthetic import names
from eval.synthetic.names import Entity
from eval.synthetic.sources import Pools

if TYPE_CHECKING:
    from eval.synthetic.documents import GeneratedDocument

_COMMON = [("RCT", "randomized controlled trial"), ("CI", "confidence interval"), ("SD", "standard deviation"),
           ("OR", "odds ratio"), ("HR", "hazard ratio"), ("IQR", "interquartile range")]
_GENERIC_OUTCOMES = ["Length of stay, days", "Mortality, n (%)", "Age, years", "Weight, kg", "Readmission, n (%)",
                     "Time to recovery, days", "Adverse events, n (%)", "Duration of treatment, weeks"]
_EFFECTS = ["Feasible and safe", "No serious adverse events", "No significant effect", "Well tolerated"]


def _legend(rng: random.Random, entries: list[tuple[str, str]]) -> str:
    extra = rng.sample(_COMMON, k=max(1, 3 - len(entries)))
    seen: dict[str, str] = {}
    for short, long_form in [*entries, *extra]:
        seen.setdefault(short, long_form)
    return "; ".join(f"{s}: {lf}" for s, lf in sorted(seen.items(), key=lambda p: p[0].lower())) + "."


def _effect(rng: random.Random, entities: list[Entity], pools: Pools) -> str:
    cells = pools.table_cells.get("Effect", [])
    roll = rng.random()
    if roll < 0.2 and cells:
        return rng.choice(cells)
    if roll < 0.45:
        return rng.choice(_EFFECTS)
    parts = [f"{rng.choice('↓↑')} {rng.choice([e.short, e.long])}" for e in rng.sample(entities, min(2, len(entities)))]
    return " ".join(parts)


def _studies(rng: random.Random, doc: GeneratedDocument, pools: Pools) -> tuple[list[list[str]], set[Entity]]:
    conditions = [e for e in doc.entities if e.kind == "condition"]
    agents = [e for e in doc.entities if e.kind == "cells"]
    used: set[Entity] = set()
    rows = [["Study", "Phase / Route", "Intervention", "Condition", "Effect"]]
    for surname, number in rng.sample(doc.cited, min(len(doc.cited), rng.randint(6, 20))):
        condition = rng.choice(conditions)
        agent = rng.choice(agents) if agents and rng.random() < 0.6 else None
        used |= {condition, *([agent] if agent else [])}
        rows.append([f"{surname} et al. ({number})", f"{names.design(rng).capitalize()}/{names.route(rng)}",
                     agent.short if agent else rng.choice(doc.drugs), condition.short,
                     _effect(rng, doc.entities, pools)])
    return rows, used


def _results(rng: random.Random, doc: GeneratedDocument) -> tuple[list[list[str]], set[Entity]]:
    treated, control = rng.randint(12, 400), rng.randint(12, 400)
    rows = [["Outcome", f"{doc.drugs[0].capitalize()} (n = {treated})", f"Control (n = {control})", "P value"]]
    outcomes = [e.short for e in doc.entities] + rng.sample(_GENERIC_OUTCOMES, 3)
    for outcome in outcomes:
        mean = rng.uniform(1, 120)

        def value(m: float) -> str:
            return f"{m:.1f} ± {rng.uniform(0.1, 0.4) * m:.1f}"

        rows.append([outcome, value(mean), value(mean * rng.uniform(0.6, 1.4)), f"{rng.uniform(0.001, 0.9):.3f}"])
    return rows, set(doc.entities)


def table(rng: random.Random, doc: GeneratedDocument, pools: Pools, review: bool) -> tuple[str, str, str]:
    """(the table's lines, its legend, which kind of table) for a document."""
    rows, used = _studies(rng, doc, pools) if review and doc.cited else _results(rng, doc)
    legend = _legend(rng, [(e.short, e.long) for e in doc.entities if e in used])
    if not review:
        legend = legend[:-1] + "; SD: standard deviation." if "SD:" not in legend else legend
    return "\n".join("\t".join(r) for r in rows), legend, "studies" if rows[0][0] == "Study" else "results"


def bullet_list(rng: random.Random, entities: list[Entity], cited: list[tuple[str, int]]) -> list[str]:
    """An introducing sentence ending in a colon, then a block of "- item" lines."""
    number = rng.choice(cited)[1] if cited else 1
    items = [f"{e.long[0].upper()}{e.long[1:]}" for e in entities] + [names.route(rng).capitalize() + " delivery"
                                                                     for _ in range(rng.randint(1, 3))]
    intro = f"The approaches described so far can be grouped as follows ({number}):"
    return [intro, "\n".join(f"- {item}" for item in dict.fromkeys(items))]
