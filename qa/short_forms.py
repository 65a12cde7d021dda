"""Abbreviations and authors' names typed in lower case ("ivh trials?", "what is nec?", "mcculloh nec exosome
sources?"), read as the library writes them.

The glossary matches short forms of up to three letters in their own case only (`index.glossary`): in a medical
library "ALL" (acute lymphoblastic leukaemia) is not "all", nor "ART" "art". A user typing fast writes "bpd" and
"nec" all the same, and got passages that merely say "NEC" where "What is NEC?" gets its definition. A lower-case
word of the question is read as the short form it spells in capitals when the library defines that short form
and WordNet knows no noun, adjective or adverb of that spelling: "nec", "ivh", "bpd", "hie" (a verb only) are
read; "all", "art", "map" never are. One glossary lookup per question that has such a word; WordNet is read only
for a word the glossary defines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from index.glossary import Glossary
from index.lexical import fold, tokenize
from qa.wordnet import WordNet

# A lower-case word of two or three letters, or its plural ("mscs").
_LOWER = re.compile(r"(?<![\w-])([a-z][a-z0-9]{1,2})(s?)(?![\w-])")


def read_short_forms(text: str, glossary: Glossary, wordnet: WordNet | None) -> str:
    """`text` with each lower-case short form (see the module doc) written as the glossary defines it."""
    if wordnet is None or glossary.empty:
        return text
    found = [(m, m.group(1)) for m in _LOWER.finditer(text) if tokenize(m.group(0))]  # stop words are none
    if not found:
        return text
    defined = glossary.source.short_forms({w.upper() for _, w in found})
    if not defined:
        return text
    readable = {w: defined[w.upper()][0] for _, w in found if w.upper() in defined and not wordnet.is_word(w)}
    out, end = [], 0
    for m, word in found:
        if word in readable and not (m.group(2) and wordnet.is_word(m.group(0))):
            out += [text[end : m.start()], readable[word], m.group(2)]
            end = m.end()
    return "".join(out) + text[end:]


# A lower-case word of three letters or more, perhaps after "van", "de", ... ("van haften").
_LOWER_NAME = re.compile(r"(?<![\w-])[a-z][a-z'-]{2,}(?![\w-])")


def read_surnames(text: str, surnames: Callable[[Iterable[str]], set[str]], wordnet: WordNet | None) -> str:
    """`text` with each lower-case word that is an author's name (a cited study's first author, a document's own
    author: `surnames` tells which of the folded words are) and no word of WordNet written capitalised, as the
    engine reads authors: "mcculloh nec exosome sources?" names McCulloh et al., "what did kersin conclude?" the
    review by Kersin and Özek; "cells", "milk", "review" are never names."""
    if wordnet is None:
        return text
    words = {m.group(0) for m in _LOWER_NAME.finditer(text) if tokenize(m.group(0))}
    if not words:
        return text
    names = {w for w in surnames(fold(w) for w in words) if not wordnet.is_word(w) and not wordnet.base_forms(w)}
    if not names:
        return text
    return _LOWER_NAME.sub(lambda m: m.group(0).capitalize() if fold(m.group(0)) in names else m.group(0), text)
