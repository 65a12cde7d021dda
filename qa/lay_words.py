"""A question word the library lacks, read with the library's word for it: a lay question ("preemies", "grown-ups",
"nerve cells") shares no word with the clinical text that answers it ("premature infants", "adults", "neuronal"),
and the lexical index, the term shares and the abstainer's "words the corpus lacks" then count the
question's subject as missing, however near the dense vectors put it.

For each word some of whose stems occur in no answer unit ("grown-ups": "grown"), the synonyms of its first
WordNet senses as a noun (`qa.wordnet`) that the library holds, and that the model puts near the word (the
similarity of their vectors, which drops the senses the question does not mean: "acid" -> "dose" 0.28, "donor" ->
"presenter" 0.23, against "preemies" -> "preterm baby" 0.67, "grown-ups" -> "adult" 0.63), are added in brackets
after it; so is the one word WordNet names a compound of two or three words by, one of them such a word ("nerve
cells (neuron)"). A word the library knows is never expanded, so a clinical question reads as before.

Two lookups of stems and a few short encodings per question that has such a word; WordNet's nouns are read once,
on the first; nothing grows with the corpus.
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
                 encode: Callable[[list[str]], np.ndarray]) -> str:
    """`text` with each word some of whose stems the corpus lacks (`frequencies`: stem -> how many answer units hold
    it, unknown stems left out) followed by up to `KEPT` synonyms the corpus holds, "preemies (preterm baby,
    premature infant)", and each compound of two or three words, one of them such a word, that WordNet names by
    one word the corpus holds followed by that word, "tummy tuck (abdominoplasty)"; unchanged when there are none
    or no WordNet is installed."""
    if wordnet is None:
        return text
    spans = _phrases(text, frequencies, wordnet)
    candidate_stems = {c: tokenize(c) for options in spans.values() for c in options}
    held = frequencies({t for ts in candidate_stems.values() for t in ts})
    kept = {span: [c for c in dict.fromkeys(options) if candidate_stems[c]
                   and all(t in held for t in candidate_stems[c])] for span, options in spans.items()}
    kept = {span: options for span, options in kept.items() if options}
    # The phrases and all their candidates in one pass of the encoder (one encoding each took 4 ms).
    texts = list(dict.fromkeys([text[a:b] for a, b in kept] + [c for options in kept.values() for c in options]))
    vectors = dict(zip(texts, encode(texts), strict=True))
    found: dict[tuple[int, int], list[str]] = {}
    for (a, b), options in sorted(kept.items(), key=lambda item: item[0][0] - item[0][1]):  # longest first
        if any(a < e and s < b for s, e in found):  # inside a compound already read
            continue
        near = [c for c in options if float(vectors[c] @ vectors[text[a:b]]) >= MIN_SIMILARITY]
        if near:
            found[(a, b)] = near[:KEPT]
    for (_, b), near in sorted(found.items(), reverse=True):
        text = f"{text[:b]} ({', '.join(near)}){text[b:]}"
    return text


def _phrases(text: str, frequencies: Callable[[Iterable[str]], dict[str, int]], wordnet: WordNet
             ) -> dict[tuple[int, int], list[str]]:
    """The spans of `text` to read with the library's words, each with its WordNet candidates: the compounds of
    two or three words (one the library lacks) by the one word WordNet names them, and each word the library
    lacks by its synonyms."""
    words = list(_WORD.finditer(text))
    stems = {m.group(0): tokenize(m.group(0)) for m in words}
    known = frequencies({s for ss in stems.values() for s in ss}).keys()
    spans: dict[tuple[int, int], list[str]] = {}
    for i in range(len(words)):
        for n in (3, 2):  # the longest compound first
            run = words[i:i + n]
            own = {s for m in run for s in stems[m.group(0)]}
            # Only a compound with a word the library lacks: "high blood pressure (hypertension)", "health care
            # (healthcare)" in a library that knows each word moved PubMedQA dev's right abstract first 0.984 -> 0.982.
            if (len(run) == n and not own <= known
                    and all(text[a.end():b.start()] == " " for a, b in zip(run, run[1:], strict=False))):
                spans[(run[0].start(), run[-1].end())] = [
                    c for c in wordnet.synonyms(text[run[0].start():run[-1].end()], SENSES)
                    if " " not in c and _LEMMA.fullmatch(c) and not set(tokenize(c)) & own]
    for m in words:
        if len(m.group(0)) > 3 and stems[m.group(0)] and not set(stems[m.group(0)]) <= known:
            spans[m.span()] = [c for c in wordnet.synonyms(m.group(0), SENSES) if _LEMMA.fullmatch(c)]
    return spans
