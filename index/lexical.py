"""Word stems for matching, and BM25 over chunks with bm25s (its files memory-mapped, its top-k retrieval).

Tokens are Unicode words folded for matching: accents and compatibility forms are normalised ("Özek" and
"Ozek" are one token, "µg" is "μg"), then stemmed; the text that is cited keeps its original form. The BM25
vocabulary (token -> id) lives in the index store and is looked up per question token, so loading the index
reads no vocabulary and a question costs the posting lists of its own words.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import cache, lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from bm25s.tokenization import Tokenized

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG on its own handler

# bm25s' English list is short; question words and auxiliaries carry no topic either.
_STOP = set(STOPWORDS_EN) | {
    "which", "what", "who", "whom", "whose", "when", "where", "why", "how", "were", "was", "have", "has", "had",
    "been", "being", "be", "is", "are", "do", "does", "did", "many", "much", "et", "al", "s", "can", "could",
    "would", "should", "may", "might", "also", "any", "some", "there", "their", "its", "it", "they", "them",
    "about", "from", "than", "then", "so", "very", "tell", "me", "please", "according", "review", "reviews",
}
_WORD = re.compile(r"[^\W_]+")
_stemmers = threading.local()  # a PyStemmer object is not documented as thread-safe: one per thread


# Latin letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d",
                               "þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ħ": "h"})


@cache
def _combining_marks() -> dict[int, None]:
    """A `str.translate` table deleting every combining mark (all lie below U+20000; built on first use, 20 ms)."""
    return {cp: None for cp in range(0x20000) if unicodedata.combining(chr(cp))}


def fold(text: str) -> str:
    """Lower case without accents, compatibility forms unified: the form words are matched in
    ("Özek" -> "ozek", "Aydın" -> "aydin", "µg" -> "μg")."""
    if text.isascii():
        return text.lower()  # nothing to decompose; the common case, by far
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return decomposed.translate(_combining_marks()).casefold()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return str(stemmer.stemWord(word))


def tokenize(text: str) -> list[str]:
    """Stems of the text's words without stop words; hyphenated words count as their parts."""
    return [_stem(w) for w in _WORD.findall(fold(text)) if w not in _STOP]


TITLE_WORDS = 4  # a shorter title ("Summary", "Case report") names no one paper


# Parts of a bibliography entry: authors, title, journal, ... end at a full stop (or a title's "?" or "!").
_ENTRY_PARTS = re.compile(r"(?<=[.?!])\s+")


def entry_title_keys(entry: str) -> list[str]:
    """The `title_key`s a bibliography entry may name a title by: each part between full stops, and each two
    parts in a row (a title with a question mark inside)."""
    parts = _ENTRY_PARTS.split(entry)
    pieces = parts + [" ".join(pair) for pair in zip(parts, parts[1:], strict=False)]
    return list(dict.fromkeys(k for k in map(title_key, pieces) if k))


def title_key(text: str) -> str | None:
    """A title as it is matched against bibliography entries: its folded words, every one of them, in order
    ("Mesenchymal Stem Cells for BPD: Phase 1" -> "mesenchymal stem cells for bpd phase 1"); None when it has
    fewer than `TITLE_WORDS` words."""
    words = _WORD.findall(fold(text))
    return " ".join(words) if len(words) >= TITLE_WORDS else None


class TokenIds:
    """Ids of a growing vocabulary (token -> 0..n-1), as bm25s numbers its matrix columns."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, tokens: Sequence[str]) -> np.ndarray:
        ids = self.ids
        return np.fromiter((ids.setdefault(t, len(ids)) for t in tokens), dtype=np.int32, count=len(tokens))


class _AsLists(Sequence[list[int]]):
    """Per-chunk token ids kept as compact arrays, handed to bm25s as the lists it expects, one at a time."""

    def __init__(self, arrays: list[np.ndarray]) -> None:
        self.arrays = arrays

    def __len__(self) -> int:
        return len(self.arrays)

    def __getitem__(self, i: int) -> list[int]:  # type: ignore[override]  # bm25s indexes it with ints only
        return self.arrays[i].tolist()

    def __iter__(self) -> Iterator[list[int]]:
        return (a.tolist() for a in self.arrays)


def write_bm25(folder: Path, chunk_token_ids: list[np.ndarray], vocabulary_size: int) -> None:
    """Build the BM25 matrix of the chunks (token ids from one `TokenIds`) and save bm25s' plain files."""
    retriever = bm25s.BM25()
    corpus = _AsLists([a if len(a) else np.array([vocabulary_size], np.int32) for a in chunk_token_ids])
    # An empty chunk gets a token of its own (id `vocabulary_size`) so that every row of the matrix exists.
    ids = range(vocabulary_size + 1)
    retriever.index(Tokenized(ids=corpus, vocab=dict(zip(ids, ids, strict=True))),
                    create_empty_token=False, show_progress=False)
    retriever.save(str(folder), show_progress=False)
    (folder / "vocab.index.json").unlink(missing_ok=True)  # the vocabulary lives in the index store


class LexicalIndex:
    """BM25 over the chunks: bm25s' matrix memory-mapped; question tokens mapped to ids by `token_ids`."""

    def __init__(self, folder: Path, token_ids: Callable[[list[str]], dict[str, int]]) -> None:
        self.retriever = bm25s.BM25.load(str(folder), mmap=True, load_vocab=False)
        self.token_ids = token_ids
        self.size = int(self.retriever.scores["num_docs"])

    def top(self, tokens: list[str], depth: int, within: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `depth` best chunks (row, score) for question tokens, best first; only chunks scoring above 0,
        and only rows of `within` (ascending) when given."""
        known = self.token_ids(tokens)
        ids = [known[t] for t in tokens if t in known]  # repeated question words weigh more, as before
        if not ids or self.size == 0:
            return []
        scores = self.retriever.get_scores_from_ids(ids)  # bm25s' own scoring: one dense row over the chunks
        # The top-k is taken among the chunks that score at all. bm25s' `retrieve` partitions the whole row, and
        # a row of a million mostly-zero scores (ties) makes that partition 10x slower than the scoring itself
        # (46 against 4.7 ms p50 at 1M chunks); ties keep index order, best first.
        rows = np.flatnonzero(scores > 0) if within is None else within[scores[within] > 0]
        if len(rows) > depth:
            rows = rows[np.argpartition(scores[rows], -depth)[-depth:]]
        rows = rows[np.lexsort((rows, -scores[rows]))]
        return [(int(r), float(scores[r])) for r in rows]


    def present(self, ids: list[int], ranges: list[tuple[int, int]]) -> np.ndarray:
        """Which token `ids` occur in some chunk of each row range [lo, hi): a (ranges x ids) boolean matrix,
        read from the matrix's postings (one binary search per token and range, nothing read per chunk)."""
        out = np.zeros((len(ranges), len(ids)), dtype=bool)
        if not ranges or not ids:
            return out
        indptr, indices = self.retriever.scores["indptr"], self.retriever.scores["indices"]
        lo = np.array([r[0] for r in ranges])
        hi = np.array([r[1] for r in ranges])
        for j, t in enumerate(ids):
            postings = indices[indptr[t] : indptr[t + 1]]  # rows holding the token, ascending
            at = np.searchsorted(postings, lo)
            found = at < len(postings)
            out[found, j] = np.asarray(postings)[at[found]] < hi[found]
        return out


def bm25_params(folder: Path) -> dict[str, object]:
    """bm25s' saved parameters (k1, b, method, version), for the manifest."""
    return dict(json.loads((folder / "params.index.json").read_text(encoding="utf-8")))
