"""A question about one phase (grade, stage, type) is answered by that phase, not by its neighbour."""

from __future__ import annotations

import pytest

from qa.engine import AnswerEngine
from qa.qualifiers import contradicts, qualifiers


@pytest.mark.parametrize(("text", "expected"), [
    ("What were the results of the phase II trial?", {"phase": {2}}),
    ("A phase I/II trial", {"phase": {1, 2}}),
    ("grade III-IV intraventricular haemorrhage", {"grade": {3, 4}}),
    ("Bell stage 2 or 3 NEC", {"stage": {2, 3}}),
    ("grades 1 to 3", {"grade": {1, 2, 3}}),
    ("type 2 diabetes and a Phase III-trial", {"type": {2}, "phase": {3}}),
    ("What type of stem cells were used?", {}),
    ("the trial's phase i", {}),  # a lower-case "i" is no numeral
    ("Does vitamin D prevent fractures?", {"vitamin": {103}}),  # letters: 100 + their place, apart from numbers
    ("hepatitis B and C", {"hepat": {101, 102}}),
    ("Los Angeles grades C and D", {"grade": {102, 103}}),
    ("type 2 diabetes and type A dissection", {"type": {2, 100}}),
    ("regulatory T cells", {"regulatori": {119}}),
    ("current K/DOQI guidelines, B-cell counts, A. Smith and J. Doe", {}),  # glued or initials: no letter
    ("Did I see it? and D, of B", {}),  # a pronoun, stop words
])
def test_qualifiers_are_read_with_ranges_and_lists(text: str, expected: dict[str, set[int]]) -> None:
    assert qualifiers(text) == expected


def test_only_a_disjoint_number_of_the_same_label_contradicts() -> None:
    asked = qualifiers("What did the phase II trial find?")
    assert contradicts(asked, "In a phase I dose-escalation trial, severity fell.")
    assert not contradicts(asked, "In a phase I/II trial, severity fell.")
    assert not contradicts(asked, "Grade III haemorrhage was rarer.")  # another label says nothing of the phase
    assert not contradicts({}, "In a phase I trial.")


def test_another_letter_of_the_same_label_contradicts() -> None:
    asked = qualifiers("Does vitamin D supplementation prevent fractures?")
    assert contradicts(asked, "Vitamin C reduced pain after wrist fractures.")
    assert not contradicts(asked, "Vitamins C and D were given.")  # "Vitamins" qualifies the same label
    assert not contradicts(asked, "Vitamin C and vitamin D were given.")
    assert not contradicts(asked, "25-hydroxyvitamin D levels were low.")  # another word
    assert contradicts(qualifiers("Is type I the commonest?"), "type A dissection")  # a letter is no numeral


@pytest.mark.parametrize(("question", "phase", "other"), [
    ("What were the results of the phase II BPD trial?", "phase II", "phase I "),
    ("What did the phase I trial of stem cells for BPD find?", "phase I", "phase II"),
])
def test_the_answer_opens_with_the_phase_asked(engine: AnswerEngine, question: str, phase: str,
                                                other: str) -> None:
    answer = engine.ask(question)
    first = answer.citations[0].text
    assert phase.lower() in first.lower() and other.lower() not in first.lower()
