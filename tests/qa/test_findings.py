"""Roles of sentences (finding, aim, method, background) and the stance cues: general wording, no corpus."""

from __future__ import annotations

import pytest

from index.roles import section_role, sentence_role, states_evidence, unit_role
from qa.model import Citation
from qa.stance import Featurizer, marked_words, terms
from qa.stance_cues import CUE_NAMES, FINDING_CUES, cues, finding_cues, question_cues
from qa.verdict import finding_citations


@pytest.mark.parametrize(("label", "role"), [
    ("Results", "finding"), ("Conclusions", "finding"), ("Principal Findings", "finding"),
    ("Measurements And Main Results", "finding"), ("Objective", "aim"), ("Background And Aims", "aim"),
    ("Background", "background"), ("Introduction", "background"), ("Methods", "method"),
    ("Patients And Methods", "method"), ("Main Outcome Measures", "method"), ("Stem Cells in the Lung", "other"),
])
def test_section_labels(label: str, role: str) -> None:
    assert section_role(label) == role


@pytest.mark.parametrize(("text", "role"), [
    ("The aim of this study was to evaluate the effect of caffeine on apnoea.", "aim"),
    ("We investigated whether early surfactant reduces mortality.", "aim"),
    ("To evaluate the safety of intranasal milk in preterm infants.", "aim"),
    ("This study examined the outcome of infants born before 28 weeks.", "aim"),
    ("We examine how different sources of stem cells affect their secretions.", "aim"),
    ("Here we review the evidence on cord blood for brain injury.", "aim"),
    ("We also look at the pathways they influence.", "aim"),
    ("This review brings together findings from animal studies to explore how secretions work.", "aim"),
    ("This article summarises the evidence on donor milk.", "aim"),
    ("This study showed that cord blood reduced brain injury.", "finding"),
    ("We show that cord blood reduced brain injury.", "finding"),
    ("We report that no infant died.", "other"),
    ("Hassiotou et al. reported that milk stem cells could pass through the infant gut.", "finding"),
    ("Transplantation was shown to improve neurological functions.", "finding"),
    ("Mortality was significantly reduced in the treated group (p < 0.01).", "finding"),
    ("Low birth weight was associated with a higher risk of sepsis.", "finding"),
    ("There was no difference in length of stay between the groups.", "finding"),
    ("The intervention did not shorten ventilation.", "finding"),
    ("We conclude that the device is safe.", "finding"),
    ("Stem cells are undifferentiated cells.", "other"),
])
def test_sentence_cues(text: str, role: str) -> None:
    assert sentence_role(text) == role


def test_label_decides_except_an_aim_stated_in_results() -> None:
    assert unit_role("Methods", "Mortality was significantly reduced.") == "method"
    assert unit_role("Results", "Patients were seen twice.") == "finding"
    assert unit_role("Conclusions", "The aim of this study was to compare two drugs.") == "aim"
    assert unit_role("Stem Cells in the Lung", "Severity was significantly decreased.") == "finding"


def _cue(text: str, name: str) -> float:
    return finding_cues(text)[FINDING_CUES.index(name)]


def test_finding_cues_see_negation_no_difference_hedging_and_comparison() -> None:
    assert _cue("There was no significant difference between groups.", "no_difference") > 0
    assert _cue("Mortality was significantly reduced.", "no_difference") == 0
    assert _cue("Mortality was significantly reduced.", "effect") > 0
    assert _cue("These results may suggest a benefit; further studies are needed.", "hedge") > \
        _cue("Mortality was reduced.", "hedge")
    assert _cue("Survival was higher than in controls.", "compare") > 0
    assert _cue("p < 0.05", "p_value") == 1.0
    assert _cue("The test was of limited value and insufficient.", "negative_words") > 0


def test_question_cues_and_their_interactions() -> None:
    same, differ = question_cues("Is X the same as Y?"), question_cues("Does X differ from Y?")
    assert same[1] == 1.0 and same[2] == 0.0 and differ[2] == 1.0
    assert question_cues("Is surgery not needed?")[0] == 1.0
    both = cues("Is X the same as Y?", "There was no difference between X and Y.")
    assert len(both) == len(CUE_NAMES)
    assert both[CUE_NAMES.index("q_same*no_difference")] > 0
    assert cues("Does X differ from Y?", "X was higher.")[CUE_NAMES.index("q_same*no_difference")] == 0


def test_negation_scope_marks_words_until_punctuation() -> None:
    assert marked_words("It did not reduce mortality, but improved growth.") == [
        "it", "did", "not", "not_reduce", "not_mortality", "but", "improved", "growth"]
    counted = terms("Does it work?", "It did not work.")
    assert counted["not_work"] == 1 and counted["q_does"] == 1 and "did not" in counted


def test_featurizer_is_l2_normalised_and_appends_cues() -> None:
    pairs = [("Does A work?", "A did not work."), ("Does B work?", "B worked well."), ("Is C safe?", "C did not work.")]
    f = Featurizer.fit(pairs, min_df=2)
    assert "not_work" in f.vocabulary
    x = f.transform("Does D work?", "D did not work.")
    tfidf = [v for c, v in x.items() if c < len(f.vocabulary)]
    assert abs(sum(v * v for v in tfidf) - 1.0) < 1e-9
    assert max(x) < f.size


@pytest.mark.parametrize(("text", "states"), [
    ("There have been no studies conducted using breast milk stem cells in HIE thus far.", True),
    ("Mesenchymal stem cells have not yet been tested in preterm infants with NEC.", True),
    ("There are limited clinical data on long-term outcomes.", True),
    ("No significant difference was found between the groups.", False),
    ("No infant died before discharge.", False),
])
def test_statements_of_the_state_of_the_evidence(text: str, states: bool) -> None:
    assert states_evidence(text) is states


def _cite(marker: int, section: str, text: str) -> Citation:
    return Citation(doc_id="d", title="d", section=section, kind="sentence", start=0, end=len(text), text=text,
                    score=1.0, marker=marker)


def test_a_reviews_word_on_the_evidence_is_judged_but_a_studys_motive_is_not() -> None:
    gap = "There have been no studies conducted using breast milk stem cells in HIE thus far."
    hope = "Breast milk stem cells may be used in the treatment of HIE."
    # Under a review's topical heading the sentence says what is known; the hopeful conclusion alone would
    # answer "Are there studies ...?" with a yes.
    kept = finding_citations([_cite(1, "Stem Cells in Neonatal Disease", gap), _cite(2, "Conclusion", hope)])
    assert [c.marker for c in kept] == [1, 2]
    # Under Background the same words are why a study was done, not what it found.
    kept = finding_citations([_cite(1, "Background", gap), _cite(2, "Conclusion", hope)])
    assert [c.marker for c in kept] == [2]


def test_an_aim_or_a_method_alone_is_no_finding_to_judge() -> None:
    aim = "We examine how bone marrow and umbilical cord affect the quality of their secretions."
    method = "Infants were randomised to cord blood or placebo."
    other = "Cord blood cells lower the risk of infection."
    # No citation states a finding: what is left is judged only when it is not an aim or a method, and says an
    # effect, a difference or a judgement; a plain statement of fact settles nothing.
    assert finding_citations([_cite(1, "Summary", aim), _cite(2, "Methods", method)]) == []
    assert [c.marker for c in finding_citations([_cite(1, "Summary", aim), _cite(2, "Cord Blood", other)])] == [2]
    fact = "Cord blood cells are collected at birth."
    assert finding_citations([_cite(1, "Summary", aim), _cite(2, "Cord Blood", fact)]) == []
