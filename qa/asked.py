"""The kind of thing a wh-question asks for: "enzyme" in "Which enzyme executes ...?", read by WordNet's nouns.

What `qa.unmentioned` leaves out of the words a library must mention (a library names an enzyme by its instances,
"caspase-3"), what `qa.named_kinds` reads the kind of place or institution asked for from ("country").
"""

from __future__ import annotations

import re

from index.lexical import tokenize
from qa.wordnet import WordNet

# The noun phrase after "which" or "what" ("Which enzyme executes ...?", "What kind of caffeine dose ...?", "Which
# of the hormones ...?"): its last noun names the kind of thing asked for, which a library names by its instances
# ("caspase-3").
_ASKED = re.compile(r"\b(?:which|what)\s+(?:of\s+(?:the|these|those)\s+)?"
                    r"(?:(?:kinds?|types?|sorts?|class(?:es)?)\s+of\s+)?((?:[A-Za-z]+\s+){1,4})", re.I)


def asked_kinds(question: str, wordnet: WordNet) -> set[str]:
    """The words that name the kind of thing a wh-question asks for: the last of the nouns that follow "which" or
    "what" ("enzyme" in "Which enzyme executes ...?", "dose" in "What caffeine dose is ...?"); adjectives before
    the first noun are passed over ("Which regulatory agency ...?"), a stop word or another word WordNet knows no
    noun for ends the phrase."""
    heads = set()
    for match in _ASKED.finditer(question + " "):
        nouns: list[str] = []
        for word in match.group(1).split():
            if tokenize(word) and wordnet.kind(word) is None and not nouns and wordnet.is_word(word):
                continue  # an adjective or an adverb before the noun: "Which regulatory agency ...?"
            if not tokenize(word) or wordnet.kind(word) is None:
                break
            nouns.append(word)
        heads.update(nouns[-1:])
    return heads
