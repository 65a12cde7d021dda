"""Unrelated findings in the verdict's fit: which paper's conclusion a question is paired with, and what the stored
out-of-fold numbers and the fit make of them."""

from __future__ import annotations

import numpy as np

from eval.pubmedqa import fold_of, out_of_fold_encoder, verdict_on_unrelated
from eval.pubmedqa_cited import examples, load_cited
from eval.pubmedqa_data import load_questions
from eval.stance_encoder_oof import load_rows
from eval.stance_fit import FOLDS, fit
from eval.stance_unrelated import as_citations, as_findings, nearest_others
from qa.stance import CLASSES, StanceModel
from qa.verdict import decide


def test_the_nearest_other_paper_is_never_the_questions_own_and_comes_from_those_allowed() -> None:
    scores = np.array([[-np.inf, 0.9, 0.5, 0.1],
                       [0.2, -np.inf, 0.3, 0.8],
                       [0.7, 0.6, -np.inf, 0.1],
                       [0.4, 0.3, 0.9, -np.inf]])
    assert nearest_others(scores, range(4)) == [1, 3, 0, 2]
    # In a fold the fit sees papers 0, 1 and 2 only: paper 1 pairs with 2, not with 3 (its nearest).
    assert nearest_others(scores, [0, 1, 2], among=[0, 1, 2]) == [1, 2, 0]


def test_a_conclusion_becomes_the_sentences_the_engine_would_cite() -> None:
    text = "Drug A lowered mortality (p = 0.01). Larger trials are needed, e.g. in older adults."
    assert as_findings(text) == ["Drug A lowered mortality (p = 0.01).",
                                 "Larger trials are needed, e.g. in older adults."]


def test_every_stored_question_was_read_with_another_dev_papers_conclusion() -> None:
    questions = load_questions()
    pmids = {q.pmid for q in questions}
    rows = load_rows()
    assert rows and all(r.unrelated in pmids and r.unrelated != r.pmid for r in rows.values())
    assert all(r.unrelated_probs is not None and abs(sum(r.unrelated_probs) - 1) < 1e-4 for r in rows.values())
    # The fit's examples carry that paper's conclusion, as sentences, with the encoder's numbers on it.
    conclusion_of = {q.pmid: q.long_answer for q in questions}
    cited = {r.pmid: r for r in load_cited()}
    for q, e in zip(questions[:50], examples(questions[:50], cited), strict=True):
        row = rows.get(q.pmid)
        if row is None:
            assert e.unrelated is None
            continue
        assert e.unrelated is not None and " ".join(e.unrelated) in conclusion_of[row.unrelated].replace("  ", " ")
        assert e.unrelated_encoder_probs == row.unrelated_probs


def test_the_shipped_verdict_is_seldom_drawn_from_another_papers_conclusion() -> None:
    # The first 100 dev questions, each with its own conclusion and with the one the fit paired it with (the
    # nearest other paper's). The models learnt both (in sample): their verdict rests on the question's own.
    model = StanceModel.default()
    questions = load_questions(limit=100)
    conclusion_of = {q.pmid: q.long_answer for q in load_questions()}
    rows = load_rows()
    own = other = asked = 0
    for q in questions:
        row = rows.get(q.pmid)
        if row is None or row.unrelated is None:
            continue
        asked += 1
        own += decide(model, q.question, as_citations("own", q.long_answer), {})[0] is not None
        other += decide(model, q.question, as_citations("other", conclusion_of[row.unrelated]), {})[0] is not None
    assert asked >= 90
    assert own >= 0.5 * asked
    assert other <= 0.2 * asked


def test_the_suite_judges_unrelated_conclusions_out_of_fold_and_seldom_gives_a_verdict() -> None:
    questions = load_questions()
    conclusion_of = {q.pmid: q.long_answer for q in questions}
    rows = load_rows()
    encoder = out_of_fold_encoder(questions)
    first = next(q for q in questions if q.pmid in rows)
    row = rows[first.pmid]
    assert row.unrelated is not None and row.unrelated_probs is not None
    other = conclusion_of[row.unrelated]
    assert encoder(first.question, [other]) == dict(zip(CLASSES, row.unrelated_probs, strict=True))
    assert encoder(first.question, [other + " Larger trials are needed."]) is None
    cited = as_citations("paper", other)
    assert [c.text for c in cited] == as_findings(other) and all(other[c.start:c.end] == c.text for c in cited)
    # As in the suite's round-robin split: each question judged, with its paired unrelated conclusion, by a
    # model fitted (as shipped) on the other four folds. A sample of 100 questions moved by a question or two
    # with the fit's random repetitions (8 to 12 of 32); all 500 are the suite's number: 0.183.
    cited_rows = {r.pmid: r for r in load_cited()}
    models = {}
    for k in range(FOLDS):
        models[k], _ = fit(examples([q for i, q in enumerate(questions) if fold_of(i) != k], cited_rows))
        models[k].encoder = encoder
    share = verdict_on_unrelated(questions, models)
    assert share is not None and share <= 0.19
