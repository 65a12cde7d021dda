"""A loaded index and hybrid search: dense (FAISS) and lexical (BM25) rankings fused by reciprocal rank fusion.

Opening an index maps its files and reads no rows; a search reads the rows of the chunks it returns, and the
answer engine the units, documents and lookups of its question (an LRU keeps recently used documents).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import faiss
import numpy as np

from corpus.model import Document, DocumentHead
from index.db import StoreReader
from index.embedder import Embedder
from index.glossary import QUERY_EXPANSION_CHARS, Glossary
from index.lexical import LexicalIndex, tokenize
from index.lookups import Lookups, StoreGlossary, StudyRef, decode_refs
from index.model import Chunk, Manifest, SearchHit, SearchMode, Unit
from index.roles import Role
from index.scope import Scope, resolve_scope
from index.vectors import load_vectors, search_vectors
from index.writer import BM25_DIR, CHUNK_VECTORS, FAISS_FILE, STORE, UNIT_VECTORS, open_vectors

RRF_K = 60
# Dense similarity of a one- or two-word query is mostly noise with small sentence models, while BM25 is
# exact there; so the dense vote grows with the number of content words and is full from four on.
FULL_DENSE_WEIGHT_TOKENS = 4

_CHUNK_COLUMNS = 'c.id, d.doc_id, c.chunk_id, c.section, c.kind, c.start, c."end", c.text, c.refs, c.unit_lo, c.unit_hi'
_UNIT_COLUMNS = ('u.id, d.doc_id, u.kind, u.section, u.start, u."end", u.block, u.tokens, u.plain, u.study_refs, '
                 'u.role, u.legend')


def dense_weight(query: str) -> float:
    return min(1.0, max(0.25, len(tokenize(query)) / FULL_DENSE_WEIGHT_TOKENS))


class DocumentTerms(NamedTuple):
    """Which of a question's terms a document holds, and over how many chunks (its bibliography aside)."""

    held: frozenset[str]
    chunks: int


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """A unit with what the answer engine needs of it, read from the store."""

    id: int
    unit: Unit
    tokens: frozenset[str]  # glossary-expanded stems (the unit's own document's glossary)
    plain: str  # the text with its in-text citations blanked
    refs: frozenset[StudyRef]  # studies it speaks of
    role: Role  # what it does in the report: a finding, an aim, a method, background (`index.roles`)
    legend: bool  # an entry of an abbreviation legend


class Documents(Mapping[str, Document]):
    """The index's documents by id, read from the store when asked for and kept in a small LRU."""

    def __init__(self, store: StoreReader, count: int, cache: int) -> None:
        self.store = store
        self.count = count
        self._load = lru_cache(maxsize=cache)(self._read)
        self._head = lru_cache(maxsize=cache)(self._read_head)

    def _body(self, doc_id: str) -> str | bytes:
        rows = self.store.query("SELECT b.json FROM documents d JOIN bodies b ON b.id = d.id WHERE d.doc_id = ?",
                                (doc_id,))
        if not rows:
            raise KeyError(doc_id)
        return rows[0][0]  # the column holds JSON text

    def _read(self, doc_id: str) -> Document:
        return Document.model_validate_json(self._body(doc_id))

    def _read_head(self, doc_id: str) -> DocumentHead:
        return DocumentHead.model_validate_json(self._body(doc_id))

    def __getitem__(self, doc_id: str) -> Document:
        return self._load(doc_id)

    def head(self, doc_id: str) -> DocumentHead:
        """The document's title, text, references and citations (all a passage shows), parsed without the rest."""
        return self._head(doc_id)

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and bool(self.store.query("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)))

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        """Every document id in index order (reads the whole table: for listings and evaluation, not questions)."""
        return iter([r[0] for r in self.store.query("SELECT doc_id FROM documents ORDER BY id")])

    def chunk_count(self, doc_id: str) -> int:
        rows = self.store.query("SELECT chunk_hi - chunk_lo FROM documents WHERE doc_id = ?", (doc_id,))
        return int(rows[0][0]) if rows else 0

    def page(self, offset: int, limit: int, matching: str | None = None) -> list[tuple[object, ...]]:
        """Summary rows (no text) of documents `offset`.. in index order; with `matching`, only those whose id,
        title, authors or journal hold it (ASCII letters in either case; `%` and `_` are not wildcards)."""
        where, params = _matching(matching)
        return self.store.query(
            "SELECT doc_id, title, authors, journal, year, kind, source, chars, sections, refs, tables "
            f"FROM documents {where} ORDER BY id LIMIT ? OFFSET ?", (*params, limit, offset))

    def count_matching(self, text: str) -> int:
        """How many documents `page(..., matching=text)` pages through."""
        where, params = _matching(text)
        return int(self.store.query(f"SELECT count(*) FROM documents {where}", params)[0][0])


def _matching(text: str | None) -> tuple[str, tuple[str, ...]]:
    """The WHERE clause of `Documents.page` for documents holding `text` in their id, title, authors or journal:
    a listing's filter, which reads the documents table (never the passages)."""
    if text is None:
        return "", ()
    if "\x00" in text:  # SQLite would end the pattern there and match more; no stored field holds a NUL
        return "WHERE 0", ()
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    fields = ("doc_id", "title", "authors", "coalesce(journal, '')")
    return "WHERE " + " OR ".join(f"{f} LIKE ? ESCAPE '\\'" for f in fields), (pattern,) * len(fields)


# Threads for the dense half of hybrid searches, shared by every index; as many as questions in flight at once.
_SIDE = ThreadPoolExecutor(max_workers=32, thread_name_prefix="qa-dense")


class SearchIndex:
    """A loaded index: the store, the memory-mapped vectors, FAISS and BM25, searchable by query."""

    def __init__(self, manifest: Manifest, store: StoreReader, vectors: faiss.Index, lexical: LexicalIndex,
                 embedder: Embedder, chunk_vectors: np.ndarray, unit_vectors: np.ndarray,
                 document_cache: int = 256) -> None:
        self.manifest = manifest
        self.store = store
        self.vectors = vectors
        self.lexical = lexical
        self.embedder = embedder
        self.chunk_vectors = chunk_vectors
        self.unit_vectors = unit_vectors
        self.lookups = Lookups(store)
        self.glossary = Glossary(StoreGlossary(store))
        self.documents = Documents(store, manifest.documents, document_cache)

    @classmethod
    def open(cls, folder: Path, manifest: Manifest, embedder: Embedder, document_cache: int = 256) -> SearchIndex:
        store = StoreReader(folder / STORE)
        lookups = Lookups(store)
        return cls(manifest, store, load_vectors(folder / FAISS_FILE, manifest.vector_index.kind),
                   LexicalIndex(folder / BM25_DIR, lookups.token_ids), embedder,
                   open_vectors(folder / CHUNK_VECTORS, manifest.chunks, manifest.dimension),
                   open_vectors(folder / UNIT_VECTORS, manifest.units, manifest.dimension), document_cache)

    def document_terms(self, doc_ids: list[str], terms: list[str]) -> dict[str, DocumentTerms]:
        """Which of `terms` each document holds in its title, text, lists or tables (as BM25 tokens; not in its
        bibliography, whose chunks come last), from BM25's postings: O(documents x terms), whatever the
        documents' length."""
        rows = self.store.query_in("SELECT doc_id, chunk_lo, chunk_hi - refs FROM documents WHERE doc_id IN ({})",
                                   list(doc_ids))
        known = self.lookups.token_ids(terms)
        words = [t for t in dict.fromkeys(terms) if t in known]
        found = self.lexical.present([known[t] for t in words], [(r[1], r[2]) for r in rows])
        out = {r[0]: DocumentTerms(frozenset(w for w, hit in zip(words, found[k], strict=True) if hit), r[2] - r[1])
               for k, r in enumerate(rows)}
        return {d: out.get(d, DocumentTerms(frozenset(), 0)) for d in doc_ids}

    def chunks(self, rows: list[int]) -> dict[int, Chunk]:
        """Chunks by their row (FAISS and BM25 id)."""
        out = {}
        for r in self.store.query_in(f"SELECT {_CHUNK_COLUMNS} FROM chunks c JOIN documents d ON d.id = c.doc "
                                     "WHERE c.id IN ({})", rows):
            out[r[0]] = Chunk(chunk_id=r[2], doc_id=r[1], section=r[3], kind=r[4], start=r[5], end=r[6], text=r[7],
                              references=json.loads(r[8]), units=(r[9], r[10]))
        return out

    def units(self, ids: list[int]) -> dict[int, UnitRecord]:
        """Units by id, with their tokens, plain text and studies."""
        out = {}
        for r in self.store.query_in(f"SELECT {_UNIT_COLUMNS} FROM units u JOIN documents d ON d.id = u.doc "
                                     "WHERE u.id IN ({})", ids):
            unit = Unit(doc_id=r[1], kind=r[2], section=r[3], start=r[4], end=r[5], block=r[6])
            out[r[0]] = UnitRecord(r[0], unit, frozenset(r[7].split()), r[8], frozenset(decode_refs(r[1], r[9])),
                                   r[10], bool(r[11]))
        return out

    def iter_chunks(self, batch: int = 10_000) -> Iterator[Chunk]:
        """Every chunk in row order (reads the whole table: for tests and tools, not questions)."""
        for start in range(0, self.manifest.chunks, batch):
            found = self.chunks(list(range(start, min(start + batch, self.manifest.chunks))))
            yield from (found[i] for i in sorted(found))

    def scope(self, doc_ids: Iterable[str] | None = None, since: int | None = None, until: int | None = None
              ) -> Scope | None:
        """The scope of the given documents (all when None) from the years `since`..`until`, for `search`;
        None when nothing is selected (the whole library). Raises `UnknownDocuments` naming ids it lacks,
        `NoDocumentInScope` when none is left."""
        return resolve_scope(self.store, doc_ids, since, until)

    def dense(self, query: str, depth: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        scores, ids = search_vectors(self.vectors, self.manifest.vector_index, self.chunk_vectors,
                                     self.embedder.encode_query(query), depth, scope)
        return [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)]

    def bm25(self, query: str, depth: int, expand: bool = True, scope: Scope | None = None
             ) -> list[tuple[int, float]]:
        """BM25 over the chunks; the query's abbreviations are expanded first unless it comes expanded."""
        text = self.glossary.expand(query, QUERY_EXPANSION_CHARS) if expand else query
        return self.lexical.top(tokenize(text), depth, None if scope is None else scope.rows)

    def search(self, query: str, k: int = 5, mode: SearchMode = "hybrid", depth: int | None = None,
               expand: bool = True, scope: Scope | None = None) -> list[SearchHit]:
        """Top-k chunks for `query`; hybrid hits report both the dense and the BM25 rank and score. With a
        `scope` (`SearchIndex.scope`), only chunks of its documents.

        `expand=False` for a query already expanded (the answer engine's): expanding it again would only repeat
        the glossary lookups."""
        depth = depth or max(50, 4 * k)
        # Hybrid: the dense side (encoding in ONNX Runtime, FAISS) runs beside BM25 (NumPy), both releasing the
        # GIL, so a question waits for the slower of the two rather than their sum.
        pending = _SIDE.submit(self.dense, query, depth, scope) if mode == "hybrid" else None
        lexical = self.bm25(query, depth, expand, scope) if mode in ("hybrid", "bm25") else []
        dense = pending.result() if pending else self.dense(query, depth, scope) if mode == "dense" else []
        ranks: dict[int, dict[str, float]] = {}
        for rank, (i, s) in enumerate(dense, 1):
            ranks.setdefault(i, {}).update(dense_rank=rank, dense_score=s)
        for rank, (i, s) in enumerate(lexical, 1):
            ranks.setdefault(i, {}).update(bm25_rank=rank, bm25_score=s)
        w_dense = dense_weight(query)
        scored = []
        for i, r in ranks.items():
            if mode == "dense":
                score = r.get("dense_score", 0.0)
            elif mode == "bm25":
                score = r.get("bm25_score", 0.0)
            else:
                score = (w_dense / (RRF_K + r["dense_rank"]) if "dense_rank" in r else 0.0) + (
                    1.0 / (RRF_K + r["bm25_rank"]) if "bm25_rank" in r else 0.0)
            scored.append((score, i))
        # Ties are broken by row, which follows document and text order (the chunk id did so before).
        best = sorted(scored, key=lambda p: (-p[0], p[1]))[:k]
        chunks = self.chunks([i for _, i in best])
        return [SearchHit(chunk=chunks[i], score=s, dense_rank=_int(ranks[i].get("dense_rank")),
                          dense_score=ranks[i].get("dense_score"), bm25_rank=_int(ranks[i].get("bm25_rank")),
                          bm25_score=ranks[i].get("bm25_score")) for s, i in best]


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)
