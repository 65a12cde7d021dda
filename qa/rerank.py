"""Question-aware adjustments of the scored units, applied after `UnitScorer.score` (the engine's one hook).

Four general mechanisms, each measured on dev splits only (builtin dev, PubMedQA dev):
1. **Findings before aims**: when the question asks what works, what happens or whether something is so, a
   unit that states a finding (`index.roles`, computed at index time) gains, and one that states an aim, a
   method or background loses, so that the answer opens with what the study found.
2. **Legends only for abbreviations**: a legend entry ("BMSC: breast milk-derived stem cell; ...") is quoted
   only when the question asks what an abbreviation means.
3. **Evidence ranks documents, roles rank sentences**: the adjustments of (1) reorder units *within* a
   document only. Each document keeps the standing its best unit earned before them (its best adjusted unit
   gets exactly that score, the others shift with it), so a Results sentence of a weakly matching abstract
   never overtakes the abstract that matches the question best (which abstract that is comes from the
   units' scores, their document's standing included: `UnitScorer.standing`).
4. **The phase asked is the phase answered**: a unit that names a label the question numbers or letters
   ("phase II", "grade III-IV", "vitamin D") with other ones only ("phase I", "vitamin C") loses as much as an
   aim (`qa/qualifiers.py`); its document's standing goes with it, as nothing else in the document may be
   about the asked phase either.

Nothing here reads a document: each unit's role and legend flag were computed at index time (`index.prepare`).
"""

from __future__ import annotations

import re

from qa.qualifiers import contradicts, qualifiers
from qa.query import Query
from qa.rank import ScoredUnit
from qa.yesno import is_yes_no

# Tuned on the dev splits. PubMedQA dev (first 200): finding cited 0.515 without, 0.870 at (0.12; 0.15, 0.10,
# 0.08), 0.930 at these values, right abstract first unchanged between the two (documents keep their rank);
# builtin dev: key facts 0.932, MRR 0.861, abstention P/R 0.857/0.667 at both settings.
FINDING_BONUS = 0.2
NON_FINDING_PENALTY = {"aim": 0.25, "method": 0.15, "background": 0.15}
OTHER_QUALIFIER_PENALTY = NON_FINDING_PENALTY["aim"]  # not tuned: as far off the question as an aim

# "What is the effect of ...", "which route worked better", "what happens to ...", "outcome", "result".
_ASKS_FINDING = re.compile(
    r"\b(?:effects?|effective(?:ness)?|efficacy|outcomes?|results?|works?|worked|working|happens?|happened|"
    r"potent|potency|improv\w*|reduc\w*|increas\w*|decreas\w*|benefits?|beneficial|associat\w*|risks?|impact|influenc\w*|"
    r"affect\w*|differ\w*|better|best|worse|worst|optimal|superior|inferior|safe(?:ty)?|harm\w*|protect\w*|prevent\w*|"
    r"predict\w*|success\w*|fail\w*|find|found|findings?|show(?:ed|n)?|respon\w*)\b", re.I)
_ABBREVIATION_SUBJECT = re.compile(r"^(?:what|who) (?:is|are|does|do) (?:an? |the )?([\w-]+)\b", re.I)


def asks_finding(query: Query) -> bool:
    """Whether the question asks what works, what happens or whether something is so."""
    if query.answer_type in ("bibliographic", "definition") or query.asks_abbreviation:
        return False
    # What holds a thing back is a finding about it, not an aim or a method.
    return (query.answer_type == "limitation" or is_yes_no(query.resolved)
            or bool(_ASKS_FINDING.search(query.resolved)))


def asks_abbreviation_meaning(query: Query) -> bool:
    """"What does BMSC stand for?", "What is BMSC?": the question asks what a glossary short form means."""
    if query.asks_abbreviation:
        return True
    m = _ABBREVIATION_SUBJECT.match(query.resolved.strip())
    return query.answer_type == "definition" and m is not None and m.group(1) in query.entities


def by_evidence(scored: list[ScoredUnit]) -> list[ScoredUnit]:
    """The units in the order of their own scores, before the adjustments and without their document's
    standing: whether the documents answer at all is judged on the best-matching unit, not on the finding that
    opens the answer (an aim sentence often paraphrases the question better than the finding does), nor on
    which document is most about the question's topic (that orders the citations, not whether to answer)."""
    return sorted(scored, key=lambda s: (-((s.score if s.prior is None else s.prior) + s.trailing), s.unit.doc_id,
                                         s.unit.start))


def adjust(query: Query, scored: list[ScoredUnit]) -> list[ScoredUnit]:
    """The scored units after the adjustments above, best first (ties as `UnitScorer.score` breaks them)."""
    if not scored:
        return scored
    findings_first = asks_finding(query)
    keep_legends = asks_abbreviation_meaning(query)
    kept = [s for s in scored if keep_legends or not s.legend]
    for s in kept:
        s.prior = s.score
    asked = qualifiers(query.resolved)
    for s in kept:
        if contradicts(asked, s.plain):
            s.score -= OTHER_QUALIFIER_PENALTY
    if findings_first:
        earned: dict[str, float] = {}
        for s in kept:
            earned[s.unit.doc_id] = max(earned.get(s.unit.doc_id, s.score), s.score)
        for s in kept:
            s.score += FINDING_BONUS if s.role == "finding" else -NON_FINDING_PENALTY.get(s.role, 0.0)
        best: dict[str, float] = {}
        for s in kept:
            best[s.unit.doc_id] = max(best.get(s.unit.doc_id, s.score), s.score)
        for s in kept:
            s.score += earned[s.unit.doc_id] - best[s.unit.doc_id]
    kept.sort(key=lambda x: (-x.score, x.unit.doc_id, x.unit.start))
    return kept or scored
