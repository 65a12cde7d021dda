"""One generated document's voice: pooled sentences rewritten with its own entities, numbers and citations.

A pooled sentence keeps its grammar and most of its words; the abbreviations its source defined (and other
acronyms, often) become this document's entities, consistently within the document, and its numbers are
redrawn with the same number of digits. `define_first_uses` then writes "long form (SF)" at the first use of
each entity, so every document defines its own abbreviations in running text, the way papers do.
"""

from __future__ import annotations

import random
import re

from eval.synthetic.names import Entity
from eval.synthetic.sources import ACRONYM, PoolSentence, is_acronym

_NUMBER = re.compile(r"(?<![\w.,-])(\d+(?:\.\d+)?)(?![\w-])")
_YEAR = re.compile(r"(19|20)\d\d")
_TERMINAL = re.compile(r"[.!?]['\")\]]*$")
MAP_ACRONYM = 0.7  # share of a source's acronyms that become this document's entities (the rest stay as they are)


def _redraw(rng: random.Random, match: re.Match[str]) -> str:
    token = match.group(1)
    if len(token) == 4 and _YEAR.fullmatch(token):
        return str(rng.randint(1985, 2024))
    whole, _, decimals = token.partition(".")
    if whole == "0":  # 0.05 stays a fraction
        return "0." + "".join(str(rng.randint(0, 9)) for _ in decimals) if decimals else "0"
    lo = 0 if len(whole) == 1 else 10 ** (len(whole) - 1)
    value = str(rng.randint(lo, 10 ** len(whole) - 1))
    return value + ("." + "".join(str(rng.randint(0, 9)) for _ in decimals) if decimals else "")


def finish_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if _TERMINAL.search(text) else text.rstrip(",;:") + "."


class Rewriter:
    """Rewrites pooled sentences for one document."""

    def __init__(self, rng: random.Random, entities: list[Entity]) -> None:
        self.rng = rng
        self.entities = entities
        self.mapping: dict[str, Entity | None] = {}  # source acronym -> entity (None: kept as is)

    def _entity_for(self, acronym: str) -> Entity | None:
        if acronym not in self.mapping:
            keep = not self.entities or self.rng.random() > MAP_ACRONYM
            self.mapping[acronym] = None if keep else self.rng.choice(self.entities)
        return self.mapping[acronym]

    def sentence(self, pooled: PoolSentence) -> str:
        text = pooled.text
        for short, long_form in pooled.glossary:
            if short not in text and long_form.lower() not in text.lower():
                continue
            entity = self._entity_for(short)
            if entity is None:
                continue
            text = re.sub(rf"{re.escape(long_form)}\s*\({re.escape(short)}\)", entity.short, text, flags=re.I)
            text = re.sub(re.escape(long_form), entity.long, text, flags=re.I)
        text = ACRONYM.sub(self._acronym, text)
        text = _NUMBER.sub(lambda m: _redraw(self.rng, m), text)
        return finish_sentence(text)

    def _acronym(self, match: re.Match[str]) -> str:
        word = match.group(0)
        if not is_acronym(word) or any(word == e.short for e in self.entities):
            return word
        plural = word.endswith("s") and word[:-1].isupper()
        entity = self._entity_for(word[:-1] if plural else word)
        if entity is None:
            return word
        return entity.short + ("s" if plural and not entity.short.endswith("s") else "")

    def define_first_uses(self, paragraphs: list[list[str]], fallback: list[str]) -> None:
        """Write "long form (SF)" at each entity's first use in the paragraphs (lists of sentences, edited in
        place); an entity never used is introduced by one of the `fallback` templates in the first paragraph."""
        for entity in self.entities:
            if not paragraphs:
                return
            pattern = re.compile(rf"(?<![\w-]){re.escape(entity.short)}(?![\w-])")
            spot = next(((p, s) for p, para in enumerate(paragraphs) for s, text in enumerate(para)
                         if pattern.search(text)), None)
            if spot is None:
                template = self.rng.choice(fallback)
                line = template.format(long=entity.long, short=entity.short)
                paragraphs[0].insert(min(1, len(paragraphs[0])), finish_sentence(line[0].upper() + line[1:]))
                continue
            p, s = spot
            text = paragraphs[p][s]
            if f"({entity.short})" in text:
                continue
            paragraphs[p][s] = pattern.sub(f"{entity.long} ({entity.short})", text, count=1)


def cite(rng: random.Random, sentence: str, references: list[tuple[str, int]]) -> str:
    """The sentence with an in-text citation: "(12)", "(3,4)" or "In a study by Kim et al. (7), ..."."""
    if not references:
        return sentence
    surname, number = rng.choice(references)
    roll = rng.random()
    if roll < 0.25 and sentence[:1].isupper() and not is_acronym(sentence.split()[0]):
        return f"In a study by {surname} et al. ({number}), {sentence[0].lower()}{sentence[1:]}"
    if roll < 0.4 and len(references) > 1:
        other = rng.choice(references)[1]
        marks = ",".join(str(n) for n in sorted({number, other}))
    else:
        marks = str(number)
    match = _TERMINAL.search(sentence)
    cut = match.start() if match else len(sentence)
    return f"{sentence[:cut]} ({marks}){sentence[cut:] or '.'}"
