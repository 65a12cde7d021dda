"""Numbered and lettered qualifiers of a clinical label: "phase I", "grade III-IV", "stage 2", "type I/II";
"vitamin D", "hepatitis B and C", "group B", "type A", "regulatory T".

"What did the phase II trial find?" is not answered by the phase I trial, yet the words match all but one
letter, and a lone "I" is no search term. This module reads which numbers a text gives each label, so that a
sentence naming the same label with other numbers only can be told apart (`qa/rerank.py`). Roman numerals
count only in capitals ("phase i" is no numeral); a range ("III-IV", "1 to 3") or a list ("I/II", "2 or 3")
gives each of its numbers. A lone capital letter after any word that is not a stop word qualifies it the same
way: "Does vitamin D prevent fractures?" is not answered by a paper on vitamin C, nor a question on hepatitis B
by one on hepatitis C; "I" (a pronoun, or the numeral above) is no letter, and an initial ("J. Smith") or a
letter glued to more ("K/DOQI", "B-cell") is none either.
"""

from __future__ import annotations

import re

from index.lexical import tokenize

LABELS = ("phase", "grade", "stage", "type", "class", "level", "tier", "step")
_NUMERAL = r"(?:X|IX|IV|V?I{1,3}|V|\d{1,2})"
_JOIN = r"\s*(?:[-–/]|,|\bto\b|\band\b|\bor\b)\s*"
_QUALIFIED = re.compile(rf"\b(?i:({'|'.join(LABELS)}))s?\s+({_NUMERAL}(?:{_JOIN}{_NUMERAL})*)(?!\w)")
_LETTERS = r"[A-HJ-Z](?:\s*(?:/|,|\band\b|\bor\b)\s*[A-HJ-Z])*"
_LETTERED = re.compile(rf"(?<![\w-])([A-Za-z][a-z]{{2,}})\s+({_LETTERS})(?![\w/'’-])(?!\.\w)")
_LETTER_BASE = 100  # letters are kept among the numbers, apart from them: "type A" is not "type 1"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_RANGE = re.compile(r"[-–]|\bto\b")


def _value(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else _ROMAN[numeral]


def qualifiers(text: str) -> dict[str, frozenset[int]]:
    """The numbers `text` gives each label ("grade III-IV IVH" -> {"grade": {3, 4}})."""
    found: dict[str, set[int]] = {}
    for m in _QUALIFIED.finditer(text):
        label, spec = m.group(1).lower(), m.group(2)
        numbers = [_value(n) for n in re.findall(_NUMERAL, spec)]
        values = set(numbers)
        if len(numbers) == 2 and _RANGE.search(spec) and numbers[0] < numbers[1]:
            values = set(range(numbers[0], numbers[1] + 1))
        found.setdefault(label, set()).update(values)
    for m in _LETTERED.finditer(text):
        stems = tokenize(m.group(1))  # "grades C and D" qualifies "grade" ("grade" is its own stem, as the labels)
        if stems:  # "and D", "of B": a stop word is no label
            found.setdefault(stems[0], set()).update(_LETTER_BASE + ord(c) - ord("A")
                                                  for c in re.findall(r"[A-Z]", m.group(2)))
    return {label: frozenset(v) for label, v in found.items()}


def contradicts(asked: dict[str, frozenset[int]], text: str) -> bool:
    """Whether `text` names a label the question qualifies (`asked`) with none of the question's numbers."""
    if not asked:
        return False
    said = qualifiers(text)
    return any(label in said and not said[label] & numbers for label, numbers in asked.items())
