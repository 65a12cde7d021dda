"""The CI gate: the full engine on the test split must meet eval/thresholds.toml (real model, real index)."""

from __future__ import annotations

import pytest

from eval.gate import describe, load_thresholds
from eval.gold import DEFAULT_GOLD, REQUIRED_KINDS, load_gold
from eval.model import Report
from eval.runner import evaluate
from eval.systems import SYSTEMS
from index.search import SearchIndex


@pytest.fixture(scope="module")
def test_report(search_index: SearchIndex) -> Report:
    return evaluate(search_index, load_gold(split="test"), gold=str(DEFAULT_GOLD), split="test")


def test_engine_meets_thresholds_on_test_split(test_report: Report) -> None:
    assert test_report.gate is not None
    if not test_report.gate.passed:
        pytest.fail(describe(test_report.gate) + "\n(see `qa eval --split test` for the per-question report)",
                    pytrace=False)


def test_gate_uses_the_checked_in_thresholds(test_report: Report) -> None:
    assert test_report.gate is not None and test_report.gate.thresholds == load_thresholds()


def test_every_system_and_kind_is_reported(test_report: Report) -> None:
    assert list(test_report.overall) == list(SYSTEMS)
    assert set(test_report.per_kind["engine"]) == set(REQUIRED_KINDS)
    questions = len(load_gold(split="test"))
    assert len(test_report.results) == questions * len(SYSTEMS)
    for name, m in test_report.overall.items():
        assert m.questions == questions, name
        assert m.evidence_recall_at_5 is not None and m.key_fact_recall is not None, name
        recalls = [getattr(m, f"evidence_recall_at_{k}") for k in (1, 3, 5, 10)]
        assert recalls == sorted(recalls), f"{name}: recall@k must grow with k"


def test_retrievers_quote_their_passage_exactly(test_report: Report) -> None:
    # A retriever's answer is its top passage, cited per sentence: exact by construction.
    for name in ("bm25", "dense", "hybrid"):
        m = test_report.overall[name]
        assert m.citation_integrity == 1.0, name
        assert m.citation_recall is not None and m.citation_recall > 0.95, name


def test_two_runs_give_the_same_numbers(search_index: SearchIndex, test_report: Report) -> None:
    again = evaluate(search_index, load_gold(split="test"), gold=str(DEFAULT_GOLD), split="test")
    assert again.numbers() == test_report.numbers()
