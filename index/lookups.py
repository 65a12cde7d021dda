"""Per-question lookups in the index store, each by key: abbreviations, word statistics, authors and studies.

Every function here costs the size of its question (its words, the studies it names), never the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable

from index.db import StoreReader
from index.glossary import MAX_LONG_WORDS, word_runs

StudyRef = tuple[str, int]  # (doc_id, reference number): reference numbers are per document


class StoreGlossary:
    """The corpus glossary (`glossary.GlossarySource`): every long form the corpus gives a short form, the
    ones defined by most documents first."""

    def __init__(self, store: StoreReader) -> None:
        self.store = store
        self._max_words: int | None = None

    @property
    def max_words(self) -> int:
        if self._max_words is None:
            self._max_words = min(MAX_LONG_WORDS, int(self.store.meta("max_long_words") or 0))
        return self._max_words

    def _forms(self, column: str, values: Iterable[str]) -> dict[str, tuple[str, list[str]]]:
        rows = self.store.query_in(
            f"SELECT {column}, short, long FROM glossary_forms WHERE {column} IN ({{}}) ORDER BY docs DESC, long",
            sorted(set(values)))
        out: dict[str, tuple[str, list[str]]] = {}
        for key, short, long_form in rows:
            entry = out.setdefault(key, (short, []))
            if entry[0] == short:  # two short forms folding alike ("Ck", "CK"): the most used one answers
                entry[1].append(long_form)
        return out

    def short_forms(self, words: set[str]) -> dict[str, tuple[str, list[str]]]:
        exact = self._forms("short", words)
        folded = self._forms("folded", {w.casefold() for w in words if w not in exact})
        out = {w: exact[w] for w in words if w in exact}
        out.update({w: folded[w.casefold()] for w in words if w not in exact and w.casefold() in folded})
        return out

    def long_forms_in(self, words: list[str]) -> list[tuple[int, str, str]]:
        runs = word_runs(words, self.max_words) if self.max_words else {}
        if not runs:
            return []
        rows = self.store.query_in("SELECT long_key, short, long FROM glossary_forms WHERE long_key IN ({})",
                                   list(runs))
        return [(runs[key], short, long_form) for key, short, long_form in rows]


class Lookups:
    """Word statistics, vocabulary ids, authors, studies, entity kinds and definitions."""

    def __init__(self, store: StoreReader) -> None:
        self.store = store

    def document_frequencies(self, tokens: Iterable[str]) -> dict[str, int]:
        """In how many answer units each token occurs (tokens the corpus lacks are left out)."""
        return dict(self.store.query_in("SELECT token, df FROM terms WHERE token IN ({})", sorted(set(tokens))))

    def token_ids(self, tokens: Iterable[str]) -> dict[str, int]:
        """BM25 vocabulary ids of the tokens the chunks contain."""
        return dict(self.store.query_in("SELECT token, id FROM vocab WHERE token IN ({})", sorted(set(tokens))))

    def surnames(self, words: Iterable[str]) -> set[str]:
        """Which of these folded words are first authors' surnames in some bibliography."""
        rows = self.store.query_in("SELECT DISTINCT surname FROM authors WHERE surname IN ({})", sorted(set(words)))
        return {r[0] for r in rows}

    def documents_by(self, words: Iterable[str], limit: int) -> dict[str, set[str]]:
        """The documents whose own authors' names hold one of these folded words, by word (at most `limit`)."""
        rows = self.store.query_in(
            "SELECT a.word, d.doc_id FROM doc_authors a JOIN documents d ON d.id = a.doc WHERE a.word IN ({}) "
            f"ORDER BY a.doc LIMIT {int(limit)}", sorted(set(words)))
        out: dict[str, set[str]] = {}
        for word, doc_id in rows:
            out.setdefault(word, set()).add(doc_id)
        return out

    def studies_by(self, surnames: Iterable[str], limit: int) -> set[StudyRef]:
        """References (document, number) whose first author has one of these surnames, at most `limit`."""
        names = sorted(set(surnames))
        if not names:
            return set()
        rows = self.store.query_in(
            "SELECT d.doc_id, a.number FROM authors a JOIN documents d ON d.id = a.doc WHERE a.surname IN ({}) "
            f"ORDER BY a.doc, a.number LIMIT {int(limit)}", names)
        return {(doc_id, number) for doc_id, number in rows}

    def units_about(self, refs: Iterable[StudyRef], limit: int) -> list[int]:
        """Ids of the units that speak of these studies, at most `limit`, in text order."""
        out: list[int] = []
        for doc_id, number in sorted(refs):
            out += [r[0] for r in self.store.query(
                "SELECT s.unit FROM study_units s JOIN documents d ON d.id = s.doc "
                "WHERE d.doc_id = ? AND s.number = ? ORDER BY s.unit LIMIT ?", (doc_id, number, limit - len(out)))]
            if len(out) >= limit:
                break
        return out

    def entity_kinds(self, shorts: Iterable[str]) -> dict[str, str]:
        """The table column each abbreviation occurs in, where some table names it (BPD -> "Disease")."""
        return dict(self.store.query_in("SELECT short, kind FROM entity_kinds WHERE short IN ({})",
                                        sorted(set(shorts))))

    def cited_documents(self, doc_id: str, numbers: Iterable[int]) -> list[tuple[int, str, str]]:
        """The other documents of the library that `doc_id`'s bibliography entries `numbers` name by title
        (`index.lexical.entry_title_keys`): (entry number, doc_id, title) each, in entry then document order."""
        rows = self.store.query_in(
            "SELECT DISTINCT c.number, d.doc_id, d.title, d.id FROM cites c JOIN documents s ON s.id = c.doc "
            "JOIN titles t ON t.key = c.key JOIN documents d ON d.id = t.doc "
            "WHERE s.doc_id = ? AND d.id != s.id AND c.number IN ({}) ORDER BY c.number, d.id",
            sorted(set(numbers)), before=(doc_id,))
        return [(number, cited, title) for number, cited, title, _ in rows]

    def citing(self, doc_id: str, limit: int) -> list[tuple[str, str, int]]:
        """The other documents whose bibliography names `doc_id` by its title: (doc_id, title, entry number)
        each, in document order, at most `limit`."""
        rows = self.store.query(
            "SELECT DISTINCT s.doc_id, s.title, c.number, s.id FROM documents d JOIN titles t ON t.doc = d.id "
            "JOIN cites c ON c.key = t.key JOIN documents s ON s.id = c.doc "
            "WHERE d.doc_id = ? AND s.id != d.id ORDER BY s.id, c.number LIMIT ?", (doc_id, limit))
        return [(citing, title, number) for citing, title, number, _ in rows]

    def with_tables(self, doc_ids: list[str]) -> list[str]:
        """Those of the documents that have a table, in the given order."""
        found = {r[0] for r in self.store.query_in("SELECT doc_id FROM documents WHERE tables > 0 AND doc_id IN ({})",
                                                   doc_ids)}
        return [d for d in doc_ids if d in found]

    def definitions(self, short: str, limit: int = 20, within: Collection[str] | None = None
                    ) -> list[tuple[str, int, int]]:
        """Where documents (those `within`, when given) define `short` (doc_id, start, end), in document order."""
        sql = ("SELECT d.doc_id, g.def_start, g.def_end, g.doc FROM glossary g JOIN documents d ON d.id = g.doc "
               "WHERE g.short = ? AND g.def_start IS NOT NULL")
        if within is not None:
            rows = self.store.query_in(sql + " AND d.doc_id IN ({})", sorted(within), before=(short,))
            rows = sorted(rows, key=lambda r: r[3])[:limit]
        else:
            rows = self.store.query(sql + " ORDER BY g.doc LIMIT ?", (short, limit))
        return [(doc_id, int(start), int(end)) for doc_id, start, end, _ in rows]


def decode_refs(doc_id: str, value: str) -> set[StudyRef]:
    return {(doc_id, int(n)) for n in json.loads(value)}
