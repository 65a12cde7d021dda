"""What a question asks for that the passages found about it may still not give: a number, a count of people,
a multiple, a named place or substance, a study's design, a comparison. Each check is a rule of English question
forms and WordNet, nothing about one library; an answer that fails one is not answered, and says why.
"""

from __future__ import annotations

import re

from index.glossary import Glossary
from qa.named_kinds import asked_named_kind, names_one
from qa.quantities import (
    asks_dose,
    asks_frequency,
    asks_multiple,
    states_a_count_of,
    states_a_dose,
    states_a_multiple,
    states_a_number,
)
from qa.query import Query
from qa.study_design import asked_design, says_design
from qa.wordnet import WordNet
from qa.yesno import is_yes_no

NO_NUMBER = "no passage found gives the number asked."
COUNTED_KINDS = ("noun.person", "noun.animal", "noun.time")  # infants, mothers, pups; days, weeks
# Which of several: "Which route worked better?", "A vs B - which is better?", "Is A or B more effective?",
# "... better than ...?" ("What got better in the treated animals?" asks what improved).
_OF_SEVERAL = re.compile(r"\bwhich\b|\b(vs\.?|versus|compared (with|to)|than|or)\b", re.I)
# What a passage comparing them says: "lower in the intraperitoneal group than the enteral group", "superior to".
_COMPARATIVE = re.compile(r"\b(than|compared (with|to)|versus|vs\.?|superior|inferior|outperform\w*|differ\w*|"
                          r"similar|equivalent|comparable|better|worse|best|worst|more|less|most|least|"
                          r"\w+er than)\b", re.I)


def lacks_what_is_asked(query: Query, answer_text: str, wordnet: WordNet | None, glossary: Glossary) -> str:
    """Why `answer_text` does not answer `query` though its passages are about it, or "": an amount question
    answered with no number ("What dose ...?", "What share ...?"; how often is said in words: "once", "at each
    feed"), a count of people, animals or days with none of them ("How many infants ...?"), a dose with no
    amount in a unit of one ("What dose ...?"), a multiple with none ("How many times more ...?"), a question
    for a named place, institution, product or substance answered with none ("In which country ...?",
    `qa.named_kinds`), a question whether a study was randomised, blinded or placebo-controlled answered by none
    that says (`qa.study_design`), a question which of several is better answered by none that compares
    (`asks_which_is_better`); `glossary` spells out short forms."""
    if is_yes_no(query.resolved):
        designs = asked_design(query.resolved)
        if designs and not says_design(answer_text, designs):
            return f"no passage found says whether the study was {designs[0]}."
        return ""
    if asks_which_is_better(query) and not states_a_comparison(answer_text):
        return "no passage found compares them."
    if query.answer_type == "number" and not asks_frequency(query.resolved) and not states_a_number(answer_text):
        return NO_NUMBER
    if query.counted and wordnet is not None and not counts_them(query.counted, answer_text, wordnet):
        return NO_NUMBER  # "How many infants ... had adverse events?" answered by "aged 0-1 years"
    if asks_dose(query.resolved) and not states_a_dose(answer_text):
        return "no passage found gives the dose asked."  # "nine premature infants" is a number, not a dose
    if asks_multiple(query.resolved) and not states_a_multiple(answer_text):
        return NO_NUMBER  # "How many times more ...?" answered with an amount ("thousands of cells") only
    kind = asked_named_kind(query.resolved, wordnet)
    if kind and wordnet is not None and not names_one(kind, query.resolved, answer_text, wordnet, glossary):
        return f"no passage found names the {kind} asked."
    return ""


def counts_them(counted: str, answer_text: str, wordnet: WordNet) -> bool:
    """Whether `answer_text` gives a number of the people, animals or time "how many <counted>" asks for ("nine
    premature infants", "four babies", "six newborns" for infants: WordNet files them all as persons); other
    things counted are let through ("thousands of cells per milliliter")."""
    kind = wordnet.kind(counted.split()[-1])
    if kind not in COUNTED_KINDS:
        return True
    return states_a_count_of(answer_text, lambda word: wordnet.kind(word) == kind)


def asks_which_is_better(query: Query) -> bool:
    """Whether a question that is no yes/no question asks which of several does better ("Which route worked
    better?", "A vs B - which is better?")."""
    return query.compares and bool(_OF_SEVERAL.search(query.resolved)) and not is_yes_no(query.resolved)


def states_a_comparison(text: str) -> bool:
    """Whether `text` compares ("... lower in X than in Y", "superior to", "did not differ")."""
    return bool(_COMPARATIVE.search(text))
