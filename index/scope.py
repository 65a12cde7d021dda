"""Searching within some documents of a library ("this trial", "these three papers").

A `Scope` is the documents' chunk rows. A document's chunks are consecutive rows, so a scope is a few row
ranges read from the store, and a scoped search costs what an unscoped one does plus the scope itself: BM25
keeps the scope's rows of the scores it computes anyway; the dense side scores a small scope's vectors exactly
(as a small index is searched) and searches a large one through FAISS with the scope as an ID selector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import faiss
import numpy as np

from index.db import StoreReader
from index.errors import NoDocumentInScope, UnknownDocuments

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

    @cached_property
    def rows(self) -> np.ndarray:
        """Every chunk row of the scope, ascending (read-only; computed once, for BM25 and the dense side)."""
        rows = np.concatenate([np.arange(lo, hi, dtype=np.int64) for lo, hi in self.ranges] or
                              [np.zeros(0, dtype=np.int64)])
        rows.flags.writeable = False
        return rows

    def selector(self, total: int) -> faiss.IDSelector:
        """The scope as a FAISS ID selector over `total` rows: one range, or a bitmap (one bit per row)."""
        if len(self.ranges) == 1:
            return faiss.IDSelectorRange(*self.ranges[0])
        bits = np.zeros(total, dtype=bool)
        for lo, hi in self.ranges:
            bits[lo:hi] = True
        # FAISS reads bit i of byte i >> 3 as row i (least significant bit first) and keeps no copy.
        return faiss.IDSelectorBitmap(np.packbits(bits, bitorder="little"))  # type: ignore[call-arg,arg-type]  # the Python wrapper takes the array


def resolve_scope(store: StoreReader, doc_ids: Iterable[str] | None = None, since: int | None = None,
                  until: int | None = None) -> Scope | None:
    """The scope of the given documents (all when None) from the years `since`..`until` (inclusive; a bound
    leaves out documents without a year); None when nothing is selected: the whole library, read by no one.
    Raises `UnknownDocuments` naming ids the index lacks, and `NoDocumentInScope` when no document is left."""
    if doc_ids is None and since is None and until is None:
        return None
    years = " AND ".join(f"year {op} ?" for op, bound in ((">=", since), ("<=", until)) if bound is not None)
    bounds = [b for b in (since, until) if b is not None]
    columns = "SELECT doc_id, chunk_lo, chunk_hi, year FROM documents"
    if doc_ids is None:  # by the year index (`documents_year`): the rows of those years, not the table
        rows = store.query(f"{columns} WHERE {years}", bounds)
    else:
        wanted = list(dict.fromkeys(doc_ids))
        rows = store.query_in(f"{columns} WHERE doc_id IN ({{}})", wanted)
        missing = [d for d in wanted if d not in {r[0] for r in rows}]
        if missing:
            raise UnknownDocuments(missing)
        rows = [r for r in rows if (since is None or (r[3] is not None and r[3] >= since))
                and (until is None or (r[3] is not None and r[3] <= until))]
    if not rows:
        span = (f"{since}-{until}" if since is not None and until is not None
                else f"{since} or later" if since is not None else f"{until} or earlier")
        which = "none of the named documents is" if doc_ids is not None else "no document in the library is"
        raise NoDocumentInScope(f"{which} from {span} (a document without a year counts for no year)")
    return Scope(frozenset(r[0] for r in rows), _merged(sorted((int(lo), int(hi)) for _, lo, hi, _ in rows if hi > lo)))


def _merged(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted ranges with adjacent ones joined: documents next to each other in the index are one range."""
    out: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if out and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)
