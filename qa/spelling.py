"""A question word the library lacks, read in the spelling the library uses: British and American English spell
many clinical words apart ("haemorrhage" / "hemorrhage", "oedema" / "edema", "tumour" / "tumor", "apnoea" /
"apnea", "randomised" / "randomized", "centre" / "center"), and a word spelt the other way matches nothing in the
lexical index, the abbreviation glossary or the term shares, however near the dense vectors put it.

Only words whose stem occurs in no answer unit are respelt, each to the variant the corpus holds most often; a
word the corpus knows is never touched, so a library in either spelling (or both) reads the question in its own.
One lookup of the variants' stems per question that has such a word; nothing grows with the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from index.lexical import tokenize

_C = "bcdfghjklmnpqrstvwxz"  # consonants
# (British fragment's pattern, British, American fragment's pattern, American): one spelling difference each.
_PAIRS: list[tuple[str, str, str, str]] = [
    # haem-, anaem-, paed-, ischaem-, anaesth-, caesar-, aetiol-
    (rf"ae(?=[{_C}])", "ae", rf"(?<![ao])e(?=[{_C}])", "e"),
    (rf"(?:^|(?<=[fm]))oe(?=[{_C}])", "oe", rf"(?:^|(?<=[fm]))e(?=[{_C}])", "e"),  # oedema, oesophagus, foetus
    (rf"(?<=[{_C}])oea(?=s?$)", "oea", rf"(?<=[{_C}])ea(?=s?$)", "ea"),  # apnoea, diarrhoea, dyspnoea
    (r"(?<=c)oel", "oel", r"(?<=c)el", "el"),  # coeliac
    # tumour, behaviour, colour
    (r"(?<=\w{3})our(?=(?:s|ed|ing|al|ite|ites|able)?$)", "our",
     r"(?<=\w{3})or(?=(?:s|ed|ing|al|ite|ites|able)?$)", "or"),
    # randomised, organisation
    (r"(?<=\w{3})is(?=(?:e|ed|es|ing|ation|ations)$)", "is", r"(?<=\w{3})iz(?=(?:e|ed|es|ing|ation|ations)$)", "iz"),
    (r"(?<=\w{2})ys(?=(?:e|ed|es|ing)$)", "ys", r"(?<=\w{2})yz(?=(?:e|ed|es|ing)$)", "yz"),  # analyse, paralysed
    (r"(?<=\w{2}[tb])re(?=s?$)", "re", r"(?<=\w{2}[tb])er(?=s?$)", "er"),  # centre, fibre, litre
    (r"(?<=\w{2}[aeiou])ll(?=(?:ed|ing|er|ers)$)", "ll", r"(?<=\w{2}[aeiou])l(?=(?:ed|ing|er|ers)$)", "l"),  # labelled
    (r"(?<=\w{3})ogue(?=s?$)", "ogue", r"(?<=\w{3})og(?=s?$)", "og"),  # catalogue
]
_COMPILED = [(re.compile(uk_pattern), uk, re.compile(us_pattern), us) for uk_pattern, uk, us_pattern, us in _PAIRS]
_WORD = re.compile(r"[^\W\d_]{4,}")


def variants(word: str) -> list[str]:
    """The other spellings of `word` (lower case): each British fragment made American and each American one
    British, one at a time."""
    found = []
    for uk_pattern, uk, us_pattern, us in _COMPILED:
        found += [word[: m.start()] + us + word[m.end():] for m in uk_pattern.finditer(word)]
        found += [word[: m.start()] + uk + word[m.end():] for m in us_pattern.finditer(word)]
    return [v for v in dict.fromkeys(found) if v != word]


def respell(text: str, frequencies: Callable[[Iterable[str]], dict[str, int]]) -> str:
    """`text` with each word whose stem the corpus lacks replaced by its spelling variant the corpus holds most
    (`frequencies`: stem -> how many answer units hold it, unknown stems left out); unchanged when none."""
    words = {w.lower() for w in _WORD.findall(text)}
    stems = {w: s[0] for w, s in ((w, tokenize(w)) for w in words) if len(s) == 1}
    if not stems:
        return text
    known = frequencies(stems.values())
    unknown = {w: [(v, tokenize(v)) for v in variants(w)] for w, s in stems.items() if s not in known}
    candidates = {v: s[0] for options in unknown.values() for v, s in options if len(s) == 1}
    if not candidates:
        return text
    found = frequencies(candidates.values())
    best = {w: max(((found[candidates[v]], v) for v, _ in options if candidates.get(v) in found), default=None)
            for w, options in unknown.items()}
    swaps = {w: pick[1] for w, pick in best.items() if pick is not None}
    if not swaps:
        return text

    def swap(m: re.Match[str]) -> str:
        new = swaps.get(m.group(0).lower())
        if new is None:
            return m.group(0)
        return new.capitalize() if m.group(0)[0].isupper() else new

    return _WORD.sub(swap, text)
