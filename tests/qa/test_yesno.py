"""The yes/no question detector: only questions that ask whether something is so may get a verdict."""

from __future__ import annotations

import pytest

from qa.yesno import clauses, is_yes_no, names_its_subject


@pytest.mark.parametrize("question", [
    "Does early caffeine reduce the need for mechanical ventilation?",
    "Is erythropoietin neuroprotective in preterm infants?",
    "Have breast milk stem cells been tried in human infants with NEC?",
    "Can you deliver accurate tidal volume by manual resuscitator?",
    "Double balloon enteroscopy: is it efficacious and safe in a community setting?",
    "Aripiprazole: a new risk factor for pathological gambling?",
    "Esophagogastric devascularization without splenectomy in portal hypertension: safe and effective?",
    "When milk was given through the nose, did fewer infants need surgery?",
    "Are milk-derived stem cells likely to cause cancer, and is collecting them a burden for the mother?",
    "Are WHO-recommended replacement milks appropriate in this setting?",
    "Does surgery or radiation therapy impact survival?",
    "Isn't delayed cord clamping safe?",
    "MSCs for BPD - safe?",
    "Is caffeine or doxapram better than placebo for apnoea?",
    "When the cells were given early, did fewer infants die, and was it safe?",
])
def test_yes_no_questions(question: str) -> None:
    assert is_yes_no(question)


@pytest.mark.parametrize("question", [
    "Which routes were used for BPD?",
    "What is microchimerism?",
    "How many infants had severe IVH?",
    "In what year were stem cells first described in breast milk?",
    "Into which two groups are the cells classified, and what does each contain?",
    "According to the secretome review, secretions from which MSC source look especially potent?",
    "Is it the intratracheal or the intravenous route?",
    "Are they the same or different?",
    "And for IVH?",
    "What about NEC?",
    "Tell me about the Pisano study.",
    "Could you list the routes?",
    "ahn ivh cell sources?",
    "nec trials listed in the table?",
    "Was the milk given by mouth or by a feeding tube?",
    "Were the vesicles injected into the belly or into a vein?",
    "Is it the intravenous or the intratracheal route that works better for BPD?",
    "Is intranasal or intraventricular delivery of stem cells safer for IVH?",
    "Is cord blood or bone marrow the richer source of stem cells?",
    "Is surgery or radiotherapy the best choice for early prostate cancer?",
    "chang bpd trial - what route was used, and was it safe?",
    "In the Zani study, were the pups randomised, and how often were the cells given?",
    "Surfactant therapy",
    "Is BPD?",
    "Does MSC?",
    "Hypothermia for HIE: is it?",
    "",
])
def test_other_questions(question: str) -> None:
    assert not is_yes_no(question)


def test_clauses_split_at_colons_dashes_and_a_new_question() -> None:
    assert clauses("Stage I carcinoma: really an early stage?") == ["Stage I carcinoma", "really an early stage"]
    assert clauses("Lloyd-Davies position -- a disaster?") == ["Lloyd-Davies position", "a disaster"]
    assert clauses("A short stay ward, is it effective?") == ["A short stay ward", "is it effective"]


@pytest.mark.parametrize(("question", "named"), [
    ("Is it safe?", False),
    ("Are they effective?", False),
    ("Does it reduce mortality in preterm infants?", False),
    ("And do they work?", False),
    ("Chemoradiation for rectal tumours: is it safe?", True),
    ("Multidisciplinary breast cancer clinics. Do they work?", True),
    ("Which route was used for MSCs in BPD — Is it safe?", True),  # the first clause names it
    ("Is it safe to give MSCs to preterm infants?", True),
    ("Is it true that caffeine reduces apnoea?", True),
    ("Is it worth screening preterm infants for CMV?", True),
    ("Does caffeine reduce apnoea?", True),
])
def test_a_question_names_its_subject_unless_it_is_a_bare_pronoun(question: str, named: bool) -> None:
    assert names_its_subject(question) is named
