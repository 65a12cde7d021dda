"""A verdict is drawn from findings: a review's summary saying what it covers ("We examine how ...") is its
aim, and a yes/no question it is the nearest passage to gets no verdict, only the line that the cited passages
do not settle it."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.verdict import NOT_SETTLED
from tests.qa.small_library import engine_over

REVIEW = """# Secretome of mesenchymal stem cells for preterm infants

## Summary

We examine how different sources of mesenchymal stem cells, such as bone marrow or umbilical cord, affect the
quality of their secretions. We also look at the pathways they influence, including inflammation and repair.

## Lung injury

Secretions of mesenchymal stem cells reduced lung injury in hyperoxia-exposed rat pups.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over({"secretome-review": REVIEW}, tmp_path_factory.mktemp("aims"), embedder)


def test_a_summary_of_what_a_review_covers_settles_no_yes_no_question(engine: AnswerEngine) -> None:
    answer = engine.ask("Is bone marrow a better source of secretions than umbilical cord?")
    assert answer.answered and answer.citations
    assert all("We examine" in c.text or "We also look" in c.text for c in answer.citations), answer.answer
    assert answer.verdict is None and answer.answer.startswith(NOT_SETTLED), answer.answer
    assert all(c.stance is None for c in answer.citations)


def test_a_finding_still_gets_its_verdict(engine: AnswerEngine) -> None:
    answer = engine.ask("Do secretions of mesenchymal stem cells reduce lung injury in rat pups?")
    assert any("reduced lung injury" in c.text for c in answer.citations), answer.answer
    assert answer.verdict is not None and answer.verdict.label == "Yes", answer.answer
