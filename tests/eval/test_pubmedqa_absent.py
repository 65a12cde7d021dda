"""Questions about studies the library lacks, on abstracts nobody here wrote: no verdict drawn from other papers.

The questions are the suite's held-out half (`eval/pubmedqa_library.py`): the topicality model never saw them."""

from __future__ import annotations

from pathlib import Path

from eval.pubmedqa_data import load_abstracts, load_questions
from eval.pubmedqa_library import HELD_OUT_PARITY, half, open_library, without
from qa.verdict import NOT_ABOUT
from qa.yesno import is_yes_no

QUESTIONS = 16
DISTRACTORS = 40


def test_a_study_the_library_lacks_gets_no_verdict_from_other_papers(tmp_path: Path) -> None:
    questions = [q for q in half(load_questions(), HELD_OUT_PARITY) if is_yes_no(q.question)][:QUESTIONS]
    own = {q.pmid for q in questions}
    asked_anywhere = {q.pmid for q in load_questions()}
    abstracts = load_abstracts()
    library = [a for a in abstracts if a.pmid in own] + [a for a in abstracts if a.pmid not in asked_anywhere][
        :DISTRACTORS]
    present = [open_library(library, tmp_path / "with").ask(q.question) for q in questions]
    assert sum(a.answered and a.about_question for a in present) >= QUESTIONS - 1, [
        a.question for a in present if not a.about_question]
    absent_engine = open_library(without(library, questions), tmp_path / "without")
    absent = [absent_engine.ask(q.question) for q in questions]
    # Before the topicality check, 6 of these 16 got a verdict (Yes / No / ...) drawn from another abstract.
    assert sum(a.verdict is not None for a in absent) <= 1, [a.answer[:160] for a in absent if a.verdict]
    for a in absent:
        if a.answered and not a.about_question:
            assert a.answer.startswith(NOT_ABOUT) and a.verdict is None
