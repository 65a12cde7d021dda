"""Transparent wording cues of a finding's stance toward a yes/no question: negation, effect, hedging, comparison.

Each cue is a count of general English phrases (nothing about one question or corpus). They enter the stance
model (`qa/stance.py`) beside the sentence embeddings, and their products with the question's own cues let
it learn that "no difference" answers "Is X the same as Y?" with a yes but "Does X differ from Y?" with a no.
"""

from __future__ import annotations

import re

_NO_EFFECT = re.compile(
    r"\b(?:no|not|nor|neither|none|never|without|lack(?:s|ed|ing)?|absence|absent|fail(?:s|ed)? to|unable to|"
    r"did(?: not|n't)|does(?: not|n't)|do(?: not|n't)|was(?: not|n't)|were(?: not|n't)|is(?: not|n't)|"
    r"are(?: not|n't)|cannot|could not|unrelated|independent(?:ly)? of|irrespective|regardless|insignificant|"
    r"non-?significant|similar|comparable|equivalent|equal|identical|unchanged|unaffected|no longer)\b", re.I)
_NO_DIFFERENCE = re.compile(
    r"\b(?:no (?:statistically )?(?:significant )?(?:difference|differences|association|associations|effect|"
    r"effects|change|changes|benefit|correlation|relationship|impact|influence|advantage|improvement|increase|"
    r"decrease|reduction)|not (?:statistically )?(?:significantly|significant|associated|related|correlated|"
    r"different|differ|superior|inferior|effective|improve|reduce|increase|decrease|affect|influence|predict)|"
    r"did not (?:differ|change|improve|reduce|increase|decrease|affect|influence|predict|show|find|reach)|"
    r"(?:was|were) (?:similar|comparable|equivalent|unchanged|unaffected)|failed to)\b", re.I)
_EFFECT = re.compile(
    r"\b(?:significant(?:ly)?|associated with|association (?:between|of|with)|correlat(?:ed|es|ion)|"
    r"predict(?:s|ed|ive|or)?|increas(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|reduc(?:e|es|ed|ing|tion)|"
    r"improv(?:e|es|ed|ing|ement)|lower(?:ed)?|higher|greater|better|worse|superior|effective(?:ly|ness)?|"
    r"efficacious|beneficial|benefit(?:s|ed)?|safe(?:ly|ty)?|feasible|useful|valuable|reliable|accurate|"
    r"important|essential|necessary|recommended|should|risk factor|independent(?:ly)? (?:associated|"
    r"predict\w*)|confirm(?:s|ed)?|demonstrat(?:e|es|ed)|shows?|showed|is|are)\b", re.I)
# Words whose polarity is negative without a negation: "insufficient", "of limited value", "unlikely".
_NEGATIVE_WORDS = re.compile(
    r"\b(?:insufficient(?:ly)?|inadequate(?:ly)?|limited|little|poor(?:ly)?|low|unlikely|deficit|deficien\w+|"
    r"disappointing|weak(?:ly)?|rare(?:ly)?|few|minority|only|unnecessary|unjustified|unreliable|inaccurate|"
    r"ineffective|inferior|harmful|risky|unsafe|worse|waste|contraindicat\w+|rules? out|rather than|instead|"
    r"under\w+ed|over\w+ed|questionable|doubtful|fails?|failure|lost|loss|difficult|problematic|"
    r"remains? (?:low|high|unclear|poor)|not (?:indicated|recommended|necessary|needed|required|justified|"
    r"sufficient|useful|reliable|accurate|safe|effective|beneficial))\b", re.I)
_POSITIVE_WORDS = re.compile(
    r"\b(?:adequate(?:ly)?|sufficient|accurate(?:ly)?|reliabl[ey]|useful|safe(?:ly)?|effective(?:ly)?|feasible|"
    r"good|excellent|favou?rable|successful(?:ly)?|valid|majority|most|all|high(?:ly)?|strong(?:ly)?|"
    r"recommend\w*|should|can be|support(?:s|ed)?|confirm(?:s|ed)?|important|promising|appropriate|"
    r"valuable|beneficial|superior|advantage\w*|well tolerated)\b", re.I)
_HEDGE = re.compile(
    r"\b(?:may|might|could|possibl[ey]|potential(?:ly)?|suggest(?:s|ed|ing|ive)?|appear(?:s|ed)?|seem(?:s|ed)?|"
    r"likely|unlikely|perhaps|probabl[ey]|further (?:studies|study|research|investigation|trials?|work)|"
    r"larger|warrant(?:s|ed)?|unclear|uncertain(?:ty)?|remains?|limited|preliminary|trend|tendency|"
    r"controversial|inconclusive|conflicting|mixed|needed|required|need to|however|although|but|whether|"
    r"cannot be (?:excluded|ruled out|determined)|not clear|to be determined|in some|some)\b", re.I)
_COMPARE = re.compile(
    r"\b(?:than|compared|comparison|versus|vs\.?|relative to|more|less|fewer|higher|lower|greater|smaller|"
    r"superior|inferior|better|worse|outperform\w*)\b", re.I)
_P_VALUE = re.compile(r"\bp\s*(?:value)?\s*[<=>≤≥]\s*0?\.\d+", re.I)

# Cues of the question itself.
_Q_NEGATED = re.compile(r"\b(?:not|no|never|without|lack\w*|\w+n't|cannot|absence of|fail\w*)\b", re.I)
_Q_SAME = re.compile(r"\b(?:same|similar|equal(?:ly)?|equivalent|comparable|as (?:good|effective|safe|accurate) as|"
                     r"interchangeable|identical)\b", re.I)
_Q_DIFFER = re.compile(r"\b(?:differ\w*|different|difference|better|worse|superior|inferior|more|less|"
                       r"outperform\w*|compared|versus|vs\.?|than)\b", re.I)
_Q_MODAL = re.compile(r"\b(?:should|worth|necessary|needed|justified|required|recommended|must|need|indicated|"
                      r"routine(?:ly)?|warranted)\b", re.I)

FINDING_CUES = ("no_effect", "no_difference", "effect", "hedge", "compare", "p_value", "negative_words",
                "positive_words")
QUESTION_CUES = ("q_negated", "q_same", "q_differ", "q_modal")
_PAIRED = ("no_effect", "no_difference", "hedge", "negative_words")
INTERACTIONS = tuple(f"{q}*{f}" for q in QUESTION_CUES for f in _PAIRED)
CUE_NAMES = FINDING_CUES + QUESTION_CUES + INTERACTIONS


def _count(pattern: re.Pattern[str], text: str, cap: int = 3) -> float:
    """Occurrences of `pattern`, capped and scaled to [0, 1]: a long finding is not more certain per word."""
    return min(cap, len(pattern.findall(text))) / cap


def finding_cues(text: str) -> list[float]:
    """Cues of one finding, in the order of `FINDING_CUES`."""
    return [_count(_NO_EFFECT, text), _count(_NO_DIFFERENCE, text), _count(_EFFECT, text, 6),
            _count(_HEDGE, text, 4), _count(_COMPARE, text), float(bool(_P_VALUE.search(text))),
            _count(_NEGATIVE_WORDS, text), _count(_POSITIVE_WORDS, text)]


def question_cues(question: str) -> list[float]:
    """Cues of the question, in the order of `QUESTION_CUES`."""
    return [float(bool(p.search(question))) for p in (_Q_NEGATED, _Q_SAME, _Q_DIFFER, _Q_MODAL)]


def cues(question: str, finding: str) -> list[float]:
    """All cue features of a (question, finding) pair, in the order of `CUE_NAMES`."""
    f = finding_cues(finding)
    q = question_cues(question)
    picked = [f[FINDING_CUES.index(n)] for n in _PAIRED]
    return f + q + [qv * fv for qv in q for fv in picked]
