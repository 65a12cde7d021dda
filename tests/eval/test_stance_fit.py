"""The verdict's two-stage stance model: the engine's cited findings it is fitted on, the fit itself (both stages,
both thresholds, by cross-validation on dev), the shipped parameters and the verdict they give."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corpus.store import load_corpus
from eval.pubmedqa_cited import examples, load_cited, reading
from eval.pubmedqa_data import load_abstracts, load_questions, write_corpus
from eval.stance_fit import BLEND_WEIGHTS, GRID, choose_blend, choose_threshold, fit
from qa.model import Citation
from qa.stance import CLASSES, POOLED_FEATURES, StanceModel, is_concluding
from qa.verdict import decide

QUESTION = "Does compound Q9 reduce larval mortality in zebrafish?"


def _citations(texts: list[str]) -> list[Citation]:
    return [Citation(doc_id="zebrafish-q9", title="Zebrafish and Q9", section="Results", kind="sentence", start=0,
                     end=len(t), text=t, score=1.0, marker=m) for m, t in enumerate(texts, 1)]


def test_the_collection_holds_what_the_engine_cited_for_every_dev_question(tmp_path: Path) -> None:
    questions = load_questions()
    rows = load_cited()
    assert [(r.pmid, r.question, r.decision) for r in rows] == [(q.pmid, q.question, q.decision) for q in questions]
    assert sum(bool(r.findings) for r in rows) >= 0.95 * len(rows)
    write_corpus(load_abstracts(), tmp_path)
    documents = {d.doc_id: d.text for d in load_corpus(tmp_path).documents}
    findings = [f for r in rows for f in r.findings]
    # Every cited finding is a verbatim span of the document it came from, as the corpus layer reads it.
    assert all(f.text in documents[f.doc_id] for f in findings)
    in_findings = sum(any(w in f.section.lower() for w in ("result", "conclusion", "finding")) for f in findings)
    assert in_findings >= 0.9 * len(findings)


def test_fit_gives_both_stages_and_thresholds_chosen_by_cross_validation() -> None:
    questions = load_questions(limit=250)
    cited = {r.pmid: r for r in load_cited()}
    model, cv = fit(examples(questions, cited), seeds=1)
    assert model.pooler is not None
    assert model.threshold in GRID and model.pooler.threshold in GRID
    verdict_cv = cv["verdict_on_cited_findings"]
    assert isinstance(verdict_cv, dict) and verdict_cv["threshold"] == model.pooler.threshold
    # The stance encoder's stored out-of-fold probabilities (read on these very findings) are weighed in.
    assert model.blend is not None and model.blend.weight in BLEND_WEIGHTS and model.blend.threshold in GRID
    blended_cv = cv["verdict_with_encoder"]
    assert isinstance(blended_cv, dict) and blended_cv["questions_read_by_encoder"] >= 0.9 * 250
    # The threshold is where the isotonic fit of "right" on the confidence reaches the target (plus a margin);
    # on 250 questions and one repetition the raw out-of-fold hits there wander a few points around it, but the
    # verdicts shown are clearly more often right than all of them (a threshold at the bottom would not be).
    assert blended_cv["coverage"] >= 0.1 and blended_cv["precision"] >= 0.8
    assert blended_cv["precision"] >= blended_cv["accuracy_all"] + 0.05
    # Paired with another paper's conclusion, the same questions get a verdict far less often than with their own
    # findings: the fit learnt that a conclusion about something else settles nothing.
    assert blended_cv["shown_on_unrelated"] <= blended_cv["coverage"] / 2
    assert verdict_cv["shown_on_unrelated"] <= max(verdict_cv["coverage"], 0.05)
    # A question the fit never saw: the verdict's probabilities are a distribution over the three decisions.
    held_out = load_questions()[400]
    found = cited[held_out.pmid].findings
    probs, threshold = model.verdict_probabilities(held_out.question, [f.text for f in found],
                                                   [is_concluding(f.section, f.text) for f in found])
    assert set(probs) == set(CLASSES) and sum(probs.values()) == pytest.approx(1.0)
    assert threshold == model.pooler.threshold  # no encoder attached: the word model decides alone


def test_the_encoder_weighs_more_the_better_its_probabilities() -> None:
    rng = np.random.default_rng(0)
    labels = [CLASSES[i % 3] for i in range(600)]
    truth = np.eye(3)[[CLASSES.index(label) for label in labels]]
    noise = rng.dirichlet([1, 1, 1], size=600)
    informed = 0.6 * truth + 0.4 * rng.dirichlet([1, 1, 1], size=600)
    read = np.where(np.arange(600)[:, None] % 10 == 0, 0.0, informed)  # every tenth question: not read
    blend, blended, _ = choose_blend(noise, read, labels)
    assert blend.weight >= 0.7 and blend.threshold in GRID
    assert np.allclose(blended[::10], noise[::10])  # unread questions keep the pooler's probabilities
    blend, _, _ = choose_blend(informed, np.where(read > 0, noise, 0.0), labels)
    assert blend.weight <= 0.3


def test_the_blend_leans_on_the_model_that_is_unsure_of_unrelated_findings() -> None:
    rng = np.random.default_rng(1)
    labels = [CLASSES[i % 3] for i in range(600)]
    truth = np.eye(3)[[CLASSES.index(label) for label in labels]]
    pooled = 0.6 * truth + 0.4 * rng.dirichlet([1, 1, 1], size=600)
    read = 0.5 * truth + 0.5 * rng.dirichlet([1, 1, 1], size=600)  # a little less sure of the right answers
    # On another paper's conclusion the pooler is as confident as on the question's own; the encoder is not.
    confident = np.eye(3)[rng.integers(0, 3, 600)] * 0.8 + 0.2 / 3
    unsure = np.full((600, 3), 1 / 3) + rng.normal(0, 0.01, (600, 3))
    unsure /= unsure.sum(1, keepdims=True)
    alone, _, _ = choose_blend(pooled, read, labels)
    blend, _, on_unrelated = choose_blend(pooled, read, labels, confident, unsure)
    assert blend.weight > alone.weight
    # Where the two agree on the likeliest decision, the blend; where they do not, no answer (even odds).
    agree = unsure.argmax(1) == confident.argmax(1)
    assert 0 < agree.sum() < len(agree)
    assert np.allclose(on_unrelated[agree], (blend.weight * unsure + (1 - blend.weight) * confident)[agree])
    assert np.allclose(on_unrelated[~agree], 1 / 3)


def test_the_threshold_is_chosen_on_what_the_verdict_shows_when_the_two_readers_disagree() -> None:
    # Both models are right on 70 % of the questions, with the same confidence whether right or wrong, and
    # wrong on different ones: blended, a verdict at any threshold is right 70 % of the time at most. Where
    # they agree they are right (both wrong on none), so counting only those verdicts reaches the target.
    labels = [CLASSES[i % 3] for i in range(600)]
    y = np.array([CLASSES.index(label) for label in labels])
    wrong_read, wrong_pooled = np.arange(600) % 10 < 3, (np.arange(600) % 10 >= 3) & (np.arange(600) % 10 < 6)
    def answers(wrong: np.ndarray) -> np.ndarray:
        picked = np.where(wrong, (y + 1) % 3, y)
        return 0.2 / 2 + 0.7 * np.eye(3)[picked]
    blend, blended, _ = choose_blend(answers(wrong_pooled), answers(wrong_read), labels)
    disagree = wrong_read | wrong_pooled
    assert np.allclose(blended[disagree], 1 / 3)  # no answer there, below every threshold of the grid
    shown = blended.max(1) >= blend.threshold
    assert blend.threshold < GRID[-1] and shown.mean() >= 0.3 and not shown[disagree].any()
    assert (blended.argmax(1)[shown] == y[shown]).all()


def test_the_threshold_is_the_lowest_whose_verdicts_reach_the_target_precision() -> None:
    # 600 questions, confidences spread evenly over [0.4, 1); a verdict is right exactly when its confidence is at
    # least 0.7. Shown at t < 0.7, the share right is 0.3 / (1 - t): 0.857 at t = 0.65, 0.833 at 0.64.
    confidence = np.linspace(0.4, 1.0, 600, endpoint=False)
    probs = np.stack([confidence, (1 - confidence) / 2, (1 - confidence) / 2], axis=1)
    labels = ["yes" if c >= 0.7 else "no" for c in confidence]
    assert choose_threshold(probs, labels, 0.85) == pytest.approx(0.65)
    assert choose_threshold(probs, labels, 0.99) == pytest.approx(0.7)


def test_shipped_parameters_round_trip_as_plain_json() -> None:
    model = StanceModel.default()
    assert model.pooler is not None and len(model.pooler.coef) == len(CLASSES)
    assert all(len(row) == len(POOLED_FEATURES) for row in model.pooler.coef)
    data = json.loads(json.dumps(model.to_json()))
    again = StanceModel.from_json(data)
    assert again.blend == model.blend
    again.encoder = model.encoder  # attached at load time, not part of the parameters
    findings, concluding = ["Larval mortality was lower with compound Q9.", "Compound Q9 was safe."], [False, True]
    assert (again.verdict_probabilities(QUESTION, findings, concluding)
            == model.verdict_probabilities(QUESTION, findings, concluding))
    data["pooler"]["features"] = POOLED_FEATURES[::-1]
    with pytest.raises(ValueError, match="pooler"):
        StanceModel.from_json(data)


def test_the_shipped_verdict_reads_clear_findings_both_ways() -> None:
    model = StanceModel.default()
    assert model.pooler is not None
    verdict, stances = decide(model, QUESTION, _citations([
        "Larval mortality was significantly lower with compound Q9 than with vehicle (4% vs 31%, p < 0.001).",
        "Compound Q9 significantly reduced larval mortality in zebrafish and was safe."]))
    threshold = model.blend.threshold if model.blend else model.pooler.threshold
    assert verdict is not None and verdict.label == "Yes" and verdict.confidence >= threshold
    assert set(stances.values()) == {"supports"}
    verdict, stances = decide(model, QUESTION, _citations([
        "Larval mortality did not differ between compound Q9 and vehicle (30% vs 31%, p = 0.81).",
        "Compound Q9 did not reduce larval mortality in zebrafish."]))
    assert verdict is not None and verdict.label == "No"
    assert set(stances.values()) == {"contradicts"}


def test_mixed_evidence_needs_two_studies_about_the_question() -> None:
    model = StanceModel.default()
    supports = "Compound Q9 significantly reduced larval mortality in zebrafish (4% vs 31%, p < 0.001)."
    on_topic = "Compound Q9 did not reduce larval mortality in zebrafish (30% vs 31%, p = 0.81)."
    off_topic = "Vitamin D supplementation did not reduce fracture rates in elderly women (p = 0.74)."
    first, second, third = _citations([supports, on_topic, off_topic])
    disagree = [first, second.model_copy(update={"doc_id": "zebrafish-q9-replication"})]
    verdict, stances = decide(model, QUESTION, disagree)
    assert stances == {1: "supports", 2: "contradicts"}
    assert verdict is not None and verdict.label == "Mixed evidence"
    # The same disagreement from a study of something else is no mixed evidence about Q9.
    verdict, stances = decide(model, QUESTION, [first, third.model_copy(update={"doc_id": "vitamin-d-fractures"})])
    assert stances[3] == "contradicts"
    assert verdict is None or verdict.label != "Mixed evidence"


def test_the_neutral_model_that_stands_in_while_refitting_judges_nothing() -> None:
    model = StanceModel.neutral()
    assert model.probabilities(QUESTION, "Compound Q9 significantly reduced larval mortality.") == pytest.approx(
        dict.fromkeys(CLASSES, 1 / 3))
    verdict, stances = decide(model, QUESTION, _citations(["Compound Q9 significantly reduced larval mortality."]))
    assert verdict is None and set(stances.values()) == {"mixed"}


def test_the_encoders_out_of_fold_probabilities_match_the_stored_collection() -> None:
    from eval.stance_encoder_oof import findings_digest, load_rows, probabilities_for

    rows = load_rows()
    cited = load_cited()
    judged = [r for r in cited if r.findings]
    # Read on the very findings collected, as the encoder reads them (a quoted conclusion sentence with the rest
    # of its paragraph): a new collection without a refit of the encoder would fail here.
    read = [probabilities_for(rows, r.pmid, reading(r.findings)) for r in judged]
    assert sum(p is not None for p in read) == len(judged)
    assert all(sum(p) == pytest.approx(1.0, abs=1e-4) for p in read if p is not None)
    # Other findings for the same question are not read with the stored numbers, nor the bare sentences when the
    # encoder read their paragraph.
    first = judged[0]
    assert probabilities_for(rows, first.pmid, reading(first.findings)[:-1] + ["Something else."]) is None
    assert rows[first.pmid].findings == findings_digest(reading(first.findings))
    whole = next(r for r in judged if any(f.conclusion and f.conclusion != f.text for f in r.findings))
    assert probabilities_for(rows, whole.pmid, [f.text for f in whole.findings]) is None
