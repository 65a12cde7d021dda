"""What a question asks about that the library never mentions: "Can vitamin D prevent BPD in preemies?" asked of
reviews that never say "vitamin" found the trial of stem cells for BPD, and its finding gave "Verdict: Yes". No
passage can say whether a substance, a treatment, an exposure or a condition the library never names does anything,
whatever else it shares with the question.

A word of the question counts when no answer unit holds one of its stems, the question's reading did not add
the library's word for it (`qa.lay_words`: "preemies (premature infant)"), no answer unit holds a word WordNet
derives from it ("surgical" for "surgery"), and WordNet's most used sense of it names what a clinical question
asks about: a substance (a vitamin, a hormone, a gas, "caffeine"), a treatment, a procedure or an exposure
(`INTERVENTIONS`: "phototherapy", "surgery", "smoking") or a disease or symptom (a kind of "pathological state"
or of "symptom" by WordNet's hypernyms: "retinopathy", "jaundice"; not "problem", "danger" or "operation", which
WordNet files among states too). Lay wording the library says otherwise ("putting", "down", "milder") is not
counted: its stems are missing too, but the question is still about what the library holds.
Nor is the kind of thing a wh-question asks for ("Which enzyme executes ...?"): a library names it by its
instances ("caspase-3"), not the word. A word WordNet does not know is not counted either: most drug names are
known (as substances or, like "aspirin", as artifacts, which "hospital" and "paper" are too), and the unknown
ones ran together with words no dictionary lists as things ("themselves", "whilst", "secretome" for the
library's "secretions").
A question with such a word is not answered: the answer says the library does not mention the words
(`not_mentioned`: "The reviews do not say: no passage in them mentions "vitamin".") and the closest passages
are only offered as related ones; a yes/no question gets no verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from index.lexical import tokenize
from qa.abstain import META_TERMS
from qa.asked import asked_kinds
from qa.wordnet import WordNet

SUBSTANCES = "noun.substance"
# A state WordNet files under pathology or symptoms: "the state of being in effect" ("operation"), "difficulty"
# ("problem") and "danger" are states too, and no topic a library lacks.
CONDITIONS = ("pathological state", "symptom")
# What a clinical question asks the effect of besides a substance: a treatment or procedure ("phototherapy",
# "transplantation"), a field of care ("surgery": WordNet's most used sense) or an exposure that is a bodily process
# ("smoking", "drinking"). Acts in general are not: "putting", "help", "holds" are lay wording of answerable questions.
INTERVENTIONS = ("medical care", "medical procedure", "medical science", "bodily process")
MIN_LETTERS = 4  # "GA", "IVF", "CPR": short forms the glossary reads, not topics



def unmentioned(reading: str, frequencies: Callable[[Iterable[str]], dict[str, int]],
                wordnet: WordNet | None) -> list[str]:
    """The words of the question that name a substance, a treatment or a condition no answer unit mentions (see
    the module doc), in question order; `reading` is the question as the engine reads it (a follow-up resolved,
    synonyms the library holds added in brackets), `frequencies` gives how many answer units hold each stem
    (unknown stems left out). Empty without WordNet."""
    if wordnet is None:
        return []
    words = [w for w in dict.fromkeys(re.findall(r"(?<![\w-])[A-Za-z]+(?![\w-])", reading))
             if len(w) >= MIN_LETTERS]
    stems = {w: tokenize(w) for w in words}
    known = frequencies({s for ss in stems.values() for s in ss}).keys()
    # "paper" (a meta term) is a substance too; a word the reading explained is followed by the library's words.
    missing = [w for w in words if stems[w] and not set(stems[w]) <= known and not set(stems[w]) & META_TERMS
               and not re.search(rf"\b{re.escape(w)} \(", reading)]
    asked = asked_kinds(reading, wordnet) if missing else set()
    topics = [w for w in missing if w not in asked
              and (wordnet.kind(w) == SUBSTANCES or wordnet.descends_from(w, CONDITIONS + INTERVENTIONS))]
    # The library may say it by a word of the same root: "surgical intervention" mentions surgery.
    derived = {w: [tokenize(f) for f in wordnet.derived_forms(w)] for w in topics}
    held = frequencies({s for forms in derived.values() for f in forms for s in f}).keys()
    return [w for w in topics if not any(f and set(f) <= held for f in derived[w])]


def not_mentioned(said: str, words: list[str]) -> str:
    """The unanswered question's text (`said`: "The reviews do not say: no passage in them answers this
    question.") with the question's `words` no passage mentions in place of its reason."""
    named = ", ".join(f'"{w}"' for w in words)
    return f"{said.split(':', 1)[0]}: no passage in them mentions {named}."
