"""Question-aware adjustments of the scored units, applied after `UnitScorer.score` (the engine's one hook).

Three general mechanisms, each measured on dev splits only (builtin dev, PubMedQA dev):
1. **Findings before aims**: when the question asks what works, what happens or whether something is so, a
   unit that states a finding (`qa.findings`) gains, and one that states an aim, a method or background
   loses, so that the answer opens with what the study found.
2. **Legends only for abbreviations**: a legend entry ("BMSC: breast milk-derived stem cell; ...") is quoted
   only when the question asks what an abbreviation means.
3. **Document vote**: the passages retrieved for a question vote for their documents (sum of their fused
   scores); units of the document with most votes gain a little, so that one stray sentence of another
   document no longer opens the answer when most evidence points at one document.

Nothing here needs more than the scored units, the retrieved hits and the documents' section labels, so it
ports unchanged to another storage: per-unit roles could be computed at index time and stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.model import SearchHit
from index.search import SearchIndex
from qa.findings import Role, unit_role
from qa.query import Query
from qa.rank import ScoredUnit
from qa.yesno import is_yes_no

# Tuned on the dev splits (builtin key-fact recall must not drop; PubMedQA "finding cited" and "right abstract
# cited first"); see README "Findings before aims".
FINDING_BONUS = 0.12
NON_FINDING_PENALTY = {"aim": 0.15, "method": 0.1, "background": 0.08}
VOTE_WEIGHT = 0.1
VOTE_DEPTH = 15  # hits that vote

# "What is the effect of ...", "which route worked better", "what happens to ...", "outcome", "result".
_ASKS_FINDING = re.compile(
    r"\b(?:effects?|effective(?:ness)?|efficacy|outcomes?|results?|works?|worked|working|happens?|happened|"
    r"improv\w*|reduc\w*|increas\w*|decreas\w*|benefits?|beneficial|associat\w*|risks?|impact|influenc\w*|"
    r"affect\w*|differ\w*|better|worse|superior|inferior|safe(?:ty)?|harm\w*|protect\w*|prevent\w*|"
    r"predict\w*|success\w*|fail\w*|find|found|findings?|show(?:ed|n)?|respon\w*)\b", re.I)
_ABBREVIATION_SUBJECT = re.compile(r"^(?:what|who) (?:is|are|does|do) (?:an? |the )?([\w-]+)\b", re.I)


def asks_finding(query: Query) -> bool:
    """Whether the question asks what works, what happens or whether something is so."""
    if query.answer_type in ("bibliographic", "definition") or query.asks_abbreviation:
        return False
    return is_yes_no(query.resolved) or bool(_ASKS_FINDING.search(query.resolved))


def asks_abbreviation_meaning(query: Query) -> bool:
    """"What does BMSC stand for?", "What is BMSC?": the question asks what a glossary short form means."""
    if query.asks_abbreviation:
        return True
    m = _ABBREVIATION_SUBJECT.match(query.resolved.strip())
    return query.answer_type == "definition" and m is not None and m.group(1) in query.entities


@dataclass
class _UnitInfo:
    role: Role
    legend: bool


def _info(index: SearchIndex, s: ScoredUnit) -> _UnitInfo:
    doc = index.documents[s.unit.doc_id]
    block = doc.blocks[s.unit.block] if 0 <= s.unit.block < len(doc.blocks) else None
    legend = block is not None and block.kind == "legend"
    if s.unit.kind in ("table_row", "reference"):
        return _UnitInfo("other", legend)
    return _UnitInfo(unit_role(s.unit.section, doc.text[s.unit.start : s.unit.end]), legend)


def document_votes(hits: list[SearchHit]) -> dict[str, float]:
    """Each document's share of the fused scores of the top retrieved passages (sums to 1)."""
    votes: dict[str, float] = {}
    for hit in hits[:VOTE_DEPTH]:
        votes[hit.chunk.doc_id] = votes.get(hit.chunk.doc_id, 0.0) + hit.score
    total = sum(votes.values()) or 1.0
    return {d: v / total for d, v in votes.items()}


def adjust(index: SearchIndex, query: Query, scored: list[ScoredUnit], hits: list[SearchHit]) -> list[ScoredUnit]:
    """The scored units after the three adjustments above, best first (ties as `UnitScorer.score` breaks them)."""
    if not scored:
        return scored
    findings_first = asks_finding(query)
    keep_legends = asks_abbreviation_meaning(query)
    votes = document_votes(hits) if len({h.chunk.doc_id for h in hits[:VOTE_DEPTH]}) > 1 else {}
    best_vote = max(votes.values(), default=0.0)
    out = []
    for s in scored:
        info = _info(index, s)
        if info.legend and not keep_legends:
            continue
        if findings_first:
            if info.role == "finding":
                s.score += FINDING_BONUS
            else:
                s.score -= NON_FINDING_PENALTY.get(info.role, 0.0)
        if votes:
            s.score += VOTE_WEIGHT * votes.get(s.unit.doc_id, 0.0) / best_vote
        out.append(s)
    out.sort(key=lambda x: (-x.score, x.unit.doc_id, x.unit.start))
    return out or scored
