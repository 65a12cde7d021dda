"""BM25 over stemmed tokens (bm25s), with abbreviations expanded both ways through the glossary."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG on its own handler

# bm25s' English list is short; question words and auxiliaries carry no topic either.
_STOP = set(STOPWORDS_EN) | {
    "which", "what", "who", "whom", "whose", "when", "where", "why", "how", "were", "was", "have", "has", "had",
    "been", "being", "be", "is", "are", "do", "does", "did", "many", "much", "et", "al", "s", "can", "could",
    "would", "should", "may", "might", "also", "any", "some", "there", "their", "its", "it", "they", "them",
    "about", "from", "than", "then", "so", "very", "tell", "me", "please", "according", "review", "reviews",
}
_TOKEN = re.compile(r"[a-z0-9αβγδκ]+")
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def tokenize(text: str) -> list[str]:
    """Lower-case word stems without stop words; hyphenated words count as their parts."""
    return [_stem(w) for w in _TOKEN.findall(text.lower()) if w not in _STOP]


@lru_cache(maxsize=64)
def _glossary_patterns(items: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str, str]]:
    # Short forms of up to three letters are matched case-sensitively: "NEC" is not "nec" in a word list.
    return [(re.compile(rf"(?<![\w-]){re.escape(short)}s?(?![\w-])", re.IGNORECASE if len(short) > 3 else 0),
             short, long_form) for short, long_form in items]


def expand_abbreviations(text: str, glossary: dict[str, str]) -> str:
    """Append the long form of each abbreviation in `text`, and the abbreviation of each long form found.

    Forms already present are not appended again, so expanding twice changes nothing (a query expanded by
    the engine is not weighted twice by BM25)."""
    extra: list[str] = []
    lower = text.lower()
    for pattern, short, long_form in _glossary_patterns(tuple(glossary.items())):
        has_short, has_long = bool(pattern.search(text)), long_form.lower() in lower
        if has_short and not has_long:
            extra.append(long_form)
        elif has_long and not has_short:
            extra.append(short)
    return text if not extra else text + " " + " ".join(extra)


class LexicalIndex:
    """A BM25 index of chunk texts; scores every chunk for a query."""

    def __init__(self, retriever: bm25s.BM25, glossary: dict[str, str]) -> None:
        self.retriever = retriever
        self.glossary = glossary
        self.vocab = set(retriever.vocab_dict)

    @classmethod
    def build(cls, texts: list[str], glossary: dict[str, str]) -> LexicalIndex:
        retriever = bm25s.BM25()
        corpus = [tokenize(expand_abbreviations(t, glossary)) or ["∅"] for t in texts]
        retriever.index(corpus, show_progress=False)
        return cls(retriever, glossary)

    def scores(self, query: str) -> np.ndarray:
        tokens = [t for t in tokenize(expand_abbreviations(query, self.glossary)) if t in self.vocab]
        if not tokens:
            return np.zeros(self.retriever.scores["num_docs"], dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, glossary: dict[str, str]) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(folder), mmap=False), glossary)
