"""Which country, hospital, committee, agency, brand or substance a question asks for, and whether an answer
names one.

"In which country was the Chang et al. trial carried out?" found the trial's sentence, which names no country:
the question asks for the name of a place, an institution or a product, and a passage that names none does not
answer it, however much else it says about the study (as an amount question's answer must state a number,
`qa.quantities.states_a_number`).

The asked kind is the noun a wh-question asks for (`qa.asked.asked_kinds`: "country" in "In which country
...?") when WordNet's most used sense of it is a kind of place or institution named by a proper name
(`NAMED_KINDS`: a political or administrative unit, an institution, an enterprise, a building, a trade name, a
geographical area or a district); "route", "journal", "marker" and "team" are not. A text names one when it holds
the kind's word ("Seoul National University Hospital"), a synonym the question's reading added for it ("agency
(authority)") or a word or phrase of up to three words that WordNet files, in one of its senses, as a kind or an
instance of the asked kind in one of its senses that is such a kind ("Japan" for "country", "FDA" for "agency";
not "Seoul", a capital and so an "area", another sense of "country").

A question for a kind of substance ("Which cytokines were measured in the Moreira et al. study?", "Which dye
...?": WordNet's most used sense is a substance; not "paper") is answered only by a text that names one: the
kind's word, a word or phrase WordNet files as one in a physical sense ("interleukin", "tumor necrosis factor",
"fluorescein"), or a name written like a molecule's that the glossary does not spell out as something else
("IL-6", "CD105", "VEGF"; not "hUC-MSCs", cells, nor "BPD", a disease), as most molecules' names are in no
dictionary.
"""

from __future__ import annotations

import re

from index.glossary import Glossary
from index.lexical import tokenize
from qa.abstain import META_TERMS
from qa.asked import asked_kinds
from qa.unmentioned import SUBSTANCES
from qa.wordnet import WordNet

NAMED_KINDS = ("political unit", "administrative unit", "institution", "enterprise", "building", "trade name",
               "geographical area", "district")
PHYSICAL = ("physical entity",)  # the senses of a substance kind an instance may be of ("dye" the colouring)
MAX_PHRASE_WORDS = 3  # "Food and Drug Administration" is read as "food_and_drug_administration": four words
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_ROMAN = re.compile(r"[IVX]+")
# Written like a molecule's name: a letter and a digit or a Greek letter ("IL-6", "TNF-α", "CD105"), a small
# letter before a capital ("hUC-MSCs"), or capitals only ("VEGF").
_MOLECULE_LIKE = re.compile(r"(?<![\w-])(?=[\w-]*[^\W\d_])(?:[\w-]*(?:\d|[α-ω]|[a-z][A-Z])[\w-]*|[A-Z]{2,}s?)(?![\w-])")


def asked_named_kind(question: str, wordnet: WordNet | None) -> str | None:
    """The word for the kind of named place, institution or product, or of substance, `question` asks for
    ("country", "cytokines"), or None."""
    if wordnet is None:
        return None
    kinds = sorted(asked_kinds(question, wordnet))
    # Each reading of the word must be such a kind: "parts" is a region ("these parts"), "part" is not.
    named = (k for k in kinds if all(wordnet.descends_from(base, NAMED_KINDS) for base in wordnet.base_forms(k)))
    # "paper" is a substance first, and a document in a question.
    return next(named, None) or next((k for k in kinds if is_substance(k, wordnet)), None)


def is_substance(kind: str, wordnet: WordNet) -> bool:
    """Whether WordNet files the most used sense of `kind` as a substance ("cytokine", "dye"; not "paper")."""
    return wordnet.kind(kind) == SUBSTANCES and not set(tokenize(kind)) & META_TERMS


def names_one(kind: str, reading: str, text: str, wordnet: WordNet, glossary: Glossary | None = None) -> bool:
    """Whether `text` names a `kind` (see the module doc); `reading` is the question as the engine reads it, with
    the library's synonyms of its words in brackets after them; `glossary` spells out short forms."""
    synonyms = re.search(rf"\b{re.escape(kind)} \(([^)]*)\)", reading)
    words = [kind] + ([w.strip() for w in synonyms.group(1).split(",")] if synonyms else [])
    # By WordNet's base forms, not by stems: "authority" and "authors" share the stem "author".
    named = {form for w in words for form in [w.lower().replace(" ", "_"), *wordnet.base_forms(w)]}
    substance = is_substance(kind, wordnet)
    within = PHYSICAL if substance else NAMED_KINDS

    def names(part: str) -> bool:
        tokens = _WORD.findall(part)
        phrases = {"_".join(tokens[i : i + n]) for n in range(1, MAX_PHRASE_WORDS + 1)
                   for i in range(len(tokens) - n + 1)}
        return any(p.lower() in named or named & set(wordnet.base_forms(p)) or wordnet.is_kind_of(p, kind, within)
                   for p in phrases)

    if names(text):
        return True
    if not substance:
        return False
    # A molecule is often a name no dictionary holds ("IL-6", "survivin" is known to none; "CD105", "Bcl-2"): a
    # name written like one counts unless the glossary spells it out as something else ("hUC-MSCs": cells).
    spelt = {m.short: m.long_forms for m in glossary.find(text)} if glossary is not None else {}
    for name in _MOLECULE_LIKE.findall(text):
        if _ROMAN.fullmatch(name):
            continue  # "Phase II"
        long_forms = spelt.get(name) or spelt.get(name[:-1], ())
        if not long_forms or any(names(long) for long in long_forms):
            return True
    return False
