"""The stance encoder reads a sentence quoted from a study's conclusion with the rest of its paragraph: the
authors' answer is the whole conclusion ("X reduced Y" then "a larger trial is needed" is a hedged yes), and the
encoder learnt from whole conclusions. Real model, real index, real shipped encoder."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.verdict import encoder_reading, reports_a_study
from tests.qa.small_library import engine_over

CONCLUSION = ("Early caffeine reduced the need for mechanical ventilation in very preterm infants. "
              "Feeding intolerance was recorded in four infants of each group. "
              "The effect was small, and a larger multicentre trial is needed before it can be recommended.")
ABSTRACTS = {
    "early-caffeine": f"""# Early caffeine in very preterm infants

## Methods

We randomised 120 infants born before 30 weeks to caffeine citrate on the first or the third day of life.

## Results

Mechanical ventilation was needed by 18 of 60 infants given early caffeine and by 29 of 60 given it later (p = 0.04).

## Conclusions

{CONCLUSION}
""",
    "cord-clamping": """# Delayed cord clamping at term

## Results

Delayed cord clamping raised haemoglobin at 48 hours without more phototherapy for jaundice.

## Conclusions

Delayed cord clamping is safe at term and improves early iron stores.
""",
}
QUESTION = "Does early caffeine reduce the need for mechanical ventilation in very preterm infants?"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(ABSTRACTS, tmp_path_factory.mktemp("abstracts"), embedder)


def test_a_cited_conclusion_sentence_maps_to_its_whole_paragraph(engine: AnswerEngine) -> None:
    answer = engine.ask(QUESTION)
    assert answer.answered and answer.citations[0].doc_id == "early-caffeine", answer.answer
    conclusions = engine.conclusions(answer.citations)
    quoted = [c for c in answer.citations if c.section == "Conclusions"]
    assert quoted, answer.answer
    text = engine.index.documents["early-caffeine"].text
    for c in answer.citations:
        if c.section == "Conclusions":
            assert conclusions[c.marker] == CONCLUSION and CONCLUSION in text and c.text in CONCLUSION
        else:
            assert c.marker not in conclusions  # a Results sentence is read as it is


def test_the_encoder_reads_the_conclusion_paragraph_then_the_other_findings(engine: AnswerEngine) -> None:
    shipped = engine.stance.encoder
    assert shipped is not None
    read: list[list[str]] = []

    def recording(question: str, texts: list[str]) -> dict[str, float] | None:
        read.append(texts)
        return shipped(question, texts)

    engine.stance.encoder = recording
    try:
        answer = engine.ask(QUESTION)
    finally:
        engine.stance.encoder = shipped
    assert read, answer.answer  # the verdict stage consulted the encoder
    assert read[-1][0] == CONCLUSION
    others = [c.text for c in sorted(answer.citations, key=lambda c: c.marker) if c.section == "Results"]
    assert read[-1][1:] == others
    assert sum(CONCLUSION in t for t in read[-1]) == 1  # the paragraph once, however many of its sentences are cited


def test_reading_order_and_repeats() -> None:
    findings = ["A fell.", "B rose.", "C fell too.", "D held."]
    paragraphs: list[str | None] = [None, "B rose. C fell too.", "B rose. C fell too.", None]
    assert encoder_reading(findings, paragraphs) == ["B rose. C fell too.", "A fell.", "D held."]
    assert encoder_reading(findings, [None] * 4) == findings


KANGAROO = {
    "kangaroo-care": """# Skin-to-skin care and hypothermia in small newborns

## Methods

We allocated 200 low birth weight infants to kangaroo care or to incubator care for their first three days.

## Results

Hypothermia occurred in 12 of 100 low birth weight infants given kangaroo care and in 31 of 100 in incubators
(p < 0.001).

## Conclusions

Continuous skin-to-skin contact should be offered to every stable small newborn.
""",
}
THERMAL_REVIEW = {
    "thermal-review": """# Thermal care of the newborn: a narrative review

## Kangaroo care

Hypothermia was less frequent in low birth weight infants given kangaroo care in several trials (3, 4).

## Conclusion

Thermal care deserves more attention from every neonatal unit.
""",
}
KANGAROO_QUESTION = "Does kangaroo care reduce hypothermia in low birth weight infants?"


def test_a_yes_no_answer_quotes_the_studys_conclusion_beside_its_results(
        tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> None:
    engine = engine_over(KANGAROO, tmp_path_factory.mktemp("kangaroo"), embedder)
    assert reports_a_study(engine.index.documents["kangaroo-care"])
    answer = engine.ask(KANGAROO_QUESTION)
    sections = [c.section for c in answer.citations]
    assert "Results" in sections and "Conclusions" in sections, answer.answer
    # Not for a question that is not yes/no: it is answered by what the study found.
    asked = engine.ask("How often did hypothermia occur with kangaroo care in low birth weight infants?")
    assert "Conclusions" not in [c.section for c in asked.citations], asked.answer


def test_a_reviews_closing_outlook_is_not_added_nor_read_as_a_studys_conclusion(
        tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> None:
    engine = engine_over(THERMAL_REVIEW, tmp_path_factory.mktemp("review"), embedder)
    answer = engine.ask(KANGAROO_QUESTION)
    assert answer.answered and [c.section for c in answer.citations] == ["Kangaroo care"], answer.answer
    assert not reports_a_study(engine.index.documents["thermal-review"])
    outlook = engine.ask("Does thermal care deserve more attention from every neonatal unit?")
    quoted = [c for c in outlook.citations if c.section == "Conclusion"]
    assert quoted, outlook.answer
    # Quoted, it is read as the sentence it is, not as the authors' answer with the rest of its paragraph.
    assert engine.conclusions(outlook.citations) == {}
