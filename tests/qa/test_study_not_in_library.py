"""A question about a study the library lacks finds a paper about something else that shares a few of its words:
`document_terms` (qa/abstain.py) tells, and no verdict is drawn from such a paper (`Topicality`); nor is one
drawn for a question that does not say what it asks about."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.abstain import Topicality
from qa.engine import AnswerEngine
from qa.model import Turn
from qa.verdict import NOT_ABOUT, OFF_TOPIC_NOTE, UNNAMED
from tests.qa.small_library import engine_over

PAPERS = {
    "caffeine-apnoea": """# Caffeine for apnoea of prematurity

## Methods

Preterm infants born before 32 weeks of gestation were randomised to caffeine citrate or placebo.

## Results

Caffeine citrate reduced the number of apnoea episodes in preterm infants within the first week of treatment.

## Conclusions

Caffeine is an effective treatment for apnoea of prematurity in preterm infants.
""",
    "donor-milk-nec": """# Donor human milk and necrotising enterocolitis

## Results

Preterm infants fed exclusively donor human milk developed necrotising enterocolitis less often than infants fed
preterm formula.

## Conclusions

Donor human milk protects preterm infants against necrotising enterocolitis.
""",
    "knee-arthroplasty": """# Patella position and ligament balancing

## Results

Keeping the patella reduced changed the flexion gap in most knees during total knee arthroplasty.

## Conclusions

Patella position influences ligament balancing in total knee arthroplasty.
""",
}
ABSENT = "Does erythropoietin given in the first days of life prevent retinopathy in preterm infants?"
PRESENT = "Does caffeine citrate reduce apnoea episodes in preterm infants?"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(PAPERS, tmp_path_factory.mktemp("papers"), embedder)


def _document_terms(engine: AnswerEngine, question: str) -> float:
    return engine.features(question)["document_terms"]


def test_the_best_sentences_document_holds_the_question_terms_only_when_the_study_is_there(
        engine: AnswerEngine) -> None:
    assert _document_terms(engine, PRESENT) > 0.9
    assert _document_terms(engine, ABSENT) < 0.5


def test_no_verdict_from_a_paper_that_is_not_about_the_question(engine: AnswerEngine) -> None:
    present = engine.ask(PRESENT)
    assert present.about_question and present.answer.startswith("Verdict:")
    assert not present.answer.startswith(NOT_ABOUT)
    # The same library with a topicality model that finds no paper about any question: the answer still quotes
    # the closest passages, says that none is about exactly this, and draws no verdict from them.
    strict = AnswerEngine(engine.index, topicality=Topicality(weights={"dense": 1.0}, bias=0.0, threshold=1.0))
    answer = strict.ask(PRESENT)
    assert answer.answered and answer.citations and not answer.about_question
    assert answer.verdict is None and answer.answer.startswith(NOT_ABOUT + "\n")
    assert all(c.stance is None for c in answer.citations)


def test_an_answer_to_another_kind_of_question_from_a_paper_not_about_it_opens_with_a_note(
        engine: AnswerEngine) -> None:
    question = "Which dose of caffeine citrate was given to the preterm infants?"
    assert engine.ask(question).about_question
    assert not engine.ask(question).answer.startswith(OFF_TOPIC_NOTE)
    strict = AnswerEngine(engine.index, topicality=Topicality(weights={"dense": 1.0}, bias=0.0, threshold=1.0))
    answer = strict.ask(question)
    assert answer.answered and not answer.about_question and answer.verdict is None
    assert answer.answer.startswith(OFF_TOPIC_NOTE + "\n") and answer.answer.count(OFF_TOPIC_NOTE) == 1
    assert all(c.stance is None for c in answer.citations)


def test_no_verdict_on_a_question_that_does_not_name_what_it_asks_about(engine: AnswerEngine) -> None:
    cold = engine.ask("Does it reduce apnoea episodes?")
    assert cold.answered and cold.verdict is None and cold.answer.startswith(UNNAMED + "\n"), cold.answer
    assert all(c.stance is None for c in cold.citations)
    # In a conversation about caffeine the same words ask about caffeine.
    history = [Turn(role="user", content="Which drug was given to preterm infants with apnoea?"),
               Turn(role="assistant", content="Caffeine citrate [1].")]
    followed = engine.ask("Does it reduce apnoea episodes?", history)
    assert followed.answered and followed.answer.startswith("Verdict:") and UNNAMED not in followed.answer
