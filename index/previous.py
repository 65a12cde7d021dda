"""The index a build replaces, read for what it can give the new one: unchanged documents and known vectors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from corpus.store import PARSER_VERSION
from index.db import StoreReader
from index.distributed import KnownVectors
from index.errors import SearchIndexError
from index.model import ChunkingConfig, Manifest
from index.store import read_manifest
from index.writer import CHUNK_VECTORS, STORE, UNIT_VECTORS, open_vectors, vectors_by_hash


class PreviousIndex:
    """Documents of the previous index by id and content hash, and its vectors by text hash."""

    def __init__(self, folder: Path, manifest: Manifest, copyable: bool) -> None:
        self.store = StoreReader(folder / STORE)
        self.chunk_vectors = open_vectors(folder / CHUNK_VECTORS, manifest.chunks, manifest.dimension)
        self.unit_vectors = open_vectors(folder / UNIT_VECTORS, manifest.units, manifest.dimension)
        # Documents can be copied only when they would be prepared the same way; vectors whenever the model is
        # the same (a unit's text does not depend on the chunking).
        self.documents: dict[str, tuple[int, str]] = {}
        if copyable:
            rows = self.store.query("SELECT doc_id, id, file_hash FROM documents")
            self.documents = {doc_id: (i, h) for doc_id, i, h in rows}

    @classmethod
    def open(cls, folder: Path, model: str, dimension: int, chunking: ChunkingConfig) -> PreviousIndex | None:
        """The index in `folder` if it was built by this format with the same model, else None."""
        try:
            manifest = read_manifest(folder)  # also puts back an index a killed build left aside
        except SearchIndexError:
            return None
        if manifest.model != model or manifest.dimension != dimension:
            return None
        copyable = manifest.chunking == chunking and manifest.parser_version == PARSER_VERSION
        return cls(folder, manifest, copyable)

    def unchanged(self, doc_id: str, file_hash: str) -> int | None:
        """The previous number of a document whose source has not changed, or None."""
        found = self.documents.get(doc_id)
        return found[0] if found and found[1] == file_hash else None

    def vectors(self, hashes: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """Vectors the previous index holds for texts with these hashes."""
        return vectors_by_hash(self.store.query_in, hashes, {"units": lambda row: np.asarray(self.unit_vectors[row]),
                                                             "chunks": lambda row: np.asarray(self.chunk_vectors[row])})

    def known_texts(self, doc_ids: list[str]) -> KnownVectors:
        """The texts the previous versions of these documents had, for a build that re-parses them elsewhere:
        only their digests travel; their vectors are looked up here."""
        digests: set[bytes] = set()
        for table in ("chunks", "units"):
            digests |= {r[0] for r in self.store.query_in(
                f"SELECT t.text_hash FROM {table} t JOIN documents d ON d.id = t.doc WHERE d.doc_id IN ({{}})",
                doc_ids)}
        return KnownVectors(frozenset(digests), self.vectors)

    def close(self) -> None:
        self.store.close()
