"""A finding on another vitamin, phase or type than the one the question names settles nothing: quoted as the
closest passage, it gets no stance, and the answer says the cited findings do not settle the question
(`qa.qualifiers`: "vitamin C" is not "vitamin D", as "phase I" is not "phase II")."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.verdict import NOT_SETTLED
from tests.qa.small_library import engine_over

TRIAL = """# Vitamin C and complex regional pain syndrome after wrist fractures

## Background

Complex regional pain syndrome is a painful complication of wrist fractures.

## Methods

Patients with wrist fractures were randomized to a daily dose of vitamin C or placebo for fifty days.

## Results

The prevalence of complex regional pain syndrome was 2.4% in the vitamin C group and 10.1% in the placebo group.

## Conclusions

Vitamin C reduces the prevalence of complex regional pain syndrome after wrist fractures.
"""
CONCLUSION = "Vitamin C reduces the prevalence"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over({"vitamin-c-trial": TRIAL}, tmp_path_factory.mktemp("vitamins"), embedder)


def test_the_vitamin_asked_gets_its_verdict(engine: AnswerEngine) -> None:
    answer = engine.ask("Can vitamin C prevent complex regional pain syndrome after wrist fractures?")
    assert any(CONCLUSION in c.text for c in answer.citations), answer.answer
    assert answer.verdict is not None and answer.verdict.label == "Yes", answer.answer


def test_a_finding_on_another_vitamin_settles_nothing(engine: AnswerEngine) -> None:
    answer = engine.ask("Can vitamin D prevent complex regional pain syndrome after wrist fractures?")
    cited = next(c for c in answer.citations if CONCLUSION in c.text)  # still the closest passage, quoted
    assert cited.stance is None
    assert answer.verdict is None and answer.answer.startswith(NOT_SETTLED), answer.answer
