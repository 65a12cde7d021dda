"""Which country, hospital, committee, agency or brand a question asks for, and whether an answer names one.

"In which country was the Chang et al. trial carried out?" found the trial's sentence, which names no country:
the question asks for the name of a place, an institution or a product, and a passage that names none does not
answer it, however much else it says about the study (as an amount question's answer must state a number,
`qa.quantities.states_a_number`).

The asked kind is the noun a wh-question asks for (`qa.unmentioned.asked_kinds`: "country" in "In which country
...?") when WordNet's most used sense of it is a kind of place or institution named by a proper name
(`NAMED_KINDS`: a political or administrative unit, an institution, an enterprise, a building, a trade name, a
geographical area or a district); "route", "journal", "marker" and "team" are not. A text names one when it holds
the kind's word ("Seoul National University Hospital"), a synonym the question's reading added for it ("agency
(authority)") or a word or phrase of up to three words that WordNet files, in one of its senses, as a kind or an
instance of the asked kind in one of its senses that is such a kind ("Japan" for "country", "FDA" for "agency";
not "Seoul", a capital and so an "area", another sense of "country").
"""

from __future__ import annotations

import re

from qa.asked import asked_kinds
from qa.wordnet import WordNet

NAMED_KINDS = ("political unit", "administrative unit", "institution", "enterprise", "building", "trade name",
               "geographical area", "district")
MAX_PHRASE_WORDS = 3  # "Food and Drug Administration" is read as "food_and_drug_administration": four words
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def asked_named_kind(question: str, wordnet: WordNet | None) -> str | None:
    """The word for the kind of named place, institution or product `question` asks for ("country"), or None."""
    if wordnet is None:
        return None
    # Each reading of the word must be such a kind: "parts" is a region ("these parts"), "part" is not.
    return next((k for k in sorted(asked_kinds(question, wordnet))
                 if all(wordnet.descends_from(base, NAMED_KINDS) for base in wordnet.base_forms(k))), None)


def names_one(kind: str, reading: str, text: str, wordnet: WordNet) -> bool:
    """Whether `text` names a `kind` (see the module doc); `reading` is the question as the engine reads it, with
    the library's synonyms of its words in brackets after them."""
    synonyms = re.search(rf"\b{re.escape(kind)} \(([^)]*)\)", reading)
    words = [kind] + ([w.strip() for w in synonyms.group(1).split(",")] if synonyms else [])
    # By WordNet's base forms, not by stems: "authority" and "authors" share the stem "author".
    named = {form for w in words for form in [w.lower().replace(" ", "_"), *wordnet.base_forms(w)]}
    tokens = _WORD.findall(text)
    phrases = {"_".join(tokens[i : i + n]) for n in range(1, MAX_PHRASE_WORDS + 1) for i in range(len(tokens) - n + 1)}
    return any(p.lower() in named or named & set(wordnet.base_forms(p)) or
               wordnet.is_kind_of(p, kind, NAMED_KINDS) for p in phrases)
