"""A yes/no question on how a study was designed (randomised, blinded, placebo-controlled) is answered only by a
passage that says so: "Was the Chang et al. trial randomised and placebo-controlled?" got "Verdict: Yes" from the
trial's finding. Real model, real indexes (the built-in reviews and a small library of its own)."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.study_design import asked_design, says_design
from tests.qa.small_library import engine_over

PAPERS = {
    "caffeine-trial": """# Caffeine citrate for apnoea of prematurity

## Methods

In this randomized, double-blind, placebo-controlled trial, preterm infants born before 32 weeks were given
caffeine citrate or saline.

## Results

Caffeine citrate reduced the number of apnoea episodes in preterm infants within the first week of treatment.
""",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(PAPERS, tmp_path_factory.mktemp("papers"), embedder)


def test_design_words_asked_and_said() -> None:
    assert asked_design("Was the trial randomised and placebo-controlled?") == ["randomised", "placebo-controlled"]
    assert asked_design("Were the parents blinded?") == ["blinded"] == asked_design("Was it double-blind?")
    assert asked_design("Are blind pedestrians accurate at crossing streets?") == []  # not a design
    assert says_design("a randomized controlled trial", ["randomised"])
    assert says_design("infants were randomly divided", ["randomised"])
    assert not says_design("Phase I clinical trial/ intratracheal; ↓ BPD severity", ["randomised", "blinded"])


def test_a_finding_does_not_say_how_the_study_was_designed(engine: AnswerEngine) -> None:
    answer = engine.ask("Was the Wu et al. phase II BPD trial double-blind?")
    assert not answer.answered and answer.verdict is None, answer.answer
    assert answer.answer.endswith("no passage found says whether the study was blinded.")


def test_a_passage_that_names_the_design_answers(library: AnswerEngine) -> None:
    answer = library.ask("Was the caffeine trial for apnoea of prematurity randomised?")
    assert answer.answered and any("randomized, double-blind" in c.text for c in answer.citations), answer.answer
