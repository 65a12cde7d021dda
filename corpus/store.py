"""Read a corpus folder: every supported file with its metadata sidecar becomes a `Document`."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from corpus.blocks import looks_like_heading
from corpus.document import build_document
from corpus.errors import CorpusNotFound, UnreadableDocument
from corpus.loaders import SUPPORTED_SUFFIXES, load_raw
from corpus.model import Document, DocumentMeta

log = logging.getLogger(__name__)

BUILTIN_CORPUS = Path(__file__).parent / "data"
SIDECAR_SUFFIX = ".meta.json"
# Bump when cleaning or structure changes, or what `index.prepare` derives from a parsed document (chunks,
# units, their tokens, roles and legend flags), so that indexes built by the old code are rebuilt rather than
# served stale (an incremental build reuses a document's prepared data only under the same version).
# tests/index/test_parser_version.py pins the code this covers. 4: unit roles gained the review's statement of
# the evidence (e4d499f) without a bump. 5: text files in UTF-16 or UTF-32 are decoded as such (they were read
# as Windows-1252, every other character a NUL), binary data named as text is refused, and a Markdown file's
# YAML front matter gives its metadata instead of being indexed as text; HTML superscript citations are
# bracketed (powers written "10^6", subscripts kept in their words), a citation set after a sentence's period
# belongs to that sentence, Word documents are read, and a PDF's junk properties ("Microsoft Word - x.docx",
# "PII: ...", "Administrator") are not its title or authors, and a PDF's heading lines stand apart from the
# paragraphs after them. 6: a paper saying in the present tense what it covers ("We examine how ...", "Here we
# review ...") states its aim (`index.roles`), stored as each unit's role. 7: "X et al. reported that ...", "X
# was shown to ..." state findings. 8: "This review brings together / summarises / discusses ..." is its aim.
PARSER_VERSION = "8"


@dataclass
class LoadedCorpus:
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "document"


def corpus_files(folder: Path, extra: Sequence[Path] = ()) -> list[Path]:
    """Supported files in `folder` and then in each existing `extra` folder (e.g. uploads), subfolders included
    (a Zotero storage folder holds one per item), each folder's sorted by their path inside it.

    The main folder must exist; extra folders that do not exist yet are skipped. Hidden files and folders
    (".git", "._paper.pdf" copies of macOS, the upload folder's ".incoming") are not documents.
    """
    return [source.path for source in corpus_sources(folder, extra)]


def _relative_files(roots: Sequence[Path]) -> list[tuple[Path, str]]:
    """(root, path inside it) of every supported file; a root inside another (uploads kept in the corpus
    folder) is listed once, as its own."""
    inner = {r.resolve() for r in roots[1:]}
    found: list[tuple[Path, str]] = []
    for root in roots:
        here: list[str] = []
        for top, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and (Path(top) / d).resolve() not in inner]
            here += [(Path(top) / n).relative_to(root).as_posix() for n in names
                     if not n.startswith(".") and Path(n).suffix.lower() in SUPPORTED_SUFFIXES]
        found += [(root, rel) for rel in sorted(here)]
    return found


@dataclass(frozen=True)
class SourceFile:
    """One source file of the corpus with the id its document gets."""

    path: Path
    doc_id: str
    relative: str = ""  # the path inside its corpus folder ("2021/smith.pdf"); the name when empty

    def sidecar(self) -> Path:
        return self.path.with_name(self.path.stem + SIDECAR_SUFFIX)

    def content_hash(self) -> str:
        """Hash of the file, its sidecar and the parser version: the document changes exactly when this does."""
        h = hashlib.sha256(PARSER_VERSION.encode() + b"\0" + self.path.name.encode() + b"\0")
        h.update(self.path.read_bytes())
        sidecar = self.sidecar()
        if sidecar.exists():
            h.update(b"\0sidecar\0" + sidecar.read_bytes())
        return h.hexdigest()

    def signature(self) -> str:
        """Name, size and modification time of the file and its sidecar: a change without reading them."""
        parts = [self.relative or self.path.name]
        for p in (self.path, self.sidecar()):
            if p.exists():
                st = p.stat()
                parts += [str(st.st_size), str(st.st_mtime_ns)]
        return "/".join(parts)


def corpus_sources(folder: Path, extra: Sequence[Path] = ()) -> list[SourceFile]:
    """The corpus' files in order, each with a unique document id (its slug, made unique by a short hash)."""
    if not folder.is_dir():
        raise CorpusNotFound(f"corpus folder not found: {folder}")
    sources: list[SourceFile] = []
    seen: set[str] = set()
    for root, rel in _relative_files([folder, *[e for e in extra if e.is_dir()]]):
        path = root / rel
        doc_id = slugify(path.stem)
        if doc_id in seen:  # by the path inside the folder: "a/paper.pdf" and "b/paper.pdf" differ
            doc_id = f"{doc_id}-{hashlib.sha1(rel.encode()).hexdigest()[:6]}"
        seen.add(doc_id)
        sources.append(SourceFile(path, doc_id, rel))
    return sources


def combined_hash(parts: Sequence[str]) -> str:
    """One hash of many (file hashes, or signatures) in order."""
    h = hashlib.sha256(PARSER_VERSION.encode())
    for part in parts:
        h.update(part.encode() + b"\n")
    return h.hexdigest()


def corpus_hash(folder: Path, extra: Sequence[Path] = ()) -> str:
    """Content hash of the corpus (sources, sidecars and parser version): changes when anything is edited."""
    return combined_hash([s.content_hash() for s in corpus_sources(folder, extra)])


def corpus_signature(folder: Path, extra: Sequence[Path] = ()) -> str:
    """A hash of the files' names, sizes and modification times: cheap to compute, reads no file."""
    return combined_hash([s.signature() for s in corpus_sources(folder, extra)])


def read_meta(path: Path, fallback_title: str | None, fallback_authors: list[str], fallback_journal: str | None = None,
              fallback_year: int | None = None) -> DocumentMeta:
    """The sidecar's metadata (`NAME.meta.json`) if there is one, else what the file itself says."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if sidecar.exists():
        try:
            return DocumentMeta.model_validate(json.loads(sidecar.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise UnreadableDocument(f"{sidecar.name}: invalid metadata ({exc})") from exc
    return DocumentMeta(title=fallback_title or path.stem.replace("_", " ").replace("-", " "),
                        authors=fallback_authors, journal=fallback_journal, year=fallback_year, source=path.name)


def load_document(path: Path, doc_id: str | None = None) -> Document:
    """Load one file into a `Document`; raises `UnreadableDocument` when it cannot be parsed."""
    try:
        return _load_document(path, doc_id)
    except UnreadableDocument:
        raise
    except Exception as exc:  # a file no parser foresaw must not take the rest of the corpus down with it
        raise UnreadableDocument(f"{path.name}: could not be parsed ({type(exc).__name__}: {exc})") from exc


def _load_document(path: Path, doc_id: str | None) -> Document:
    raw = load_raw(path)
    title = raw.title
    if title is None and raw.blocks and len(raw.blocks[0].lines) == 1 and looks_like_heading(raw.blocks[0].lines[0]):
        title = raw.blocks[0].lines[0].strip()
    meta = read_meta(path, title, raw.authors, raw.journal, raw.year)
    if meta.source is None:
        meta.source = path.name
    doc = build_document(doc_id or slugify(path.stem), raw, meta)
    if not doc.text.strip():
        raise UnreadableDocument(f"{path.name}: no text found")
    return doc


def load_corpus(folder: Path, extra: Sequence[Path] = ()) -> LoadedCorpus:
    """Load every document of `folder` (and `extra` folders); unreadable files are skipped with a warning."""
    sources = corpus_sources(folder, extra)
    if not sources:
        raise CorpusNotFound(f"no {', '.join(SUPPORTED_SUFFIXES)} files in {folder}")
    loaded = LoadedCorpus([])
    for source in sources:
        try:
            loaded.documents.append(load_document(source.path, source.doc_id))
        except UnreadableDocument as exc:
            log.warning("skipped %s", exc)
            loaded.warnings.append(f"skipped {exc}")
    if not loaded.documents:
        raise CorpusNotFound(f"no readable documents in {folder}: " + "; ".join(loaded.warnings))
    return loaded
