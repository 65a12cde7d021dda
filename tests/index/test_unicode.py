"""Text beyond ASCII: names and units are matched with accents folded, and cited as written."""

from __future__ import annotations

import pytest

from corpus.sentences import sentence_spans
from index.lexical import fold, tokenize
from index.search import SearchIndex
from qa.engine import AnswerEngine


@pytest.mark.parametrize(("written", "typed"), [
    ("Özek", "Ozek"), ("Gülcan", "Gulcan"), ("Aydın", "Aydin"), ("Łódź", "Lodz"), ("naïve", "naive"),
    ("10 µg/kg", "10 μg/kg"),  # the micro sign and the Greek letter mu
])
def test_names_and_units_match_without_their_accents(written: str, typed: str) -> None:
    assert tokenize(written) == tokenize(typed) and tokenize(written)


def test_words_keep_their_letters() -> None:
    assert tokenize("Özek and Gülcan gave 10 µg of IL-6") == ["ozek", "gulcan", "gave", "10", "μg", "il", "6"]
    assert fold("Özek") == "ozek"


def test_a_sentence_may_open_with_an_accented_capital() -> None:
    text = "Milk holds stem cells. Özek et al. reviewed them. Étude two followed."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Milk holds stem cells.", "Özek et al. reviewed them.", "Étude two followed."]


def test_bm25_finds_a_name_typed_without_its_accents(search_index: SearchIndex) -> None:
    # Reference 25 of the review: "Aydın MŞ, Yiğit EN, Vatandaşlar E, Erdoğan E, Öztürk G. Transfer and ..."
    for query in ("Aydin Yigit Ozturk", "Aydın Yiğit Öztürk"):
        hits = search_index.search(query, 3, "bm25")
        assert hits and hits[0].chunk.kind == "reference" and "Aydın MŞ" in hits[0].chunk.text


def test_an_author_named_without_accents_is_found(search_index: SearchIndex) -> None:
    engine = AnswerEngine(search_index)
    for question in ("Which journal published the study by Aydin et al.?",
                     "Which journal published the study by Aydın et al.?"):
        query = engine.analyse(question, None)
        assert query.study_refs == {("kersin-2021-breast-milk-stem-cells", 25)}, question
        answer = engine.ask(question)
        assert "Sci Rep" in answer.answer and "Aydın MŞ" in answer.answer  # cited as written
