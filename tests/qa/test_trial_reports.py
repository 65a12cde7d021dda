"""Answers from a trial report written as journals write them: numbers in a table whose columns are the arms,
and citations set after the sentence's period (Vancouver style)."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from tests.qa.small_library import engine_over

REPORT = """# Erythropoietin for neuroprotection in extremely preterm infants

## Results

There was no significant difference in death or severe neurodevelopmental impairment at 2 years between the
groups (26% vs 26%; RR 1.03; 95% CI 0.81-1.32).[2,3] Serious adverse events did not differ.

## Table 1

| Outcome | EPO (n=376) | Placebo (n=365) |
|---|---|---|
| Death or severe NDI | 97 (26%) | 94 (26%) |
| Severe retinopathy of prematurity | 45 (12%) | 38 (10%) |
| Route of administration | intravenous | intravenous |

## References

1. Juul SE, Comstock BA. Erythropoietin in preterm infants. Semin Perinatol 2019; 43: 1-9.
2. Natalucci G, Latal B. Effect of early prophylactic erythropoietin. JAMA 2016; 315: 2079-85.
3. Fauchere JC, Koller BM. Safety of early high-dose erythropoietin. Pediatrics 2015; 135: e9.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over({"epo-trial": REPORT}, tmp_path_factory.mktemp("trial"), embedder)


def test_a_citation_after_the_period_is_the_sentences_and_reads_before_it(engine: AnswerEngine) -> None:
    answer = engine.ask("Did erythropoietin reduce death or severe neurodevelopmental impairment at 2 years?")
    quoted = next(c for c in answer.citations if "no significant difference" in c.text)
    assert quoted.text.endswith("0.81-1.32).[2,3]")  # the cited span holds the source's own citation
    assert quoted.reference_numbers == [2, 3] and "Natalucci G" in quoted.references[0]
    # In the answer the source's brackets read as parentheses, before the answer's marker and the period.
    assert f"0.81-1.32) (2,3) [{quoted.marker}]." in answer.answer, answer.answer


def test_a_number_in_a_table_row_is_named_by_its_column(engine: AnswerEngine) -> None:
    answer = engine.ask("How often was severe retinopathy of prematurity seen with erythropoietin and placebo?")
    assert "Severe retinopathy of prematurity: EPO (n=376) 45 (12%); Placebo (n=365) 38 (10%)" in answer.answer, \
        answer.answer
    # A value that says what it is keeps its own words.
    route = engine.ask("Which route of administration was used for erythropoietin and placebo?")
    assert "Route of administration: intravenous; intravenous" in route.answer, route.answer
