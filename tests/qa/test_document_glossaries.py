"""Two papers that define one short form differently: each keeps its own meaning, each answer cites the right one."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from tests.qa.small_library import engine_over

CILIA = """# Motile Cilia in Newborns

Primary ciliary dyskinesia (PCD) is a rare genetic disorder of motile cilia. Newborns with PCD often present
with unexplained respiratory distress at term. Diagnosis of PCD relies on high-speed video microscopy of the
ciliary beat and on low nasal nitric oxide.
"""
APOPTOSIS = """# Neuronal Death after Hypoxia

Programmed cell death (PCD) removes damaged neurons in the developing brain. After hypoxia-ischemia, PCD is
executed by caspase-3 in the neonatal hippocampus. Blocking PCD with a caspase inhibitor reduced infarct volume
in neonatal rats.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over({"a-cilia": CILIA, "b-apoptosis": APOPTOSIS}, tmp_path_factory.mktemp("two-meanings"),
                       embedder)


def test_the_corpus_knows_both_meanings(engine: AnswerEngine) -> None:
    assert sorted(engine.index.glossary.long_forms("PCD")) == ["Primary ciliary dyskinesia", "Programmed cell death"]
    expanded = engine.index.glossary.expand("How is PCD diagnosed?")
    assert "Primary ciliary dyskinesia" in expanded and "Programmed cell death" in expanded


def test_each_document_expands_with_its_own_meaning(engine: AnswerEngine) -> None:
    index = engine.index
    rows = index.store.query("SELECT u.id FROM units u JOIN documents d ON d.id = u.doc WHERE d.doc_id = ?",
                             ("b-apoptosis",))
    tokens = set().union(*(r.tokens for r in index.units([r[0] for r in rows]).values()))
    assert {"program", "death"} <= tokens
    assert "ciliari" not in tokens and "dyskinesia" not in tokens  # the other paper's PCD does not leak in


@pytest.mark.parametrize(("question", "doc_id", "quote"), [
    ("What is the diagnosis of PCD based on?", "a-cilia", "high-speed video microscopy"),
    ("Which enzyme executes PCD after hypoxia-ischemia?", "b-apoptosis", "caspase-3"),
])
def test_each_answer_cites_the_paper_of_its_meaning(engine: AnswerEngine, question: str, doc_id: str,
                                                    quote: str) -> None:
    answer = engine.ask(question)
    assert answer.answered
    assert answer.citations[0].doc_id == doc_id and quote in answer.answer
    assert {c.doc_id for c in answer.citations} == {doc_id}  # nothing quoted for the other meaning


def test_the_definition_asked_for_comes_from_the_paper_in_context(engine: AnswerEngine) -> None:
    answer = engine.ask("What does PCD stand for in neuronal death after hypoxia?")
    assert answer.citations and answer.citations[0].doc_id == "b-apoptosis"
    assert "Programmed cell death (PCD)" in answer.answer


def test_a_question_that_names_one_meaning_does_not_get_the_others_words(engine: AnswerEngine) -> None:
    # "programmed cell death" names PCD; PCD's other meaning, another paper's, is no word of this question.
    query = engine.analyse("Does programmed cell death remove damaged neurons?", None)
    assert "PCD" in query.expanded and "pcd" in query.terms
    assert not {"ciliari", "dyskinesia", "primari"} & set(query.terms), query.expanded
    assert not any({"ciliari", "dyskinesia"} & form for form in query.counterparts.get("pcd", []))
    # Named by its letters alone, PCD keeps both meanings: nothing says which is meant.
    assert {"ciliari", "dyskinesia", "program", "death"} <= set(engine.analyse("How is PCD diagnosed?", None).terms)


def test_variants_of_the_named_meaning_follow_but_not_another_meaning(tmp_path: Path, embedder: Embedder) -> None:
    papers = {"stem": "Mesenchymal stem cells (MSC) reduced lung injury in newborn rats.",
              "stromal": "Mesenchymal stromal cells (MSC) were given intratracheally to preterm infants.",
              "motor": "The motor skill composite (MSC) was lower at two years in preterm children."}
    glossary = engine_over({name: f"# {name}\n\n{text}\n" for name, text in papers.items()}, tmp_path,
                           embedder).index.glossary
    assert len(glossary.long_forms("MSC")) == 3
    expanded = glossary.expand("Do mesenchymal stem cells reduce lung injury?")
    assert "MSC" in expanded and "stromal" in expanded  # a variant of the meaning the question names
    assert "motor" not in expanded  # another paper's meaning of the same letters
