"""A question word the library lacks, read with the library's word for it: a lay question ("preemies", "grown-ups",
"brain bleeds") shares no word with the clinical text that answers it ("preterm infants", "adults",
"hemorrhage"), and the lexical index, the term shares and the abstainer's "words the corpus lacks" then count the
question's subject as missing, however near the dense vectors put it.

For each word some of whose stems occur in no answer unit ("grown-ups": "grown"), the synonyms of its first
WordNet senses as a noun (`qa.wordnet`) that the library holds, and that the model puts near the word (the
similarity of their vectors, which drops the senses the question does not mean: "acid" -> "dose" 0.28, "donor"
-> "presenter" 0.23, against "preemies" -> "preterm baby" 0.67, "grown-ups" -> "adult" 0.63), are added in
brackets after it. A word the library knows is never expanded, so a clinical question reads as before.
One lookup of the candidates' stems and a few short
encodings per question that has such a word; WordNet's nouns are read once, on the first; nothing grows with the
corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np

from index.lexical import tokenize
from qa.wordnet import WordNet

# How many of a noun's senses are read (WordNet's most used first) and how many synonyms are kept. Verbs' senses
# were measured too and not kept: "keep" -> "continue", "count" -> "number", "putting" -> "position" passed the
# similarity and cost the built-in dev split an abstention and a rank.
SENSES = 2
KEPT = 3
# The least similarity of a synonym's vector to the word's (all-MiniLM-L6-v2; measured on pairs a lay question
# means, >= 0.52, and senses it does not, <= 0.43).
MIN_SIMILARITY = 0.5
_WORD = re.compile(r"[^\W\d_][\w'-]*[^\W\d_]")
_LEMMA = re.compile(r"[A-Za-z][A-Za-z' -]*[A-Za-z]")  # not "O.K.", "3-D"


def add_synonyms(text: str, frequencies: Callable[[Iterable[str]], dict[str, int]], wordnet: WordNet | None,
                 encode: Callable[[str], np.ndarray]) -> str:
    """`text` with each word some of whose stems the corpus lacks (`frequencies`: stem -> how many answer units hold
    it, unknown stems left out) followed by up to `KEPT` synonyms the corpus holds, "preemies (preterm baby,
    premature infant)"; unchanged when there are none or no WordNet is installed."""
    if wordnet is None:
        return text
    words = {w: tokenize(w) for w in dict.fromkeys(_WORD.findall(text)) if len(w) > 3}
    known = frequencies({s for stems in words.values() for s in stems})
    unknown = [w for w, stems in words.items() if stems and not all(s in known for s in stems)]
    options = {w: [s for s in wordnet.synonyms(w, SENSES) if _LEMMA.fullmatch(s)] for w in unknown}
    stems = {s: tokenize(s) for candidates in options.values() for s in candidates}
    held = frequencies({t for ts in stems.values() for t in ts})
    found: dict[str, list[str]] = {}
    for word, candidates in options.items():
        candidates = [c for c in dict.fromkeys(candidates) if stems[c] and all(t in held for t in stems[c])]
        if not candidates:
            continue
        vector = encode(word)
        near = [c for c in candidates if float(encode(c) @ vector) >= MIN_SIMILARITY]
        if near:
            found[word] = near[:KEPT]
    if not found:
        return text
    return _WORD.sub(lambda m: f"{m.group(0)} ({', '.join(found[m.group(0)])})" if m.group(0) in found
                     else m.group(0), text)
