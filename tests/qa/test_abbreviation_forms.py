"""A question's term counts as found in a text that says the abbreviation's other form: "prostate cancer" is in
"PCa patients ...", and "PCa", which the question's expansion adds, is in "men with prostate cancer ..."."""

from __future__ import annotations

import dataclasses

import pytest

from index.embedder import Embedder
from index.lexical import tokenize
from qa.engine import AnswerEngine
from tests.qa.small_library import engine_over

PAPERS = {
    "surveillance": """# Active surveillance

## Methods

Men with prostate cancer (PCa) chose between active surveillance and radical treatment.

## Conclusions

PCa patients mostly preferred active surveillance over radical treatment.
""",
    "radiation-dose": """# Radiation dose preferences

## Conclusions

Most men with localized prostate cancer preferred the lower radiation dose in our survey.
""",
    "knee": """# Knee arthroplasty

## Results

Patella position influenced ligament balancing in total knee arthroplasty.
""",
}
QUESTION = "Do patients with prostate cancer prefer active surveillance?"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(PAPERS, tmp_path_factory.mktemp("papers"), embedder)


def test_the_question_names_both_forms(engine: AnswerEngine) -> None:
    query = engine.analyse(QUESTION, None)
    assert {"prostat", "cancer", "pca"} <= set(query.terms)
    assert frozenset({"prostat", "cancer"}) in query.counterparts["pca"]
    assert frozenset({"pca"}) in query.counterparts["prostat"]


def test_a_text_with_either_form_holds_the_question_terms_of_both(engine: AnswerEngine) -> None:
    query = engine.analyse(QUESTION, None)
    short_only = frozenset(tokenize("PCa patients mostly preferred active surveillance over radical treatment."))
    long_only = frozenset(tokenize("Most men with localized prostate cancer preferred the lower radiation dose."))
    literal = dataclasses.replace(query, counterparts={})
    # Without counterparts each text misses the other form's terms; with them, none of the abbreviation's.
    assert engine.scorer.term_share(query, short_only) > engine.scorer.term_share(literal, short_only)
    assert engine.scorer.term_share(query, long_only) > engine.scorer.term_share(literal, long_only)
    assert engine.scorer.term_share(query, frozenset(tokenize("prostate cancer PCa"))) == pytest.approx(
        engine.scorer.term_share(query, frozenset(tokenize("prostate cancer"))))


def test_the_paper_that_says_it_with_the_short_form_is_cited_first(engine: AnswerEngine) -> None:
    answer = engine.ask(QUESTION)
    assert answer.answered and answer.citations[0].doc_id == "surveillance", answer.answer


def test_the_answer_adds_no_sentence_of_another_study_for_a_form_it_already_says(engine: AnswerEngine) -> None:
    # "men with localized prostate cancer" says "PCa": quoting the surveillance study for the word "PCa" as well
    # would add a finding about another question.
    answer = engine.ask("Which radiation dose did PCa patients prefer?")
    assert answer.answered and [c.doc_id for c in answer.citations] == ["radiation-dose"], answer.answer
