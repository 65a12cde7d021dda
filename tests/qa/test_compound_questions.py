"""A question that asks two things gets a quote for each: the parts are found by grammar (`qa.yesno`), and a
part whose answer shares no word with it is found by its own meaning."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.yesno import is_yes_no, question_parts
from tests.qa.small_library import engine_over


@pytest.mark.parametrize(("question", "parts"), [
    ("Which dose was used, and how did the infants respond?", ["Which dose was used", "how did the infants respond"]),
    ("Is caffeine safe and does it shorten ventilation?", ["Is caffeine safe", "does it shorten ventilation"]),
    ("What is the dose; what is the route of administration?", ["What is the dose",
                                                                "what is the route of administration"]),
    ("In the Pisano study, did any pups develop NEC?", None),  # a bare comma: one question
    ("When milk was given, did fewer infants need surgery?", None),
    ("Which cells are small and have nuclei?", None),  # "have nuclei" names nothing to look for
    ("Were cells given and when?", None),
])
def test_parts_by_grammar(question: str, parts: list[str] | None) -> None:
    assert question_parts(question) == (parts or [question])


PAPERS = {
    "zorbamycin": """# Zorbamycin in neonatal sepsis: a review

## Origin

Zorbamycin is an antibiotic first isolated from soil bacteria of the genus Streptomyces in 1998.
Its production relies on large-scale fermentation of the original bacterial strain.

## Clinical use

Zorbamycin has been given intravenously to preterm infants with late-onset sepsis in three trials.
Dosing followed body weight and was adjusted for gestational age.
Blood cultures were repeated after 48 hours of treatment.

## Safety

Zorbamycin caused no hepatic injury in treated newborns, and their transaminase levels stayed within normal ranges.
Rashes were reported in two infants and resolved without treatment.
""",
    "caffeine": """# Caffeine citrate for apnoea

## Results

Caffeine citrate reduced apnoea episodes in preterm infants within the first week of treatment.
Caffeine did not change the duration of oxygen therapy.
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(PAPERS, tmp_path_factory.mktemp("compound"), embedder)


def test_each_part_of_a_compound_question_is_answered(engine: AnswerEngine) -> None:
    # The second part shares no word with its answer but the drug's name ("harmful to the liver" / "no hepatic
    # injury"): found by its meaning, not by the question's missing words.
    answer = engine.ask("Is zorbamycin made by soil bacteria, and is zorbamycin harmful to the liver?")
    assert answer.answered
    cited = " ".join(c.text for c in answer.citations)
    assert "soil bacteria" in cited and "hepatic injury" in cited
    for c in answer.citations:  # every quote is the document's own text
        assert engine.index.documents[c.doc_id].text[c.start : c.end] == c.text


def test_a_compound_question_that_asks_what_gets_no_verdict(engine: AnswerEngine) -> None:
    question = "What is zorbamycin isolated from, and is zorbamycin harmful to the liver?"
    assert not is_yes_no(question)  # a yes or a no would answer only its last part
    assert is_yes_no("Is zorbamycin made by soil bacteria, and is zorbamycin harmful to the liver?")
    assert is_yes_no("When milk was given, did fewer infants need surgery?")  # one question after a clause
    answer = engine.ask(question)
    assert answer.answered and answer.verdict is None and not answer.answer.startswith("Verdict")


def test_a_question_that_asks_one_thing_is_not_split(engine: AnswerEngine) -> None:
    answer = engine.ask("Where does zorbamycin come from?")
    assert answer.answered and "soil bacteria" in answer.citations[0].text
    assert not any("hepatic" in c.text for c in answer.citations)


def test_a_part_that_refers_back_reads_on_from_the_answer_before_it(engine: AnswerEngine) -> None:
    # "how is it made" names nothing to look for; "it" is what the first part asked about, and the paragraph
    # goes on with the answer ("Its production relies on ... fermentation").
    question = "Where was zorbamycin first isolated, and how is it made?"
    assert question_parts(question) == ["Where was zorbamycin first isolated", "how is it made"]
    answer = engine.ask(question)
    assert answer.answered
    texts = [c.text for c in answer.citations]
    isolated = next(i for i, t in enumerate(texts) if "soil bacteria" in t)
    assert "fermentation" in texts[isolated + 1]
    for c in answer.citations:
        assert engine.index.documents[c.doc_id].text[c.start : c.end] == c.text


def test_a_vague_yes_no_part_does_not_read_on(engine: AnswerEngine) -> None:
    # "does it work" points back at zorbamycin but asks a judgment of it, not what the passage says next.
    answer = engine.ask("Where was zorbamycin first isolated, and does it work?")
    assert answer.answered and "soil bacteria" in answer.citations[0].text
    assert not any("fermentation" in c.text for c in answer.citations)


def test_a_vague_part_that_points_back_at_nothing_adds_nothing(engine: AnswerEngine) -> None:
    # No word of the vague part points back at the first part: the answer does not read on.
    answer = engine.ask("Where was zorbamycin first isolated, and what else is known?")
    assert answer.answered and "soil bacteria" in answer.citations[0].text
    assert not any("fermentation" in c.text for c in answer.citations)
