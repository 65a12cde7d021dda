"""Abbreviations found by token lookup: the short and long forms a text names, never a loop over the glossary.

A text is cut into words once; each word (and its singular, "MSCs" -> "MSC") is looked up as a short form,
and the words are matched against long forms by their first word (a document's own glossary, at index time)
or as runs of up to `MAX_LONG_WORDS` words (the corpus glossary in the index store, at question time). The
cost of a lookup grows with the text, not with the number of abbreviations the corpus defines.

Each document expands its text with its own glossary: two papers that define "PDA" differently never
rewrite each other. A question's short form expands to the long forms the corpus defines for it, the ones
used by most documents first, at most `MAX_LONG_FORMS`: every meaning a user's library gives the
abbreviation gets a say in retrieval, the dominant ones first, and a short form with dozens of rare
meanings does not flood the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

MAX_LONG_FORMS = 3
MAX_LONG_WORDS = 12  # long forms longer than this are never looked up as word runs
MAX_EXPANSION_ROUNDS = 3
# A question's expansion feeds its vector and its BM25 query, so its size is its cost. In a large library one
# short form has many meanings, and each appended meaning names further short forms: unbounded, a question grew
# to 1,000 characters at 1M passages (the built-in reviews' questions append at most 49).
QUERY_EXPANSION_CHARS = 240
CASE_SENSITIVE_UP_TO = 3  # "NEC" is not "nec"; longer short forms ("hUC-MSC") match in any case

_SHORT = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")  # a word with inner hyphens: "hUC-MSCs", "IL-6"
_WORD = re.compile(r"[^\W_]+")


def long_key(text: str) -> str:
    """The form a long form is looked up by: its words, lower case, single-spaced ("milk-derived" = "milk derived")."""
    return " ".join(_WORD.findall(text.casefold()))


def same_sense(named: str, other: str) -> bool:
    """Whether `other`, another long form of a short form, is a variant of the long form a text `named` (they
    share a word: "mesenchymal stromal cells" of "mesenchymal stem cells") rather than another paper's meaning
    of the same letters ("real time" of "radiotherapy", both RT)."""
    return bool(set(_WORD.findall(long_key(named))) & set(_WORD.findall(long_key(other))))


def folded_short(short: str) -> str | None:
    """The case-insensitive form of a short form, or None for short ones, which match in their own case only."""
    return short.casefold() if len(short) > CASE_SENSITIVE_UP_TO else None


def short_candidates(word: str) -> tuple[str, ...]:
    """A word and its singular: "MSCs" may be the plural of the short form "MSC"."""
    return (word, word[:-1]) if len(word) > 2 and word.endswith("s") else (word,)


class GlossarySource(Protocol):
    """Where abbreviations are looked up: a document's dictionary or the corpus table of the index store."""

    def short_forms(self, words: set[str]) -> dict[str, tuple[str, list[str]]]:
        """For each word that is a short form: (the short form as defined, its long forms, most used first)."""
        ...

    def long_forms_in(self, words: list[str]) -> list[tuple[int, str, str]]:
        """(index of the first word, short form, long form) for each long form that `words` (folded) spell out."""
        ...


class MappingSource:
    """One glossary held in memory (a document's own): short form -> long form."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.exact: dict[str, tuple[str, list[str]]] = {}
        self.folded: dict[str, tuple[str, list[str]]] = {}
        # Long forms by their first word, so that a text is matched word by word, not entry by entry.
        self.by_first: dict[str, list[tuple[list[str], str, str]]] = {}
        for short, long_form in mapping.items():
            entry = (short, [long_form])
            self.exact[short] = entry
            folded = folded_short(short)
            if folded:
                self.folded.setdefault(folded, entry)
            words = long_key(long_form).split()
            if 0 < len(words) <= MAX_LONG_WORDS:
                self.by_first.setdefault(words[0], []).append((words, short, long_form))

    def short_forms(self, words: set[str]) -> dict[str, tuple[str, list[str]]]:
        out = {}
        for w in words:
            entry = self.exact.get(w) or self.folded.get(w.casefold())
            if entry:
                out[w] = entry
        return out

    def long_forms_in(self, words: list[str]) -> list[tuple[int, str, str]]:
        starts = {w for w in set(words) if w in self.by_first or (w[-1] == "s" and w[:-1] in self.by_first)}
        found = []
        for i, w in enumerate(words):
            if w not in starts:
                continue
            for first in short_candidates(w):
                for key, short, long_form in self.by_first.get(first, ()):
                    if _spells(words, i, key):
                        found.append((i, short, long_form))
        return found


def _spells(words: list[str], i: int, key: list[str]) -> bool:
    """Whether `words[i:]` starts with the long form `key`, its last word maybe in the plural."""
    seg = words[i : i + len(key)]
    return len(seg) == len(key) and seg[:-1] == key[:-1] and key[-1] in short_candidates(seg[-1])


def word_runs(words: list[str], max_words: int) -> dict[str, int]:
    """Every run of 1..max_words consecutive words (and with its last word singular) -> where it first starts:
    the keys to look a question's long forms up by."""
    runs: dict[str, int] = {}
    for i in range(len(words)):
        for n in range(1, min(max_words, len(words) - i) + 1):
            run = words[i : i + n]
            for last in short_candidates(run[-1]):
                runs.setdefault(" ".join([*run[:-1], last]), i)
    return runs


@dataclass(frozen=True)
class Match:
    """An abbreviation named in a text, by its short form or one of its long forms, at `position`."""

    position: int
    short: str
    long_forms: tuple[str, ...]
    by_long: str | None = None  # the long form the text names, when it names the long form


class Glossary:
    """Finds and expands abbreviations through a `GlossarySource`."""

    def __init__(self, source: GlossarySource, empty: bool = False) -> None:
        self.source = source
        self.empty = empty  # known to define nothing: every lookup is skipped

    @classmethod
    def of(cls, mapping: Mapping[str, str]) -> Glossary:
        """The glossary of one in-memory mapping (a document's `glossary`)."""
        return cls(MappingSource(mapping), empty=not mapping)

    def find(self, text: str) -> list[Match]:
        """Every abbreviation `text` names, in order of first appearance (one match per short form)."""
        return self._scan(text)[0]

    def _scan(self, text: str) -> tuple[list[Match], set[str], list[str]]:
        """The matches, the words `text` could name a short form by, and its folded words."""
        if self.empty:
            return [], set(), []  # most abstracts define no abbreviation: their texts need no scan
        shorts = [(m.start(), m.group()) for m in _SHORT.finditer(text)]
        first = {w: pos for pos, w in reversed(shorts)}  # where each word first occurs
        names = set(first) | {w[:-1] for w in first if len(w) > 2 and w[-1] == "s"}
        known = self.source.short_forms(names) if names else {}
        found: dict[str, Match] = {}
        for pos, w in sorted((pos, w) for w, pos in first.items() if w in known or w[:-1] in known):
            hit = next((known[c] for c in short_candidates(w) if c in known), None)
            if hit and hit[0] not in found:
                found[hit[0]] = Match(pos, hit[0], tuple(hit[1][:MAX_LONG_FORMS]))
        spans = [(m.start(), m.group()) for m in _WORD.finditer(text.casefold())]
        words = [w for _, w in spans]
        for i, short, long_form in self.source.long_forms_in(words) if words else []:
            pos = spans[i][0]
            if short not in found or found[short].position > pos:
                forms = found[short].long_forms if short in found else tuple(self.long_forms(short)) or (long_form,)
                found[short] = Match(pos, short, forms, by_long=long_form)
        return sorted(found.values(), key=lambda m: (m.position, m.short)), names, words

    def entities(self, text: str) -> list[str]:
        """Short forms of the abbreviations `text` names, in order of appearance."""
        return [m.short for m in self.find(text)]

    def long_forms(self, short: str) -> list[str]:
        """The long forms of a short form, most used first (empty when it is no short form)."""
        entry = self.source.short_forms({short}).get(short)
        return entry[1][:MAX_LONG_FORMS] if entry else []

    def expand(self, text: str, limit: int | None = None) -> str:
        """`text` plus the long forms of the short forms it names and the short forms of the long forms it names.

        Forms already present are not appended again, and what an appended form names in turn is appended too
        ("human umbilical cord mesenchymal stem cell" names MSC), so expanding twice changes nothing. `limit`
        caps the characters appended (a question's: `QUERY_EXPANSION_CHARS`), first rounds first.
        """
        room = limit
        meant: dict[str, str] = {}  # short form -> the long form the text named it by
        for _ in range(MAX_EXPANSION_ROUNDS):
            extra, full = self._missing_forms(text, meant), False
            if room is not None:
                fitting = 0
                while fitting < len(extra) and len(extra[fitting]) + 1 <= room:
                    room -= len(extra[fitting]) + 1
                    fitting += 1
                extra, full = extra[:fitting], fitting < len(extra)
            if extra:
                text = text + " " + " ".join(extra)
            if not extra or full:
                break
        return text

    def _missing_forms(self, text: str, meant: dict[str, str]) -> list[str]:
        """The forms to append to `text`. A short form appended for a long form the text names keeps that
        meaning (`meant`, filled here): of its other long forms, only the variants of the named one
        (`same_sense`) follow in the next round."""
        matches, names, words = self._scan(text)
        folded = f" {' '.join(words)} "
        named_shorts = {m.short for m in matches if m.by_long is None or m.short in names}
        extra: list[str] = []
        for m in matches:
            if m.short not in named_shorts:
                extra.append(m.short)
                meant.setdefault(m.short, m.by_long or "")
                continue
            named = {long_key(m.by_long)} if m.by_long else set()
            sense = meant.get(m.short)
            extra += [f for f in m.long_forms if long_key(f) not in named and f" {long_key(f)} " not in folded
                      and (sense is None or same_sense(sense, f))]
        return list(dict.fromkeys(extra))

