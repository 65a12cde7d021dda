"""Whether a yes/no question asks how a study was designed, and whether an answer says so.

"Was the Chang et al. trial randomised and placebo-controlled?" found the trial's table row ("Phase I clinical
trial/ intratracheal; ... ↓ BPD severity in transplant group"), and its finding gave "Verdict: Yes": what a
study found says nothing of whether it was randomised, blinded or placebo-controlled. Such a question is
answered only by a passage that names the design asked about, in any form or spelling ("randomized",
"randomly", "randomisation"); otherwise the answer says no passage found says it.
"""

from __future__ import annotations

import re

# Each design and how a passage may name it; the question's words are design words only ("blinded",
# "double-blind"; not "blind pedestrians").
_DESIGNS = {
    "randomised": (r"\brandomi[sz]\w*", r"\brandom(?:ly|i[sz]\w*)\b"),
    "blinded": (r"\b(?:(?:double|single|triple)[- ])?blind(?:ed|ing)\b|\b(?:double|single|triple)[- ]blind\b",
                r"\bblind(?:ed|ing)?\b|\bmasked\b"),
    "placebo-controlled": (r"\bplacebo\w*", r"\bplacebo\w*"),
    "open-label": (r"\bopen[- ]label\b", r"\bopen[- ]label\b"),
    "multicentre": (r"\bmulti-?cent(?:er|re|ric)\w*", r"\bmulti-?cent(?:er|re|ric)\w*|\bmulti-?site\b"),
}


def asked_design(question: str) -> list[str]:
    """The designs `question` asks about ("randomised", "placebo-controlled"), in the order of `_DESIGNS`."""
    return [name for name, (asked, _) in _DESIGNS.items() if re.search(asked, question, re.I)]


def says_design(text: str, designs: list[str]) -> bool:
    """Whether `text` names one of `designs` ("randomized controlled trial" names "randomised")."""
    return any(re.search(_DESIGNS[name][1], text, re.I) for name in designs)
