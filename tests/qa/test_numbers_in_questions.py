"""A number the question names counts as found when the best unit's document says it in a retrieved passage.

A paper's title often names a number ("... in 370 postmenopausal women?") that its abstract's best sentence leaves
to another sentence; a number that no retrieved passage of that document holds is still a sign of a question the
library does not answer ("... at 5 years of age?"). So is a unit of measure the question asks in ("what dose in
cells per kilogram?") that no retrieved passage says (`qa.quantities`)."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.quantities import missing_units, states_a_number, units_named
from tests.qa.small_library import engine_over

ABSTRACTS = {
    "bone-markers": """# Bone turnover markers and bone histomorphometry

## Methods

We studied 370 postmenopausal women who underwent a transiliac bone biopsy after double tetracycline labelling.
Serum bone alkaline phosphatase and procollagen type I N-terminal propeptide were measured on the same day.

## Results

Bone turnover markers were significantly but modestly associated with the histomorphometric parameters of bone
formation and resorption.

## Conclusions

Biochemical markers of bone turnover reflect bone histomorphometry only modestly in postmenopausal women.
""",
    "caffeine-apnoea": """# Caffeine for apnoea of prematurity

## Results

Caffeine citrate reduced the number of apnoea episodes in preterm infants within the first week of treatment.
The loading dose was 20 mg/kg of caffeine citrate, followed by 10 mg/kg daily.

## Conclusions

Caffeine is an effective treatment for apnoea of prematurity.
""",
    "stir-mri": """# Whole-body MRI for bone metastases

## Results

T1-weighted sequences detected more bone metastases than STIR at both field strengths (1.5T and 3T) in
oncological patients; patients with OTA/AO 31A1-3 fractures were excluded.

## Conclusions

A whole-body MRI protocol for bone metastases can omit the STIR sequence.
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(ABSTRACTS, tmp_path_factory.mktemp("abstracts"), embedder)


def _number_mismatch(engine: AnswerEngine, question: str) -> float:
    return engine.features(question)["number_mismatch"]


def test_a_title_number_said_elsewhere_in_the_abstract_is_found(engine: AnswerEngine) -> None:
    question = "Are biochemical markers of bone turnover representative of bone histomorphometry in 370 women?"
    assert _number_mismatch(engine, question) == 0.0
    answer = engine.ask(question)
    assert answer.answered and answer.citations[0].doc_id == "bone-markers", answer.answer


def test_a_number_the_document_does_not_say_is_a_mismatch(engine: AnswerEngine) -> None:
    assert _number_mismatch(engine, "Are biochemical markers of bone turnover representative in 37 women?") == 1.0
    # "37" is not found inside "370": numbers are compared whole.
    assert _number_mismatch(engine, "Does caffeine reduce apnoea of prematurity at 5 years of age?") == 1.0


def test_a_number_written_against_its_unit_is_found(engine: AnswerEngine) -> None:
    # "1.5T" and "31A1-3" hold 1.5, 3 and 31; the question writes them apart from their unit or label.
    question = "MR diagnosis of bone metastases at 1.5 T and 3 T without OTA 31 A1-3 fractures: can STIR be omitted?"
    assert _number_mismatch(engine, question) == 0.0
    assert _number_mismatch(engine, "MR diagnosis of bone metastases at 7 T: can STIR be omitted?") == 1.0


@pytest.mark.parametrize(("text", "units"), [
    ("What dose in cells per kilogram was given?", {"kilogram"}),
    ("10^6 cells/kg", {"kilogram"}),
    ("20 mg/kg daily", {"milligram", "kilogram"}),
    ("5mg", {"milligram"}),
    ("What percentage of infants, and 98%?", {"percent"}),
    ("an image of milk in the imaging room", set()),  # "mg" inside a word is not a unit
])
def test_units_are_found_spelt_out_or_as_symbols(text: str, units: set[str]) -> None:
    assert units_named(text) == units


def test_a_unit_is_missing_only_when_no_text_says_it() -> None:
    question = "What dose of caffeine in milligrams per kilogram was given?"
    assert missing_units(question, ["The loading dose was 20 mg/kg."]) == []
    assert missing_units(question, ["Caffeine was given once daily.", "The dose was 20 mg."]) == ["kilogram"]
    assert missing_units(question, []) == ["kilogram", "milligram"]


def test_a_unit_the_documents_do_not_say_is_a_mismatch(engine: AnswerEngine) -> None:
    # The caffeine abstract gives its doses per kilogram, not per litre or in percent.
    assert _number_mismatch(engine, "What dose of caffeine citrate in mg per kilogram was given?") == 0.0
    assert _number_mismatch(engine, "What caffeine citrate concentration in milligrams per litre was reached?") == 1.0


@pytest.mark.parametrize(("text", "states"), [
    ("The loading dose was 20 mg/kg [1].", True),
    ("Breast milk contains thousands of cells per milliliter (2) [1].", True),
    ("nine premature infants", True),
    ("In a study by Pisano et al (45), vesicles were given once intraperitoneally [1].", False),  # a reference
    ("It is one of the major issues of prematurity [1].", False),  # "one of" is no quantity
    ("via a COX-2 dependent mechanism, with TRA-1-60, SSEA4 and CD105 (10, 11) [2]", False),  # names
    ("Chang et al. reported it in 2014 (39) [1].", False),  # a year
])
def test_a_number_is_stated_apart_from_citations_years_and_names(text: str, states: bool) -> None:
    assert states_a_number(text) is states
