"""British and American spellings: a question word the library lacks is read in the spelling the library uses
("intraventricular haemorrhage" in a library that writes "hemorrhage", and the other way round). Real model,
real index."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.spelling import variants
from tests.qa.small_library import engine_over


@pytest.mark.parametrize(("british", "american"), [
    ("haemorrhage", "hemorrhage"), ("ischaemic", "ischemic"), ("paediatric", "pediatric"), ("anaemia", "anemia"),
    ("oedema", "edema"), ("foetal", "fetal"), ("apnoea", "apnea"), ("coeliac", "celiac"), ("tumours", "tumors"),
    ("behavioural", "behavioral"), ("randomised", "randomized"), ("randomisation", "randomization"),
    ("analysed", "analyzed"), ("centre", "center"), ("fibre", "fiber"), ("labelled", "labeled"),
    ("catalogue", "catalog"),
])
def test_each_spelling_is_a_variant_of_the_other(british: str, american: str) -> None:
    assert american in variants(british) and british in variants(american)


@pytest.mark.parametrize("word", ["four", "hour", "your", "does", "treat", "after"])
def test_short_or_unrelated_words_have_no_clinical_variant(word: str) -> None:
    assert all(v not in {"for", "hor", "yor", "des", "teat"} for v in variants(word))


def test_a_british_question_reads_the_american_review(engine: AnswerEngine) -> None:
    british = engine.ask("Which routes were used for intraventricular haemorrhage?")
    american = engine.ask("Which routes were used for intraventricular hemorrhage?")
    assert british.question == "Which routes were used for intraventricular haemorrhage?"
    assert british.resolved_question == "Which routes were used for intraventricular hemorrhage?"
    assert british.answer == american.answer and british.answer.startswith("IVH:")
    assert [c.text for c in british.citations] == [c.text for c in american.citations]
    # Before, "haemorrhage" matched nothing: the question was not read as IVH and the HIE row joined the list.
    rows = [c.text for c in british.citations if c.kind == "table_row"]
    assert rows and all("\tIVH\t" in row and "\tHIE\t" not in row for row in rows), rows


ABSTRACTS = {
    "anaemia-oedema": """# Anaemia and oedema in preterm infants

## Results

Anaemia in the first month was associated with generalised oedema in infants born before 30 weeks.

## Conclusions

Treating anaemia early may prevent oedema in very preterm infants.
""",
    "cord-clamping": """# Delayed cord clamping at term

## Results

Delayed cord clamping raised haemoglobin at 48 hours without more phototherapy for jaundice.
""",
}


@pytest.fixture(scope="module")
def british_engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(ABSTRACTS, tmp_path_factory.mktemp("british"), embedder)


def test_an_american_question_reads_a_british_library(british_engine: AnswerEngine) -> None:
    answer = british_engine.ask("Is anemia associated with edema in preterm infants?")
    assert answer.resolved_question == "Is anaemia associated with oedema in preterm infants?"
    assert answer.answered and answer.citations[0].doc_id == "anaemia-oedema", answer.answer
    query = british_engine.analyse("Is anemia associated with edema in preterm infants?", None)
    assert {"anaemia", "oedema"} <= set(query.terms) and query.idf["oedema"] > 0


def test_a_word_the_library_knows_is_left_as_it_is(british_engine: AnswerEngine) -> None:
    # "preterm" and "infants" are in the library; "hemoglobin" is not, "haemoglobin" is.
    answer = british_engine.ask("Does delayed cord clamping raise hemoglobin in term infants?")
    assert answer.resolved_question == "Does delayed cord clamping raise haemoglobin in term infants?"
    assert british_engine.ask("Does delayed cord clamping raise haemoglobin?").resolved_question is None
