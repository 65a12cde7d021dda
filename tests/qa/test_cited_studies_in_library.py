"""A cited study that is itself in the library: the citation names its document (`Passage.library_documents`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedder import Embedder
from index.lexical import entry_title_keys, title_key
from qa.cli_ask import print_answer
from qa.engine import AnswerEngine
from qa.passages import passages_for_hits
from tests.qa.small_library import engine_over

REVIEW = """# Caffeine for apnoea of prematurity: a review

## Trials

Caffeine citrate reduced apnoea of prematurity in a randomised trial by Okafor et al. (1).
Doxapram shortened apnoea spells in an older trial by Lindqvist et al. (2).

## References

1. Okafor N, Brandt L, Ruiz P. Caffeine citrate for apnoea of prematurity: a randomised controlled trial.
*J Pediatr* 2012; 160: 1-7.
2. Lindqvist M, Holm A. Doxapram and apnoea spells in very preterm infants? A pilot study.
*Acta Paediatr* 1999; 88: 10-14.
"""

TRIAL = """---
title: "Caffeine Citrate for Apnoea of Prematurity: A Randomised Controlled Trial"
authors: [Okafor N, Brandt L, Ruiz P]
journal: J Pediatr
year: 2012
---
# Abstract

Eighty preterm infants with apnoea of prematurity were randomised to caffeine citrate or placebo. Caffeine citrate
reduced apnoea episodes by half (p < 0.01).
"""

PILOT = """---
title: "Doxapram and apnoea spells in very preterm infants? A pilot study"
year: 1999
---
# Abstract

Twelve very preterm infants received doxapram; apnoea spells shortened.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AnswerEngine:
    papers = {"review": REVIEW, "okafor-2012": TRIAL, "lindqvist-1999": PILOT}
    return engine_over(papers, Path(tmp_path_factory.mktemp("cited")), embedder)


def test_a_cited_study_in_the_library_is_named_with_its_citation(engine: AnswerEngine) -> None:
    answer = engine.ask("What did the randomised trial of caffeine citrate find?")
    cited = next(c for c in answer.citations if c.doc_id == "review" and c.reference_numbers == [1])
    assert [(d.reference_number, d.doc_id) for d in cited.library_documents] == [(1, "okafor-2012")]
    assert cited.library_documents[0].title.startswith("Caffeine Citrate for Apnoea")
    # The trial's own abstract cites nothing, and a document is never named as its own cited study.
    assert all(not c.library_documents for c in answer.citations if c.doc_id == "okafor-2012")


def test_the_command_line_names_it_under_the_reference(engine: AnswerEngine, capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    print_answer(engine.ask("What did the randomised trial of caffeine citrate find?"))
    out = capsys.readouterr().out
    entry = out.index("↳ [1] Okafor N")
    assert out.index("in this library: okafor-2012 (Caffeine Citrate for Apnoea", entry) > entry


def test_a_title_with_a_question_mark_inside_is_found_too(engine: AnswerEngine) -> None:
    answer = engine.ask("Did doxapram shorten apnoea spells?")
    cited = [d.doc_id for c in answer.citations + answer.related for d in c.library_documents]
    assert "lindqvist-1999" in cited


def test_a_question_naming_the_study_quotes_its_own_paper_too(engine: AnswerEngine) -> None:
    # The review's line on the trial, then the trial's own finding (its paper names no author in its text).
    answer = engine.ask("What did Okafor et al. find?")
    assert [c.doc_id for c in answer.citations] == ["review", "okafor-2012"]
    assert answer.citations[1].text == "Caffeine citrate reduced apnoea episodes by half (p < 0.01)."
    # Kept to the review, the trial is not asked.
    kept = engine.ask("What did Okafor et al. find?", documents=["review"])
    assert [c.doc_id for c in kept.citations] == ["review"]


def test_search_results_name_them_as_well(engine: AnswerEngine) -> None:
    hits = engine.index.search("caffeine citrate randomised trial apnoea", 5)
    passages = passages_for_hits(engine.index, hits)
    assert any(d.doc_id == "okafor-2012" for p in passages if p.doc_id == "review" for d in p.library_documents)


def test_a_document_lists_the_documents_citing_it(engine: AnswerEngine) -> None:
    assert engine.index.lookups.citing("okafor-2012", 10) == [("review", "Caffeine for apnoea of prematurity: a review",
                                                               1)]
    assert engine.index.lookups.citing("review", 10) == []


def test_short_titles_name_no_study() -> None:
    assert title_key("Summary") is None and title_key("Case report") is None
    assert title_key("Caffeine Citrate: A Trial!") == "caffeine citrate a trial"
    # Parts of four words or more, alone and two in a row ("Is it?" alone is too short to be a title).
    assert set(entry_title_keys("Doe J, Roe R. Is it? A pilot study of caffeine. J Lung 2020.")) == {
        "doe j roe r", "a pilot study of caffeine", "doe j roe r is it", "is it a pilot study of caffeine",
        "a pilot study of caffeine j lung 2020"}
