"""The metric functions on small hand-made examples, with values worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from corpus.model import Document, DocumentMeta
from eval.answers import abstention_scores, key_facts, normalize, word_count
from eval.errors import ThresholdsError
from eval.gate import check, describe, load_thresholds
from eval.gold import EvidenceSpan
from eval.grounding import (
    check_sentence,
    content_tokens,
    coverage,
    ground,
    markers_in,
    split_sentences,
    supports,
)
from eval.model import Metrics, QuestionResult
from eval.report import issues, question_score, worst
from eval.retrieval import covers, first_cover_ranks, ndcg_at, recall_at, reciprocal_rank
from eval.runner import aggregate
from eval.systems import engine_ranking, passage_answer
from qa.model import Answer, Citation, Passage
from qa.verdict import NOT_SETTLED, OFF_TOPIC_NOTE

TEXT = ("Bronchopulmonary dysplasia is a chronic lung disease. "
        "Chang et al. gave cord blood cells by the intratracheal route. "
        "Severity was markedly decreased in the transplant group.")
DOC = Document(doc_id="d", meta=DocumentMeta(title="T"), text=TEXT)
DOCS = {"d": DOC}
GLOSSARY = {"BPD": "bronchopulmonary dysplasia"}


def cite(marker: int, fragment: str, text: str | None = None) -> Citation:
    start = TEXT.index(fragment)
    return Citation(marker=marker, doc_id="d", title="T", section="S", kind="text", start=start,
                    end=start + len(fragment), text=fragment if text is None else text, score=1.0)


def passage(start: int, end: int, doc_id: str = "d") -> Passage:
    return Passage(doc_id=doc_id, title="T", section="S", kind="text", start=start, end=end,
                   text=TEXT[start:end], score=0.0)


# --- sentences and markers ---------------------------------------------------------------------------------

def test_markers_in_lists_ranges_and_repeats_once() -> None:
    assert markers_in("a [2] b [1, 3] c [4-6] d [2]") == [2, 1, 3, 4, 5, 6]
    assert markers_in("no markers (39) here") == []


def test_split_keeps_markers_with_their_sentence() -> None:
    answer = ("Chang et al. (39) gave cells [1]. Severity fell. [2]\n"
              "- Zani et al. used fluid [3]\n"
              "Ahn SY, Chang YS, Park WS. Mesenchymal stem cells. Stem Cells Transl Med 2018 [4].\n[5]")
    got = [(s.text, s.markers) for s in split_sentences(answer)]
    assert got == [
        ("Chang et al. (39) gave cells [1].", [1]),
        ("Severity fell. [2]", [2]),
        ("Zani et al. used fluid [3]", [3]),
        ("Ahn SY, Chang YS, Park WS. Mesenchymal stem cells. Stem Cells Transl Med 2018 [4]. [5]", [4, 5]),
    ]
    # Initials in other Latin capitals make an entry too; a name that ends a sentence is no entry.
    entry = "Aydın MŞ, Yiğit EN, Öztürk G. Transfer of milk stem cells. Sci Rep 2018; 8: 14289 [2]."
    assert [s.text for s in split_sentences(f"Cells moved [1]. {entry}")] == ["Cells moved [1].", entry]
    assert len(split_sentences("It was Öztürk. Then it grew [1].")) == 2


def test_a_marker_before_a_capital_ends_a_sentence() -> None:
    got = [s.markers for s in split_sentences("Chang: intratracheal [1] Wu: intravenous [2]; and more [3].")]
    assert got == [[1], [2, 3]]
    answer = "It must fulfil these characteristics (8) [1]: Weissman IL. Translating biology. Science 2000 [2]."
    assert [s.markers for s in split_sentences(answer)] == [[1], [2]]


# --- the support rule --------------------------------------------------------------------------------------

def test_support_is_token_coverage_at_the_ratio() -> None:
    claim = {"a", "b", "c", "d", "e"}
    assert coverage(claim, {"a", "b", "c", "d"}) == 0.8 and supports(claim, {"a", "b", "c", "d"})
    assert not supports(claim, {"a", "b", "c"})
    assert coverage(set(), {"a"}) == 1.0


def test_support_expands_abbreviations_both_ways() -> None:
    evidence = content_tokens("Bronchopulmonary dysplasia is a chronic lung disease.", GLOSSARY)
    assert supports(content_tokens("BPD is a chronic lung disease [1].", GLOSSARY), evidence)
    assert not supports(content_tokens("BPD is an acute kidney injury.", GLOSSARY), evidence)
    assert "1" not in content_tokens("Disease [1]", GLOSSARY)


def test_precision_flags_a_redundant_citation_that_covers_little() -> None:
    claim = {"a", "b", "c", "d", "e"}
    spans = {1: {"a", "b", "c", "d", "e"}, 2: {"a"}, 3: {"a", "b", "c"}}
    assert check_sentence(claim, spans, [1, 2]) == (1.0, True, [1])  # [2] is redundant and covers 20%
    assert check_sentence(claim, spans, [1, 3]) == (1.0, True, [1, 3])  # [3] alone covers 60%: not "little"
    # Complementary citations: neither supports alone, both are needed, both are precise.
    assert check_sentence(claim, {1: {"a", "b", "c"}, 2: {"d", "e"}}, [1, 2]) == (1.0, True, [1, 2])
    # Not supported together: no citation is precise; a dangling marker never counts.
    assert check_sentence(claim, spans, [2]) == (0.2, False, [])
    assert check_sentence(claim, spans, [9]) == (0.0, False, [])


def test_ground_scores_recall_precision_and_integrity() -> None:
    answer = ("BPD is a chronic lung disease [1]. Chang et al. gave cells by the intratracheal route [2][3]. "
              "Severity was markedly decreased [4]. It cured every infant.")
    citations = [cite(1, TEXT[:53]),
                 cite(2, "Chang et al. gave cord blood cells by the intratracheal route."),
                 cite(3, "Bronchopulmonary dysplasia", text="tampered"), cite(5, "Severity")]
    g = ground(answer, citations, DOCS, GLOSSARY)
    assert [s.supported for s in g.sentences] == [True, True, False, False]
    assert g.citation_recall == 0.5
    # Citations in sentences: [1] precise; [2] precise, [3] redundant and covers little; [4] dangling.
    assert g.citation_precision == pytest.approx(2 / 4)
    assert (g.citations, g.intact_citations, g.dangling_markers, g.unused_citations) == (4, 3, [4], [5])


@pytest.mark.parametrize("opening", [NOT_SETTLED, OFF_TOPIC_NOTE])
def test_the_engines_opening_line_is_not_scored_as_a_claim(opening: str) -> None:
    g = ground(f"{opening}\nBPD is a chronic lung disease [1].", [cite(1, TEXT[:53])], DOCS, GLOSSARY)
    assert [s.text for s in g.sentences] == ["BPD is a chronic lung disease [1]."]
    assert g.citation_recall == 1.0


def test_a_lists_count_is_checked_against_the_items_it_lists() -> None:
    citations = [cite(1, "Chang et al."), cite(2, "chronic lung disease")]
    right = ground("2 studies in the table: Chang et al. [1]; chronic lung disease [2].\n- Chang et al. [1]",
                   citations, DOCS, GLOSSARY)
    assert right.citation_recall == 1.0
    # A count that is not the number of items listed is a claim no span holds.
    wrong = ground("3 studies: Chang et al. [1]; chronic lung disease [2].", citations, DOCS, GLOSSARY)
    assert wrong.sentences[0].supported is False
    words = ground("2 clinical trials in the table: Chang et al. [1]; chronic lung disease [2].", citations, DOCS,
                   GLOSSARY)
    assert words.sentences[0].supported, words.sentences[0]
    subject = ground("BPD (1 routes): intratracheal route [1].", [cite(1, "intratracheal route")], DOCS, GLOSSARY)
    # Only the count is set aside: the subject is still a claim ("BPD" is not in the span).
    assert subject.sentences[0].text == "BPD intratracheal route [1]." and not subject.sentences[0].supported


def test_an_answer_without_citations_has_zero_precision() -> None:
    g = ground("BPD is a chronic lung disease.", [], DOCS, GLOSSARY)
    assert (g.citation_recall, g.citation_precision) == (0.0, 0.0)
    assert ground("", [], DOCS, GLOSSARY).citation_recall is None


# --- retrieval ---------------------------------------------------------------------------------------------

def test_covers_needs_a_real_overlap_or_the_quote() -> None:
    loc = [EvidenceSpan(doc_id="d", start=10, end=20)]
    assert covers(passage(15, 40), "zzz", loc) and covers(passage(0, 11), "zzz", loc)
    assert not covers(passage(20, 40), "zzz", loc)  # touching at the boundary is not overlapping
    assert not covers(passage(15, 40, doc_id="other"), "zzz", loc)
    assert covers(passage(20, 40, doc_id="other"), TEXT[25:30], loc)  # contains the quote's text


def test_first_cover_ranks() -> None:
    quotes, locs = ["q1", "q2"], [[EvidenceSpan(doc_id="d", start=0, end=5)],
                                  [EvidenceSpan(doc_id="d", start=100, end=110)]]
    ranked = [passage(50, 60), passage(0, 10), passage(2, 4)]
    assert first_cover_ranks(ranked, quotes, locs) == [2, None]


def test_recall_mrr_and_ndcg_by_hand() -> None:
    ranks = [2, None, 7]
    assert [recall_at(ranks, k) for k in (1, 3, 5, 10)] == [0.0, pytest.approx(1 / 3), pytest.approx(1 / 3),
                                                           pytest.approx(2 / 3)]
    assert reciprocal_rank(ranks) == 0.5 and reciprocal_rank([None]) == 0.0
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(ranks) == pytest.approx((1 / math.log2(3) + 1 / math.log2(8)) / idcg)
    assert ndcg_at([1]) == 1.0 and ndcg_at([1, 2]) == pytest.approx(1.0) and ndcg_at([None]) == 0.0
    assert ndcg_at([1, 1]) == 1.0  # one passage covering both quotes is ideal
    assert ndcg_at([11]) == 0.0  # beyond k


# --- answers and abstention --------------------------------------------------------------------------------

def test_key_facts_are_case_and_dash_insensitive_and_ignore_markers() -> None:
    answer = "Children aged 0–1 YEAR received Phase II MSCs [1]."
    facts = [["0-1 year"], ["phase ii"], ["intranasal", "intravenous"]]
    assert key_facts(answer, facts) == (2 / 3, ["intranasal"])
    assert key_facts("See [1].", [["1"]]) == (0.0, ["1"])
    assert normalize("A\u00a0 B—c") == "a b-c"
    assert word_count("Two words [1][2].") == 2


def test_abstention_precision_recall_and_false_rate() -> None:
    # (answerable, answered): 2 right abstentions, 1 missed, 1 false abstention, 2 answered fine.
    outcomes = [(False, False), (False, False), (False, True), (True, False), (True, True), (True, True)]
    assert abstention_scores(outcomes) == (pytest.approx(2 / 3), pytest.approx(2 / 3), pytest.approx(1 / 3))
    assert abstention_scores([(True, True), (False, True)]) == (None, 0.0, 0.0)


# --- aggregation, gate and report helpers ------------------------------------------------------------------

def result(qid: str, answerable: bool, answered: bool, **scores: Any) -> QuestionResult:
    return QuestionResult(id=qid, kind="factoid" if answerable else "unanswerable", split="test",
                          system="engine", question="?", answerable=answerable, answered=answered, answer="x",
                          **scores)


def test_aggregate_averages_defined_values_only() -> None:
    rows = [result("a", True, True, key_fact_recall=1.0, citation_recall=0.5, citations=2,
                   intact_citations=2),
            result("b", True, False, key_fact_recall=0.0),
            result("c", False, True, citation_recall=1.0, citations=1, intact_citations=0,
                   dangling_markers=[3])]
    m = aggregate(rows)
    assert (m.questions, m.answerable, m.answered) == (3, 2, 2)
    assert m.key_fact_recall == 0.5 and m.citation_recall == 0.75 and m.evidence_recall_at_5 is None
    assert m.citation_integrity == 0.5  # 2 intact of 3 citations + 1 dangling marker
    assert (m.abstention_precision, m.abstention_recall, m.false_abstention_rate) == (0.0, 0.0, 0.5)


def test_gate_fails_below_minimum_and_on_undefined() -> None:
    m = Metrics(questions=1, answerable=1, answered=1, key_fact_recall=0.9, citation_integrity=1.0)
    assert check(m, {"key_fact_recall": 0.9, "citation_integrity": 1.0}).passed
    failed = check(m, {"key_fact_recall": 0.91, "abstention_recall": 0.5, "citation_recall": 0.0})
    assert [f.metric for f in failed.failures] == ["abstention_recall", "key_fact_recall"]
    assert "key_fact_recall: 0.9000 < 0.9100" in describe(failed) and "undefined" in describe(failed)


def test_thresholds_file_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text("[engine]\nkey_fact_recal = 0.9\n", encoding="utf-8")
    with pytest.raises(ThresholdsError, match="unknown metric"):
        load_thresholds(path)
    path.write_text("[engine]\nkey_fact_recall = 0.9\n", encoding="utf-8")
    assert load_thresholds(path) == {"key_fact_recall": 0.9}


def test_checked_in_thresholds_cover_the_issue_metrics() -> None:
    thresholds = load_thresholds()
    assert {"key_fact_recall", "citation_recall", "citation_precision", "citation_integrity",
            "abstention_precision", "abstention_recall", "evidence_recall_at_5"} <= set(thresholds)
    assert thresholds["citation_integrity"] == 1.0


def test_worst_questions_are_explained() -> None:
    good = result("a", True, True, key_fact_recall=1.0, evidence_recall_at_5=1.0, citation_recall=1.0)
    missed = result("b", True, False, key_fact_recall=0.0, evidence_recall_at_5=0.0, missed_facts=["nestin"],
                    evidence_ranks=[None])
    wrong = result("c", False, True, citation_recall=1.0)
    assert question_score(missed) == 0.0 and question_score(good) == 1.0
    assert [r.id for r in worst([good, wrong, missed])] == ["b", "c"]
    assert issues(missed) == ["abstained on an answerable question", "missed facts: nestin",
                              "evidence not all in top 5 (first ranks: none)"]


# --- systems -----------------------------------------------------------------------------------------------

def test_passage_answer_cites_its_passage_per_sentence() -> None:
    top = passage(0, len(TEXT))
    answer = passage_answer("q", [top, passage(0, 5)])
    assert answer.answered and len(answer.citations) == 1 and answer.related == [passage(0, 5)]
    g = ground(answer.answer, answer.citations, DOCS, GLOSSARY)
    assert len(g.sentences) == 3 and g.citation_recall == 1.0 and g.citation_precision == 1.0
    assert not passage_answer("q", []).answered


def test_engine_ranking_puts_citations_first_then_related_without_duplicates() -> None:
    c2, c1 = cite(2, "Severity"), cite(1, "Chang")
    answer = Answer(question="q", answer="x [1][2]", answered=True, citations=[c2, c1],
                    related=[passage(c1.start, c1.end), passage(0, 5)], resolved_question=None)
    expected = [(c1.start, c1.end), (c2.start, c2.end), (0, 5)]
    assert [(p.start, p.end) for p in engine_ranking(answer)] == expected
