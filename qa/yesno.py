"""Whether a question asks for a yes or a no: the only questions that may get a verdict.

General English question forms, nothing about one corpus:
- a clause that opens with an auxiliary or modal verb ("Does X reduce Y?", "X: is it safe?", "Have stem cells
  been tried ...?");
- a verbless title question, a noun phrase ending in "?" ("Aripiprazole: a new risk factor for gambling?",
  "Esophagogastric devascularization without splenectomy: safe and effective?"), which asks whether it is so;
  not a few typed words asking for a list ("mcculloh nec exosome sources?", `qa.typed_lists`).

A yes/no question may still not name what it asks about: "Is it safe?", "Are they effective?" asked without a
conversation to say what "it" is (`names_its_subject`); it gets no verdict.

Not yes/no: wh-questions (what, which, who, how, ...), in the last clause or in any part of a compound question
("What is X made from, and is it safe?", "X - what phase was it, and was it safe?"); alternative questions that
end in two choices ("Are they the same or different?") or compare two ("Is A or B more effective?"); elliptical
follow-ups ("And for IVH?", "What about NEC?"); imperatives ("Tell me about ...", "List ...");
an auxiliary and a subject with nothing asked of it ("Is BPD?", "Does MSC?").
"""

from __future__ import annotations

import re

from qa.typed_lists import is_typed_list

_AUX = (r"is|are|was|were|am|do|does|did|can|could|should|would|will|shall|may|might|must|has|have|had|"
        r"isn't|aren't|wasn't|weren't|don't|doesn't|didn't|can't|cannot|couldn't|shouldn't|won't|wouldn't|"
        r"hasn't|haven't|hadn't|it's")
_AUX_START = re.compile(rf"^(?:{_AUX})\b", re.I)
# Lower case or capitalised only: "WHO" names the organisation.
_WH_WORDS = "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in
                     ("what", "which", "who", "whom", "whose", "when", "where", "why", "how"))
# A wh-word opening the clause, perhaps after one preposition ("Into which two groups ...", "In what year ...").
_WH_START = re.compile(rf"^(?:[A-Za-z]+\s+)?(?:{_WH_WORDS})\b")
_WH_ANYWHERE = re.compile(rf"\b(?:{_WH_WORDS})\b")
_CONJUNCTION = re.compile(r"^(?:and|but|so|or|then|also)\s+", re.I)
_ELLIPTICAL = re.compile(r"^(?:and|or|what about|how about|same for|also|what of)\b", re.I)
_REQUEST_VERBS = r"tell|list|name|describe|explain|give|show|summari[sz]e|define|compare"
_IMPERATIVE = re.compile(rf"^(?:(?:please\s+)?(?:{_REQUEST_VERBS})|please|(?:can|could|would|will) you (?:please )?"
                         rf"(?:{_REQUEST_VERBS}))\b", re.I)
# "Are they the same or different?", "Is it A or B?", "Is it the intratracheal or the intravenous route?": two
# parallel choices end the question (one word each, or each after the same article or preposition).
_ALTERNATIVE = re.compile(r"(?:\b(?!not\b)[\w-]+\s+or\s+(?!not\b)[\w-]+|"
                          r"\b(the|an?)\s+[\w-]+(?:\s+[\w-]+)?\s+or\s+\1\s+[\w-]+(?:\s+[\w-]+)?|"
                          # "... into a vein or into the airway?", "by mouth or by injection?"
                          r"\b(into|by|through|via|in|on|from|with|at|to)\s+(?:(?:the|an?)\s+)?[\w-]+(?:\s+[\w-]+)?"
                          r"\s+or\s+\2\s+(?:(?:the|an?)\s+)?[\w-]+(?:\s+[\w-]+)?)\s*\?*$", re.I)
# "Is A or B more effective for X?", "Is it A or B that matters more?", "Is A or B the richer source?": which of
# the two, not whether ("Is A or B better than C?" asks whether either is).
_WHICH_OF_TWO = re.compile(r"\b(?!not\b)[\w-]+\s+or\s+(?!not\b)[\w-]+\b.*(?:\b(?:more|less|better|worse|safer|"
                           r"superior|inferior)\b|"
                           # "Is A or B the richer source of X?", "... the best choice?": the one of the two that is
                           r"\bthe\s+(?:most|least|best|worst|[a-z]{2,}(?:er|est))\s+[a-z]+\b)(?!.*\bthan\b)", re.I)
_CLAUSE_SPLIT = re.compile(r"\s*(?:[:;]|--|—|–|\s-\s|\.\s+|,\s+(?=(?:(?:and|but|so)\s+)?(?:" + _AUX + r")\b))\s*", re.I)
# "Is it safe?", "Do they reduce mortality?": the subject is a bare pronoun; "Is it safe to give X?", "Is it true
# that X ...?", "Is it worth screening for X?" name it after all.
_PRONOUN_SUBJECT = re.compile(rf"^(?:{_AUX})\s+(?:it|they|this|that|these|those|he|she)\b"
                              r"(?!.*\b(?:that|to|whether|if|worth)\b)", re.I)
MIN_WORDS = 3  # "And for IVH?" and other fragments are follow-ups, "Is BPD?" asks nothing of BPD
# A second question inside the sentence: ", and what ...", "; is ...", " and how many ..." (not a bare comma:
# "In the Pisano study, did any pups ...?" asks one thing).
_PART_BREAK = re.compile(rf"(?:[,;]?\s+and\s+|;\s*)(?=(?:{_WH_WORDS}|{_AUX})\b)", re.I)


def question_parts(question: str) -> list[str]:
    """The questions a compound question asks ("Which dose was used, and how did the infants respond?" -> two);
    one element, the question itself, when it asks one thing."""
    parts = [p.strip(" ,;?") for p in _PART_BREAK.split(question)]
    parts = [p for p in parts if len(p.split()) >= MIN_WORDS]  # "... and why?" asks nothing of its own
    return parts if len(parts) > 1 else [question]


def clauses(question: str) -> list[str]:
    """The question's clauses, split at colons, semicolons, dashes, sentence ends and ", is/does ..."."""
    return [c.strip(" \"'“”?") for c in _CLAUSE_SPLIT.split(question.strip()) if c.strip(" \"'“”?")]


def is_yes_no(question: str) -> bool:
    """True when `question` asks whether something is so (see the module docstring for the forms)."""
    text = " ".join(question.split())
    if not text or _ELLIPTICAL.match(text) or _IMPERATIVE.match(text):
        return False
    parts = question_parts(text)
    if len(parts) > 1 and any(_WH_START.match((clauses(p) or [p])[-1]) for p in parts):
        # "What is X made from, and is it safe?", "Were the pups allocated at random, and how often were they
        # fed?", "wu et al bpd trial - what phase was it, and was it safe?": a yes or a no answers one part only.
        return False
    said = [_CONJUNCTION.sub("", c) for c in clauses(text)]
    if not said:
        return False
    asked = said[-1]  # the main question comes last: "When ... was given, did fewer need surgery?"
    if _WH_START.match(asked):
        return False
    if _AUX_START.match(asked):
        # "Is BPD?", "Does MSC?": an auxiliary and a subject ask nothing of it (a typo or a half-typed question):
        # a verdict on it would answer a question nobody asked.
        return (len(asked.split()) >= MIN_WORDS and not _ALTERNATIVE.search(asked)
                and not asks_which_of_two(asked))
    # No auxiliary opens the question: a verbless title question ("X: a new risk factor?") asks whether it is
    # so, unless a wh-word asks something else ("secretions from which source look potent?").
    # A few typed words asking for a list ("mcculloh nec exosome sources?") ask for the things, not whether.
    return (text.endswith("?") and len(text.split()) >= MIN_WORDS and not _WH_ANYWHERE.search(text)
            and not _ALTERNATIVE.search(asked) and not is_typed_list(text))


def asks_which_of_two(question: str) -> bool:
    """Whether `question` asks which of two alternatives does better ("Is A or B more effective?", "Is A or B the
    richer source?")."""
    return bool(_WHICH_OF_TWO.search(question))


def names_its_subject(question: str) -> bool:
    """False for a one-clause question whose subject is a bare pronoun ("Is it safe?", "Do they work in
    infants?"): nothing in it says what "it" is, unless a conversation does (the caller knows; `qa.verdict`
    asks only of a question without one). A title clause names it ("Chemoradiation for rectal cancer: is it
    safe?")."""
    parts = [_CONJUNCTION.sub("", c) for c in clauses(" ".join(question.split()))]
    return not (len(parts) == 1 and _PRONOUN_SUBJECT.match(parts[0]))
