"""A corpus with a second review whose reference numbers overlap the first: studies stay apart, and a
question kept to some documents (`ask(documents=...)`) is answered from them alone."""

from __future__ import annotations

import shutil

import pytest

from corpus.store import BUILTIN_CORPUS
from index.build import build_index
from index.embedder import Embedder
from index.errors import UnknownDocuments
from index.store import load_index
from qa.engine import AnswerEngine
from qa.errors import QAError

SECOND_REVIEW = """---
title: Surfactant Lavage in Meconium Aspiration
author: [Lindqvist AM, Okonjo B]
---
# Surfactant Lavage in Meconium Aspiration

## Introduction

Meconium aspiration syndrome (MAS) remains a cause of respiratory failure in term newborns. In a randomised
trial conducted by Dargaville et al. (39), lung lavage with dilute surfactant shortened ventilation. Bolus
surfactant was studied by Smith et al. (2) in a smaller cohort. In both trials surfactant was given by the
intratracheal route.

## References

1. Jones A. Meconium and the newborn lung. *Neonatology* 2011; 99: 1-9.
2. Smith J, Brown K. Bolus surfactant for meconium aspiration. *Arch Dis Child* 2015; 100: 10-15.
39. Dargaville PA, Copnell B, Mills JF, et al. Randomized controlled trial of lung lavage with dilute surfactant
for meconium aspiration syndrome. *J Pediatr* 2011; 158: 383-9.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    corpus = tmp_path_factory.mktemp("two-reviews")
    shutil.copytree(BUILTIN_CORPUS, corpus, dirs_exist_ok=True)
    (corpus / "lavage-review.md").write_text(SECOND_REVIEW, encoding="utf-8")
    folder = corpus.parent / "index"
    build_index(corpus, folder, embedder)
    return AnswerEngine(load_index(folder, embedder))


def test_each_review_resolves_its_own_reference_39(engine: AnswerEngine) -> None:
    chang = engine.ask("Which journal published the BPD trial by Chang et al.?")
    assert "Chang YS" in chang.answer and "Dargaville" not in chang.answer
    dargaville = engine.ask("Which journal published the lavage trial by Dargaville et al.?")
    assert "Dargaville PA" in dargaville.answer and "Chang YS" not in dargaville.answer
    assert {c.doc_id for c in dargaville.citations} == {"lavage-review"}


def test_new_review_answers_and_old_ones_still_do(engine: AnswerEngine) -> None:
    lavage = engine.ask("What did lung lavage with dilute surfactant do in meconium aspiration?")
    assert lavage.answered and any(c.doc_id == "lavage-review" for c in lavage.citations)
    assert "dilute surfactant shortened ventilation" in lavage.answer, lavage.answer
    cited = next(c for c in lavage.citations if "shortened ventilation" in c.text)
    assert cited.reference_numbers == [39] and "Dargaville PA" in cited.references[0]
    routes = engine.ask("Which routes were used for BPD?")
    assert "intratracheal" in routes.answer


LAVAGE = "What did lung lavage with dilute surfactant do in meconium aspiration?"
KERSIN = "kersin-2021-breast-milk-stem-cells"
SUMMARY = "msc-secretome-preterm-infants-summary"


def _documents(answer_: object) -> set[str]:
    return {p.doc_id for p in [*answer_.citations, *answer_.related]}  # type: ignore[attr-defined]


def test_a_question_kept_to_documents_is_answered_from_them_alone(engine: AnswerEngine) -> None:
    assert "lavage-review" in _documents(engine.ask(LAVAGE))
    kept = engine.ask(LAVAGE, documents=[KERSIN, SUMMARY])
    assert kept.related and _documents(kept) <= {KERSIN, SUMMARY}
    assert "shortened ventilation" not in kept.answer
    alone = engine.ask(LAVAGE, documents=["lavage-review"])
    assert alone.answered and _documents(alone) == {"lavage-review"}
    assert "dilute surfactant shortened ventilation" in alone.answer


def test_a_named_study_and_an_abbreviation_are_looked_up_in_the_scope(engine: AnswerEngine) -> None:
    # Reference 39 is Dargaville's trial in the lavage review and Chang's in Kersin's: kept to Kersin's review,
    # Dargaville's bibliography entry is not reached by the author's name.
    dargaville = engine.ask("Which journal published the lavage trial by Dargaville et al.?", documents=[KERSIN])
    assert "Dargaville" not in dargaville.answer and _documents(dargaville) <= {KERSIN}
    # Only the lavage review defines MAS.
    assert "Meconium aspiration syndrome (MAS)" in engine.ask("What does MAS stand for?").answer
    mas = engine.ask("What does MAS stand for?", documents=[KERSIN, SUMMARY])
    assert _documents(mas) <= {KERSIN, SUMMARY} and "Meconium" not in mas.answer


def test_a_refusal_names_the_selected_documents(engine: AnswerEngine) -> None:
    refused = engine.ask("Who won the 1998 football world cup?", documents=["lavage-review"])
    assert not refused.answered and refused.answer.startswith("The selected documents do not say")


def test_documents_none_of_which_is_about_the_question_do_not_answer_it(engine: AnswerEngine) -> None:
    # Over the whole library, passages sharing words with the question come with a note; kept to documents
    # the user chose, none of them about the question, the answer is that they do not say.
    question = "Does lung lavage with dilute surfactant shorten ventilation in meconium aspiration syndrome?"
    assert engine.ask(question, documents=["lavage-review"]).answered
    elsewhere = engine.ask(question, documents=[SUMMARY])
    assert not elsewhere.answered and elsewhere.answer.startswith("The selected documents do not say")
    assert elsewhere.related and {p.doc_id for p in elsewhere.related} == {SUMMARY}


def test_unknown_or_no_documents_are_refused(engine: AnswerEngine) -> None:
    with pytest.raises(UnknownDocuments) as caught:
        engine.ask(LAVAGE, documents=[KERSIN, "lavage-reviews"])
    assert caught.value.doc_ids == ["lavage-reviews"]
    with pytest.raises(QAError, match="documents is empty"):
        engine.ask(LAVAGE, documents=[])


def test_a_review_named_by_its_authors_answers(engine: AnswerEngine) -> None:
    """"The Lindqvist review" names the lavage review by its first author (its front matter): the answer comes
    from it, though Kersin's review says more of intratracheal routes; over the library it comes from Kersin's."""
    named = engine.ask("Which route does the Lindqvist review describe?")
    assert named.answered and named.citations[0].doc_id == "lavage-review", named.answer
    assert "lindqvist" not in engine.analyse("Which route does the Lindqvist review describe?", None).terms
    assert engine.ask("Which routes are described for giving stem cells?").citations[0].doc_id == KERSIN
    # Kept to other documents, the name does not bring the lavage review back.
    kept = engine.ask("Which route does the Lindqvist review describe?", documents=[KERSIN, SUMMARY])
    assert _documents(kept) <= {KERSIN, SUMMARY}
