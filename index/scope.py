"""Searching within some documents of a library ("this trial", "these three papers").

A `Scope` is the documents' chunk rows. A document's chunks are consecutive rows, so a scope is a few row
ranges read from the store, and a scoped search costs what an unscoped one does plus the scope itself: BM25
keeps the scope's rows of the scores it computes anyway; the dense side scores a small scope's vectors exactly
(as a small index is searched) and searches a large one through FAISS with the scope as an ID selector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import faiss
import numpy as np

from index.db import StoreReader
from index.errors import UnknownDocuments

# Up to this many chunks a scope's vectors are scored exactly: what an exact index of that size costs
# (`Settings.exact_threshold`'s default); above it the approximate index searches within the scope.
EXACT_SCOPE_CHUNKS = 50_000


@dataclass(frozen=True)
class Scope:
    """Documents a search is kept to, and their chunk rows as sorted, disjoint [lo, hi) ranges."""

    doc_ids: frozenset[str]
    ranges: tuple[tuple[int, int], ...]

    @property
    def chunks(self) -> int:
        return sum(hi - lo for lo, hi in self.ranges)

    def rows(self) -> np.ndarray:
        """Every chunk row of the scope, ascending."""
        if not self.ranges:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.arange(lo, hi, dtype=np.int64) for lo, hi in self.ranges])

    def selector(self, total: int) -> faiss.IDSelector:
        """The scope as a FAISS ID selector over `total` rows: one range, or a bitmap (one bit per row)."""
        if len(self.ranges) == 1:
            return faiss.IDSelectorRange(*self.ranges[0])
        bits = np.zeros(total, dtype=bool)
        for lo, hi in self.ranges:
            bits[lo:hi] = True
        # FAISS reads bit i of byte i >> 3 as row i (least significant bit first) and keeps no copy.
        return faiss.IDSelectorBitmap(np.packbits(bits, bitorder="little"))  # type: ignore[call-arg,arg-type]  # the Python wrapper takes the array


def resolve_scope(store: StoreReader, doc_ids: Iterable[str]) -> Scope:
    """The scope of the given documents; raises `UnknownDocuments` naming those the index lacks."""
    wanted = list(dict.fromkeys(doc_ids))
    rows = store.query_in("SELECT doc_id, chunk_lo, chunk_hi FROM documents WHERE doc_id IN ({})", wanted)
    found = {r[0] for r in rows}
    missing = [d for d in wanted if d not in found]
    if missing:
        raise UnknownDocuments(missing)
    ranges = tuple(sorted((int(lo), int(hi)) for _, lo, hi in rows if hi > lo))
    return Scope(frozenset(found), ranges)
