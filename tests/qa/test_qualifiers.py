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
])
def test_qualifiers_are_read_with_ranges_and_lists(text: str, expected: dict[str, set[int]]) -> None:
    assert qualifiers(text) == expected


def test_only_a_disjoint_number_of_the_same_label_contradicts() -> None:
    asked = qualifiers("What did the phase II trial find?")
    assert contradicts(asked, "In a phase I dose-escalation trial, severity fell.")
    assert not contradicts(asked, "In a phase I/II trial, severity fell.")
    assert not contradicts(asked, "Grade III haemorrhage was rarer.")  # another label says nothing of the phase
    assert not contradicts({}, "In a phase I trial.")


@pytest.mark.parametrize(("question", "phase", "other"), [
    ("What were the results of the phase II BPD trial?", "phase II", "phase I "),
    ("What did the phase I trial of stem cells for BPD find?", "phase I", "phase II"),
])
def test_the_answer_opens_with_the_phase_asked(engine: AnswerEngine, question: str, phase: str,
                                                other: str) -> None:
    answer = engine.ask(question)
    first = answer.citations[0].text
    assert phase.lower() in first.lower() and other.lower() not in first.lower()
