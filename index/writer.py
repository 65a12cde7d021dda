"""Stream prepared documents and their vectors into a new index folder; build the global structures at the end.

Rows and vectors are written as documents arrive, so a build never holds the corpus in memory: only the
chunks' BM25 token ids (compact arrays) and the units' document frequencies wait for `finish`, which builds
BM25, the vocabulary, FAISS and the aggregated lookups. A document unchanged since the previous index is
copied from it (rows and vectors), not parsed or embedded again.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from index.db import StoreReader, StoreWriter, chunked, dumps
from index.glossary import folded_short
from index.lexical import TokenIds, entry_title_keys, fold, write_bm25
from index.prepare import PreparedDocument
from index.vectors import VectorKind, VectorParams, build_vectors, choose_kind, save_vectors

STORE = "store.sqlite"
CHUNK_VECTORS = "chunk_vectors.f32"
UNIT_VECTORS = "unit_vectors.f32"
FAISS_FILE = "vectors.faiss"
BM25_DIR = "bm25"
CALIBRATION_SAMPLE = 1000  # unit vectors kept (reservoir) to calibrate the approximate index


def text_hash(text: str) -> bytes:
    """What a vector is reused by: the same model on the same text gives the same vector."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def author_words(authors: list[str]) -> list[str]:
    """The folded words of authors' names a question may name a paper by: each word of two letters or more that
    is not initials ("Sinem Gülcan Kersin" -> sinem, gulcan, kersin; "Kersin SG" -> kersin; "van Haften T" ->
    van, haften)."""
    words = (w for name in authors for w in re.findall(r"[^\W\d_][^\W\d_'’-]*", name))
    return list(dict.fromkeys(fold(w) for w in words if len(w) >= 2 and not w.isupper()))


class IndexWriter:
    """Writes one new index folder; `add` or `copy` each document in order, then `finish`."""

    def __init__(self, folder: Path, dimension: int, seed: int = 0) -> None:
        self.folder = folder
        self.dimension = dimension
        self.db = StoreWriter(folder / STORE)
        self.chunk_file: IO[bytes] = open(folder / CHUNK_VECTORS, "w+b")  # noqa: SIM115 - closed in finish
        self.unit_file: IO[bytes] = open(folder / UNIT_VECTORS, "w+b")  # noqa: SIM115
        self.token_ids = TokenIds()
        self.chunk_tokens: list[np.ndarray] = []
        self.df: Counter[str] = Counter()
        self.documents = self.chunks = self.units = 0
        self.sample: list[np.ndarray] = []
        self.rng = random.Random(seed)

    def _vectors(self, file: IO[bytes], vectors: np.ndarray, count: int) -> None:
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        if vectors.shape != (count, self.dimension):
            raise ValueError(f"expected {count} vectors of dimension {self.dimension}, got {vectors.shape}")
        file.write(vectors.tobytes())

    def _keep_for_calibration(self, vectors: np.ndarray) -> None:
        for v in vectors:  # reservoir sampling: a uniform sample of the units seen so far
            seen = self.units + len(self.sample)
            if len(self.sample) < CALIBRATION_SAMPLE:
                self.sample.append(v)
            elif (j := self.rng.randrange(seen)) < CALIBRATION_SAMPLE:
                self.sample[j] = v

    def add(self, prep: PreparedDocument, vectors: np.ndarray, file_hash: str, source: str | None) -> None:
        """Write one prepared document; `vectors` holds one row per text of `prep.texts()`, in that order."""
        doc, n_chunks = prep.doc, len(prep.chunks)
        d, c0, u0 = self.documents, self.chunks, self.units
        starts = [u.start for u in prep.units]
        chunk_rows = []
        for i, (c, tokens) in enumerate(zip(prep.chunks, prep.chunk_tokens, strict=True)):
            lo, hi = bisect.bisect_left(starts, c.start), bisect.bisect_left(starts, c.end)
            chunk_rows.append((c0 + i, d, c.chunk_id, c.section, c.kind, c.start, c.end, c.text, dumps(c.references),
                               u0 + lo, u0 + hi, " ".join(tokens), text_hash(c.embed_text)))
        unit_rows, study_rows = [], []
        for i, (u, f) in enumerate(zip(prep.units, prep.facts, strict=True)):
            unit_rows.append((u0 + i, d, u.kind, u.section, u.start, u.end, u.block, " ".join(f.tokens), f.plain,
                              dumps(f.study_refs), f.role, int(f.legend), text_hash(u.embed_text)))
            study_rows += [(d, n, u0 + i) for n in f.study_refs]
        m = doc.meta
        self.db.insert("documents", [(d, doc.doc_id, source or m.source, file_hash, m.title, dumps(m.authors),
                                      m.journal, m.year, m.kind, len(doc.text), len(doc.sections),
                                      len(doc.references), len(doc.tables), c0, c0 + n_chunks, u0,
                                      u0 + len(prep.units))])
        self.db.insert("bodies", [(d, doc.model_dump_json())])
        self.db.insert("chunks", chunk_rows)
        self.db.insert("units", unit_rows)
        self.db.insert("study_units", study_rows)
        self.db.insert("glossary", [(d, g.short, folded_short(g.short), g.long, g.long_key, g.def_start, g.def_end)
                                    for g in prep.glossary])
        self.db.insert("authors", [(d, n, s) for s, n in prep.authors])
        # The document's own authors, each word of their names (a question names a paper by them: "the Kersin
        # review"; names come as "Sinem Gülcan Kersin" or "Kersin SG").
        self.db.insert("doc_authors", [(d, w) for w in author_words(m.authors)])
        self.db.insert("doc_entity_kinds", [(d, s, k) for s, k in prep.entity_kinds])
        # The titles each bibliography entry may name: which cited studies the library holds (`Lookups`).
        self.db.insert("cites", [(d, r.number, key) for r in doc.references for key in entry_title_keys(r.text)])
        self._vectors(self.chunk_file, vectors[:n_chunks], n_chunks)
        self._vectors(self.unit_file, vectors[n_chunks:], len(prep.units))
        self._keep_for_calibration(vectors[n_chunks:])
        self.chunk_tokens += [self.token_ids(t) for t in prep.chunk_tokens]
        self.df.update(t for f in prep.facts for t in f.tokens)
        self.documents, self.chunks, self.units = d + 1, c0 + n_chunks, u0 + len(prep.units)

    def copy(self, old: StoreReader, old_doc: int, old_chunks: np.ndarray, old_units: np.ndarray) -> None:
        """Copy document `old_doc` of a previous index (rows and vectors) as the next document."""
        d, c0, u0 = self.documents, self.chunks, self.units
        (row,) = old.query("SELECT * FROM documents WHERE id = ?", (old_doc,))
        oc_lo, oc_hi, ou_lo, ou_hi = row[13:17]
        dc, du = c0 - oc_lo, u0 - ou_lo  # how far the ids move
        self.db.insert("documents", [(d, *row[1:13], c0, c0 + oc_hi - oc_lo, u0, u0 + ou_hi - ou_lo)])
        self.db.insert("bodies", [(d, old.query("SELECT json FROM bodies WHERE id = ?", (old_doc,))[0][0])])
        chunks = old.query("SELECT * FROM chunks WHERE id >= ? AND id < ? ORDER BY id", (oc_lo, oc_hi))
        self.db.insert("chunks", [(r[0] + dc, d, *r[2:9], r[9] + du, r[10] + du, *r[11:]) for r in chunks])
        units = old.query("SELECT * FROM units WHERE id >= ? AND id < ? ORDER BY id", (ou_lo, ou_hi))
        self.db.insert("units", [(r[0] + du, d, *r[2:]) for r in units])
        for table, cols in (("study_units", "number, unit"),
                            ("glossary", "short, folded, long, long_key, def_start, def_end"),
                            ("authors", "number, surname"), ("doc_authors", "word"),
                            ("doc_entity_kinds", "short, kind"),
                            ("cites", "number, key")):
            rows = old.query(f"SELECT {cols} FROM {table} WHERE doc = ?", (old_doc,))
            if table == "study_units":
                rows = [(n, u + du) for n, u in rows]
            self.db.insert(table, [(d, *r) for r in rows])
        self._vectors(self.chunk_file, old_chunks[oc_lo:oc_hi], oc_hi - oc_lo)
        unit_vectors = np.asarray(old_units[ou_lo:ou_hi])
        self._vectors(self.unit_file, unit_vectors, ou_hi - ou_lo)
        self._keep_for_calibration(unit_vectors)
        self.chunk_tokens += [self.token_ids(r[11].split()) for r in chunks]
        self.df.update(t for r in units for t in r[7].split())
        self.documents, self.chunks, self.units = d + 1, c0 + oc_hi - oc_lo, u0 + ou_hi - ou_lo

    def vectors(self, hashes: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """Vectors this build has already written for texts with these hashes."""
        size = self.dimension * 4

        def reader(file: IO[bytes]) -> Callable[[int], np.ndarray]:
            file.flush()  # the rows must be in the file, not only in its buffer
            return lambda row: np.frombuffer(os.pread(file.fileno(), size, row * size), dtype="<f4")

        return vectors_by_hash(self.db.query_in, hashes,
                               {"units": reader(self.unit_file), "chunks": reader(self.chunk_file)})

    def finish(self, exact_threshold: int, pq_threshold: int) -> VectorParams:
        """Build BM25, the vocabulary, document frequencies and FAISS; close the store."""
        self.chunk_file.close()
        self.unit_file.close()
        (self.folder / BM25_DIR).mkdir()
        write_bm25(self.folder / BM25_DIR, self.chunk_tokens, len(self.token_ids.ids))
        self.chunk_tokens = []
        for part in chunked(list(self.token_ids.ids.items()), 50_000):
            self.db.insert("vocab", part)
        for part in chunked(list(self.df.items()), 50_000):
            self.db.insert("terms", part)
        vectors = open_vectors(self.folder / CHUNK_VECTORS, self.chunks, self.dimension)
        kind: VectorKind = choose_kind(self.chunks, exact_threshold, pq_threshold)
        queries = np.array(self.sample, dtype=np.float32).reshape(-1, self.dimension)
        index, params = build_vectors(vectors, kind, queries)
        save_vectors(index, self.folder / FAISS_FILE)
        self.db.finish({"documents": str(self.documents)})
        return params


def vectors_by_hash(query_in: Callable[[str, Sequence[bytes]], list[tuple[Any, ...]]], hashes: Sequence[bytes],
                    tables: dict[str, Callable[[int], np.ndarray]]) -> dict[bytes, np.ndarray]:
    """The vector of each text hash found in a store's `tables` (units first), read by row id with the
    table's reader."""
    out: dict[bytes, np.ndarray] = {}
    for table, read in tables.items():
        wanted = [h for h in hashes if h not in out]
        if not wanted:
            break
        for h, row in query_in(f"SELECT text_hash, id FROM {table} WHERE text_hash IN ({{}})", wanted):
            if h not in out:
                out[h] = read(row)
    return out


def open_vectors(path: Path, rows: int, dimension: int) -> np.ndarray:
    """A read-only memory map of `rows` float32 vectors (an empty array when there are none)."""
    if rows == 0:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.memmap(path, dtype="<f4", mode="r", shape=(rows, dimension))
