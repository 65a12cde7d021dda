"""What a sentence does in a study report: state a finding, or set out an aim, a method or background.

A clinician asking whether something works wants what a study found, not what it set out to do. The role of
a unit comes from the document's own section label where the label says it (Results, Conclusions, Principal
Findings -> finding; Objective, Aims, Background -> aim or background; Methods, Design, Patients -> method),
and from general cue phrases where it does not (a review's topical headings say nothing about roles):

- aim cues: "The aim of this study was ...", "We investigated whether ...", "To evaluate ...";
- finding cues: "significantly reduced", "was associated with", "no difference", "did not", p-values,
  confidence intervals, odds ratios, "we conclude", "these results suggest".

Nothing here knows a question or a corpus. Roles are computed once per unit at index time (`index.prepare`);
the weights that use them live in `qa/rerank.py`.
"""

from __future__ import annotations

import re
from typing import Literal

Role = Literal["finding", "aim", "method", "background", "other"]

# Section labels, by their words (PubMed's structured-abstract labels and the usual IMRaD headings).
_FINDING_LABEL = re.compile(r"\b(results?|findings?|conclusions?|concluding|interpretation|discussion|"
                            r"implications?|outcomes? and results?)\b", re.I)
_AIM_LABEL = re.compile(r"\b(objectives?|aims?|purposes?|goals?|hypothes[ie]s|rationale|study questions?)\b", re.I)
_BACKGROUND_LABEL = re.compile(r"\b(background|introduction|context|summary of background data)\b", re.I)
_METHOD_LABEL = re.compile(r"\b(methods?|methodology|design|settings?|patients|participants|subjects|population|"
                           r"interventions?|measurements?|measures?|materials?|data sources?|data extraction|"
                           r"study selection|procedures?|main outcome)\b", re.I)

_AIM_CUE = re.compile(
    r"^(?:in this (?:study|trial|paper|report|analysis),? )?(?:we|the authors) (?:aimed|sought|set out|wished|"
    r"investigated whether|examined whether|assessed whether|asked whether|tested whether|evaluated whether|"
    r"hypothesi[sz]ed|hypothesi[sz]e)\b|"
    # A paper saying what it covers, in the present tense ("We examine how ...", "Here we review ..."); "we
    # show that", "we report that" state findings.
    r"^(?:here,? |in this (?:review|paper|article),? )?we (?:also )?(?:examine|review|describe|discuss|summari[sz]e|"
    r"look at|explore|outline|highlight|consider|focus on|present|provide an? (?:overview|summary))\b(?! that)|"
    r"^(?:the|our|this) (?:main |primary |principal )?(?:aim|objective|purpose|goal)s? (?:of|was|were|is|are)\b|"
    r"^(?:this|the present|the current|our) (?:study|trial|paper|report|work|analysis|review|article) (?:aim|aimed|"
    r"aims|was designed|is designed|was undertaken|was conducted to|examine[sd]?|investigate[sd]?|evaluate[sd]?|"
    r"assesse?[sd]?|sought|seeks|brings together|summari[sz]es|discusses|describes|explores|outlines|"
    r"highlights|focuses on|provides an? (?:overview|summary|update))\b|"
    r"^to (?:evaluate|assess|determine|investigate|examine|compare|test|explore|describe|identify|analy[sz]e|"
    r"establish|clarify|measure|study|characteri[sz]e|quantify|review|report|estimate|ascertain|elucidate)\b|"
    r"\b(?:was|were) to (?:evaluate|assess|determine|investigate|examine|compare|test|explore|describe|identify)\b",
    re.I)
_FINDING_CUE = re.compile(
    r"\b(?:significant(?:ly)?|p\s*[<=>≤]\s*0?\.\d+|p\s*(?:value)?\s*[<=]|95\s*%|confidence interval|odds ratio|"
    r"hazard ratio|relative risk|risk ratio|\bOR\b\s*[=:,]?\s*\d|associated with|association (?:between|of|with)|"
    r"correlated|correlation|no (?:significant )?(?:difference|differences|association|effect|change|benefit|"
    r"correlation|relationship)|did not|does not|was not|were not|failed to|"
    r"(?:increased|decreased|reduced|improved|lowered|raised|worsened|prolonged|shortened)|"
    r"(?:higher|lower|greater|smaller|shorter|longer|better|worse|more|fewer|less) (?:than|in|among|rates?|risk)|"
    r"we conclude|in conclusion|(?:these|our|the) (?:results|findings|data) (?:suggest|indicate|show|demonstrate|"
    r"support|confirm)|(?:showed|demonstrated|revealed|found) that|"
    # A review relating one study's result: "Hassiotou et al. (23) reported that ...", "the authors observed".
    r"(?:et al\.?(?:\s*\([\d,\s–-]+\))?|the authors) (?:reported|observed|noted|concluded) that|"
    r"(?:was|were) shown to|was (?:effective|safe|feasible|superior|"
    r"inferior|comparable|similar)|were (?:effective|safe|comparable|similar))",
    re.I)


# What a review says about the state of the evidence: "There have been no studies of X in Y thus far", "X has
# not yet been tested in infants". It answers "Are there studies of X?" as much as a result does.
_EVIDENCE_STATE = re.compile(
    r"\b(?:no|few|limited|little|scarce|sparse|insufficient|lack of|absence of) (?:(?:published|clinical|human|"
    r"randomi[sz]ed|controlled|animal|prior|previous|such|other) )*(?:studies|study|trials?|data|evidence|reports?"
    r"|research)\b|"
    r"\b(?:has|have) (?:not|never) (?:yet )?been (?:studied|investigated|reported|tested|tried|examined|evaluated|"
    r"conducted|performed|described|used)\b",
    re.I)


def states_evidence(text: str) -> bool:
    """Whether a sentence says what evidence exists ("no studies have been conducted ...", "X has not yet been
    tested"): in a review's body, a finding for a question that asks whether there is any (`qa.verdict`)."""
    return bool(_EVIDENCE_STATE.search(" ".join(text.split())))


def section_role(label: str) -> Role:
    """The role a section label announces; "other" for topical headings ("Stem Cells in the Lung")."""
    if _FINDING_LABEL.search(label):
        return "finding"
    if _AIM_LABEL.search(label):
        return "aim"
    if _BACKGROUND_LABEL.search(label):
        return "background"
    if _METHOD_LABEL.search(label):
        return "method"
    return "other"


def sentence_role(text: str) -> Role:
    """The role a sentence's own wording shows: an aim ("We investigated whether ..."), a finding, or other."""
    plain = " ".join(text.split())
    if _AIM_CUE.search(plain):
        return "aim"
    if _FINDING_CUE.search(plain):
        return "finding"
    return "other"


def unit_role(section: str, text: str) -> Role:
    """The role of a sentence in its section: the label decides when it names a role, except that an aim stated
    inside a Results or Conclusions section is still an aim; under a topical heading the wording decides."""
    by_label = section_role(section)
    by_words = sentence_role(text)
    if by_label == "finding":
        return "aim" if by_words == "aim" else "finding"
    if by_label != "other":
        return by_label
    return by_words
