"""The index store: documents, chunks, units, glossary and lookups in one SQLite file, written once per build.

SQLite rather than Arrow/Parquet because every question reads a few rows by key (chunks by FAISS/BM25 row,
units by id range, a word's document frequency, an abbreviation, an author), which is what a B-tree does, and
because the standard library ships it. The file is written by one build into a new folder and never changed
after it is served, so readers open it read-only and immutable (no locks, no journal), one connection per
thread. Rows are read lazily: opening the store reads nothing but its header.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from index.lexical import title_key

SCHEMA = """
CREATE TABLE documents (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, source TEXT, file_hash TEXT,
    title TEXT, authors TEXT, journal TEXT, year INTEGER, kind TEXT, chars INTEGER, sections INTEGER,
    refs INTEGER, tables INTEGER, chunk_lo INTEGER, chunk_hi INTEGER, unit_lo INTEGER, unit_hi INTEGER);
CREATE TABLE bodies (id INTEGER PRIMARY KEY, json BLOB NOT NULL);
CREATE TABLE chunks (id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, chunk_id TEXT, section TEXT, kind TEXT,
    start INTEGER, "end" INTEGER, text TEXT, refs TEXT, unit_lo INTEGER, unit_hi INTEGER, tokens TEXT,
    text_hash BLOB);
CREATE INDEX chunks_hash ON chunks (text_hash);
CREATE TABLE units (id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, kind TEXT, section TEXT, start INTEGER,
    "end" INTEGER, block INTEGER, tokens TEXT, plain TEXT, study_refs TEXT, role TEXT, legend INTEGER,
    text_hash BLOB);
CREATE INDEX units_hash ON units (text_hash);
CREATE TABLE glossary (doc INTEGER, short TEXT, folded TEXT, long TEXT, long_key TEXT, def_start INTEGER,
    def_end INTEGER);
CREATE TABLE glossary_forms (short TEXT, folded TEXT, long TEXT, long_key TEXT, docs INTEGER);
CREATE TABLE authors (doc INTEGER, number INTEGER, surname TEXT);
CREATE TABLE doc_authors (doc INTEGER, word TEXT);
CREATE TABLE doc_entity_kinds (doc INTEGER, short TEXT, kind TEXT);
CREATE TABLE entity_kinds (short TEXT PRIMARY KEY, kind TEXT) WITHOUT ROWID;
CREATE TABLE study_units (doc INTEGER, number INTEGER, unit INTEGER);
CREATE TABLE terms (token TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID;
CREATE TABLE vocab (token TEXT PRIMARY KEY, id INTEGER) WITHOUT ROWID;
CREATE TABLE titles (key TEXT, doc INTEGER);
CREATE TABLE cites (doc INTEGER, number INTEGER, key TEXT);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
"""

# Built after the rows are in: faster than maintaining them row by row. (The text-hash indexes are kept from
# the start instead: a build looks up the texts it has already embedded, so that no text is embedded twice.)
INDEXES = """
CREATE INDEX glossary_short ON glossary (short, doc);
CREATE INDEX glossary_forms_short ON glossary_forms (short);
CREATE INDEX glossary_forms_folded ON glossary_forms (folded);
CREATE INDEX glossary_forms_key ON glossary_forms (long_key);
CREATE INDEX authors_surname ON authors (surname);
CREATE INDEX doc_authors_word ON doc_authors (word);
CREATE INDEX study_units_ref ON study_units (doc, number);
CREATE INDEX documents_year ON documents (year);
CREATE INDEX titles_key ON titles (key);
CREATE INDEX cites_key ON cites (key);
CREATE INDEX cites_entry ON cites (doc, number);
"""

# Long forms aggregated over the documents: how many documents use each meaning of a short form.
AGGREGATES = """
INSERT INTO glossary_forms (short, folded, long, long_key, docs)
    SELECT short, min(folded), min(long), long_key, count(DISTINCT doc) FROM glossary GROUP BY short, long_key;
INSERT INTO entity_kinds (short, kind) SELECT short, kind FROM (
    SELECT short, kind, min(doc) FROM doc_entity_kinds GROUP BY short);
"""

SQL_VARIABLES = 900  # parameters per statement, below SQLite's lowest default limit


def chunked(values: Sequence[Any], size: int = SQL_VARIABLES) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def select_in(run: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]], sql: str, values: Sequence[Any],
              before: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """`sql` with one `IN ({})` placeholder, run by `run(sql, params)` over `values` in batches that fit
    SQLite's limit (`before`: parameters ahead of the list)."""
    out: list[tuple[Any, ...]] = []
    for part in chunked(list(values)):
        out += run(sql.format(",".join("?" * len(part))), [*before, *part])
    return out


class StoreWriter:
    """Writes a new store file; rows go in as documents arrive, lookups and indexes at `finish`."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        # A build writes a new file in a temporary folder: if it fails, the folder is thrown away.
        self.conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192;")
        self.conn.executescript(SCHEMA)

    def insert(self, table: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            marks = ",".join("?" * len(rows[0]))
            self.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def query_in(self, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        """`sql` with one `IN ({})` placeholder over `values`, on the rows written so far."""
        return select_in(lambda q, params: self.conn.execute(q, params).fetchall(), sql, values)

    def finish(self, meta: dict[str, str]) -> None:
        """Aggregate the lookups, build the indexes, analyse the file and close it."""
        # Every document's title as bibliography entries name it: which cited study is itself in the library.
        titles = self.conn.execute("SELECT id, title FROM documents").fetchall()
        self.insert("titles", [(key, d) for d, title in titles if (key := title_key(title or ""))])
        self.conn.executescript(AGGREGATES + INDEXES)
        (words,) = self.conn.execute(
            "SELECT max(length(long_key) - length(replace(long_key, ' ', '')) + 1) FROM glossary_forms").fetchone()
        self.insert("meta", [*meta.items(), ("max_long_words", str(words or 0))])
        self.conn.commit()
        self.conn.execute("ANALYZE")
        self.conn.commit()
        self.conn.close()


class StoreReader:
    """Read-only access to a store file: one immutable connection per thread, rows fetched on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self.rows_read = 0  # rows fetched since opening: start-up must fetch none

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"file:{self.path}?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows = self._conn().execute(sql, params).fetchall()
        self.rows_read += len(rows)
        return rows

    def query_in(self, sql: str, values: Sequence[Any], before: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """`sql` with one `IN ({})` placeholder, run over `values` in batches that fit SQLite's limit."""
        return select_in(self.query, sql, values, before)

    def close(self) -> None:
        """Close this thread's connection (other threads' close when their thread-local goes)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None


def dumps(value: object) -> str:
    """Compact JSON for list-valued columns."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
