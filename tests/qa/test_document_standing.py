"""A document's standing: a sentence of a paper about something else steps back behind the paper that is about the
question, even when that sentence alone matches the question about as well."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from qa.engine import AnswerEngine
from qa.rank import DOCUMENT_DENSE, DOCUMENT_TERMS, candidate_units
from tests.qa.small_library import engine_over

PAPERS = {
    "caffeine-apnoea": """# Caffeine citrate for apnoea of prematurity: a randomised trial

## Methods

Preterm infants born before 32 weeks with apnoea of prematurity were randomly assigned to caffeine citrate or
placebo.

## Results

Apnoea episodes fell by half in the first week with caffeine citrate compared with placebo.

## Conclusions

Caffeine citrate is an effective treatment for apnoea in preterm infants.
""",
    "hip-fracture": """# Early surgery for hip fracture in older adults

## Background

Hip fracture in older adults carries a high one-year mortality. Many of our patients drink coffee; caffeine is
also given to preterm infants to reduce apnoea, which we did not study.

## Results

Surgery within 48 hours shortened the hospital stay and reduced pressure ulcers.

## Conclusions

Early surgery for hip fracture is safe in older adults.
""",
}
HANDBOOK_TOPICS = ["Thermal care", "Feeding", "Jaundice", "Infection", "Skin care", "Family support", "Transport",
                   "Hearing screening", "Eye screening", "Discharge planning", "Vaccination", "Follow-up"]
# A long handbook that holds every word of the question somewhere, none of it about caffeine for apnoea.
PAPERS["neonatal-handbook"] = "# Neonatal unit handbook\n\n" + "\n\n".join(
    f"## {topic}\n\nNurses record {topic.lower()} for every admission on the unit chart. Parents are shown how "
    f"{topic.lower()} is done before discharge, and the ward team reviews it weekly." for topic in HANDBOOK_TOPICS
) + ("\n\n## Drug list\n\nThe pharmacy keeps caffeine on the ward. Apnoea monitors are checked daily. Infants of "
     "prematurity clinics are seen monthly. Preterm rooms reduce noise at night.\n")
QUESTION = "Does caffeine reduce apnoea of prematurity in preterm infants?"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    return engine_over(PAPERS, tmp_path_factory.mktemp("papers"), embedder)


def test_the_paper_about_the_question_stands_first(engine: AnswerEngine) -> None:
    query = engine.analyse(QUESTION, None)
    hits = engine.index.search(query.expanded, 15, depth=80, expand=False)
    standing = engine.scorer.standing(query, hits)
    assert standing["caffeine-apnoea"] > standing["hip-fracture"]
    candidates, records = candidate_units(engine.index, query, hits)
    alone = engine.scorer.score(query, candidates, records)
    ranked = engine.scorer.score(query, candidates, records, None, standing)
    off_topic = next(i for i, s in enumerate(alone) if s.unit.doc_id == "hip-fracture")
    conclusion = next(i for i, s in enumerate(alone) if "effective treatment" in s.plain)
    assert off_topic < conclusion  # sentence by sentence, the aside about caffeine matches as well
    assert [s.unit.doc_id for s in ranked[:3]] == ["caffeine-apnoea"] * 3
    # The best document's units keep their scores; the other's step back by how far it trails.
    assert {s.index: s.score for s in ranked if s.unit.doc_id == "caffeine-apnoea"} == pytest.approx(
        {s.index: s.score for s in alone if s.unit.doc_id == "caffeine-apnoea"})
    answer = engine.ask(QUESTION)
    assert answer.answered and {c.doc_id for c in answer.citations} == {"caffeine-apnoea"}, answer.answer


def test_a_long_document_holding_the_words_by_chance_counts_them_less(engine: AnswerEngine) -> None:
    query = engine.analyse(QUESTION, None)
    hits = engine.index.search(query.expanded, 15, depth=80, expand=False)
    standing = engine.scorer.standing(query, hits)
    terms = list(dict.fromkeys(query.terms + query.focus_terms))
    held = engine.index.document_terms(["neonatal-handbook", "caffeine-apnoea"], terms)
    handbook, trial = held["neonatal-handbook"], held["caffeine-apnoea"]
    assert engine.scorer.term_share(query, handbook.held) >= engine.scorer.term_share(query, trial.held)
    assert handbook.chunks > 3 * trial.chunks
    best = max(h.dense_score or 0.0 for h in hits if h.chunk.doc_id == "neonatal-handbook")
    share = engine.scorer.term_share(query, handbook.held)
    assert standing["neonatal-handbook"] - DOCUMENT_DENSE * best < 0.75 * DOCUMENT_TERMS * share
    assert standing["caffeine-apnoea"] > standing["neonatal-handbook"]


def test_a_question_about_both_papers_ranks_neither_first(engine: AnswerEngine) -> None:
    answer = engine.ask("Do both papers mention caffeine?")
    assert {"caffeine-apnoea", "hip-fracture"} <= {c.doc_id for c in answer.citations}, answer.answer
