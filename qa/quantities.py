"""Units of measure a question names ("What dose in cells per kilogram ...?") and whether passages say them;
whether an answer states a number at all.

A question that asks for a quantity in a unit is answered only by a passage that gives one in that unit: a
sentence on the right trial that gives no dose per kilogram does not answer "what dose per kilogram". Like a
number the question names (`qa.abstain`), a unit none of the retrieved passages says is a sign the library
does not answer it. Each unit has its written forms, spelt out or as a symbol glued to a number or a slash
("10^6 cells/kg", "5mg"); single letters ("g", "L", "m") are left out, as they are other words as often.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_FORMS: dict[str, tuple[str, ...]] = {
    "kilogram": ("kilograms?", "kilogrammes?", "kg"),
    "gram": ("grams?", "grammes?"),
    "milligram": ("milligrams?", "milligrammes?", "mg"),
    "microgram": ("micrograms?", "µg", "μg", "mcg"),
    "litre": ("litres?", "liters?"),
    "millilitre": ("millilitres?", "milliliters?", "ml"),
    "centimetre": ("centimetres?", "centimeters?", "cm"),
    "millimetre": ("millimetres?", "millimeters?", "mm"),
    "millimoles": ("millimoles?", "mmol"),
    "percent": ("percent", "per cent", "percentages?", "%"),
    "mmHg": ("mmhg", "millimetres? of mercury", "millimeters? of mercury"),
}
# A form is bounded by anything but a letter: "mg/kg" holds mg and kg, "5mg" holds mg, "img" does not.
_PATTERNS = {unit: re.compile(rf"(?<![^\W\d_])(?:{'|'.join(forms)})(?![^\W\d_])", re.I)
             for unit, forms in _FORMS.items()}


def units_named(text: str) -> set[str]:
    """The units of measure `text` names, by canonical name."""
    return {unit for unit, pattern in _PATTERNS.items() if pattern.search(text)}


def missing_units(question: str, texts: list[str]) -> list[str]:
    """The units `question` names that none of `texts` names."""
    asked = units_named(question)
    if not asked:
        return []  # most questions name none: the passages need not be read
    return sorted(asked - set().union(*(units_named(t) for t in texts)))


# What is not a quantity: a citation marker ("[2]"), a reference number ("Pisano et al (45)", "(10, 11)",
# "(2-4)"), a year, and a number naming a thing ("COX-2", "IL-6", "TRA-1-60"; "SSEA4", "CD105" by the letter
# before it).
_NOT_QUANTITIES = re.compile(r"\[\d+\]|\(\d+(?:\s*[,–-]\s*\d+)*\)|\b(?:19|20)\d{2}\b|"
                             r"(?<=[^\W\d_]-)\d+(?:-\d+)*")
# "one of the major issues" names no quantity; "once", "at each feed" say how often, which is no amount.
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "twenty", "thirty", "forty", "fifty", "hundreds?", "thousands?", "millions?", "dozens?", "half")
_QUANTITY = re.compile(rf"(?<!\w)\d|\bone\b(?! of\b)|\b(?:{'|'.join(_NUMBER_WORDS[1:])})\b", re.I)


def states_a_number(text: str) -> bool:
    """Whether `text` gives a quantity, in digits or in words, besides its citations, years and names."""
    return bool(_QUANTITY.search(_NOT_QUANTITIES.sub(" ", text)))


# "How many times more ...?", "By how many fold ...?": a multiple, given as one ("3-fold", "twice", "ten times").
_ASKS_MULTIPLE = re.compile(r"\bhow many (times|fold)\b(?= (more|less|fewer|higher|lower|greater|larger|smaller|as|"
                            r"bigger|longer|shorter|richer)\b)|\bby how many(-| )?fold\b|\bhow many-fold\b", re.I)
_MULTIPLE = re.compile(rf"\b\d+(?:\.\d+)?\s*(?:-\s*)?(?:fold|times|x)\b|"
                       rf"\b(?:{'|'.join(_NUMBER_WORDS)})(?:-| )?(?:fold|times)\b|"
                       r"\b(?:twice|double[sd]?|tripled?|quadrupled?|halved?)\b", re.I)


def asks_frequency(question: str) -> bool:
    """Whether `question` asks how often, which passages say in words ("once", "daily", "at each feed"); "how
    many times more ...?" asks for a multiple instead."""
    if asks_multiple(question):
        return False
    return bool(re.search(r"\bhow often\b|\bhow frequently\b|\bhow many times\b", question, re.I))


def asks_multiple(question: str) -> bool:
    """Whether `question` asks by how many times one amount exceeds another ("How many times more ...?")."""
    return bool(_ASKS_MULTIPLE.search(question))


def states_a_multiple(text: str) -> bool:
    """Whether `text` gives a multiple ("3-fold", "ten times", "twice", "doubled")."""
    return bool(_MULTIPLE.search(text))


_COUNT_WORDS = 3  # "nine premature infants", "12 preterm and term infants": the counted noun follows closely
_NUMBER_THEN_WORDS = re.compile(rf"(?:(?<![\w.-])\d+(?:[.,]\d+)?|\b(?:{'|'.join(_NUMBER_WORDS)})\b)"
                                rf"((?:\W+[^\W\d_][\w'-]*){{1,{_COUNT_WORDS}}})", re.I)


def states_a_count_of(text: str, is_counted: Callable[[str], bool]) -> bool:
    """Whether `text` gives a number of things `is_counted` holds true of ("nine premature infants" for infants;
    "aged 0-1 years" counts years, not children): a noun among the few words after a number."""
    plain = _NOT_QUANTITIES.sub(" ", text)
    return any(any(is_counted(w) for w in re.findall(r"[^\W\d_][\w'-]*", m.group(1)))
               for m in _NUMBER_THEN_WORDS.finditer(plain))


# "What dose ...?": a number with the unit of an amount given ("1 × 10^7 cells/kg", "20 mg", "0.5 mL", "5000 IU").
# "Which dose ...?" asks which of several, often named ("the lower dose", "hypofractionated").
_ASKS_DOSE = re.compile(r"\bwhat\s+(?:\w+\s+){0,3}?(?:doses?|dosages?|dosing)\b", re.I)
_DOSE_UNITS = "|".join([*(f for unit, forms in _FORMS.items() if unit not in ("percent", "mmHg") for f in forms),
                        r"g", r"ng", r"l", r"iu", r"units?", r"cells?", r"×", r"x\s*10", r"10\^?\d*", r"10[⁰-⁹]+"])
_DOSE = re.compile(rf"(?<![\w.-])\d+(?:[.,]\d+)?\s*(?:(?:[\w/^-]+\s+){{0,2}})?(?:{_DOSE_UNITS})(?![^\W\d_])",
                   re.I)


def asks_dose(question: str) -> bool:
    """Whether `question` asks what dose was given ("What dose of hUC-MSCs did the high-dose group receive?")."""
    return bool(_ASKS_DOSE.search(question))


def states_a_dose(text: str) -> bool:
    """Whether `text` gives an amount in a unit of one ("1 × 10^7 cells/kg", "20 mg/kg", "0.5 mL"); "nine
    premature infants", "aged 0-1 year" give none."""
    return bool(_DOSE.search(_NOT_QUANTITIES.sub(" ", text)))
