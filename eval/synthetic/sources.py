"""Pools of real text to recombine: sentences by the section they come from, table rows, references.

The pools come from the shipped corpus (parsed by the real parser) and, when the folder is given, from the
PubMedQA abstracts (labelled sections: background, methods, results, conclusions). Each abstract sentence
keeps the abbreviations its abstract defines, so that a generator can swap them for its own entities.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus.glossary import definitions_in
from corpus.sentences import sentence_spans
from corpus.store import BUILTIN_CORPUS, corpus_sources, load_document

_GENERIC_HEADINGS = {"abstract", "introduction", "conclusion", "conclusions", "references", "summary", "discussion",
                     "methods", "results", "background"}
ROLES = ("background", "methods", "results", "conclusions")
_ROLE_OF = {
    "background": "background", "introduction": "background", "objective": "background", "objectives": "background",
    "purpose": "background", "aim": "background", "aims": "background", "context": "background",
    "results": "results", "findings": "results", "conclusion": "conclusions", "conclusions": "conclusions",
    "interpretation": "conclusions", "limitations": "conclusions",
}
# Acronym-like words: two or more capitals, mostly capitals ("PCD", "TUNEL", "nDNA", "IL-6").
ACRONYM = re.compile(r"(?<![\w-])(?=(?:[^\W\d_]*[A-Z]){2})[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)?(?![\w-])")
MIN_SENTENCE_CHARS = 40
_OWN_CITATION = re.compile(r"\s*[(\[]\d{1,3}(?:\s*[,–-]\s*\d{1,3})*[)\]]")  # the review's own "(2,3)": not ours


def is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) <= 8 and sum(c.isupper() for c in letters) >= 0.6 * len(letters)


@dataclass(frozen=True)
class PoolSentence:
    text: str
    glossary: tuple[tuple[str, str], ...] = ()  # (short, long) the source abstract defines


@dataclass
class Reference:
    authors: list[str]  # "Chang YS"
    title: str
    journal: str


@dataclass
class Pools:
    """Everything the generator draws from."""

    sentences: dict[str, list[PoolSentence]] = field(default_factory=lambda: {r: [] for r in ROLES})
    review: list[PoolSentence] = field(default_factory=list)  # sentences of the shipped reviews
    section_labels: dict[str, list[str]] = field(default_factory=lambda: {r: [] for r in ROLES})
    table_columns: list[str] = field(default_factory=list)
    table_cells: dict[str, list[str]] = field(default_factory=dict)  # column -> cell texts
    references: list[Reference] = field(default_factory=list)
    surnames: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)

    def size(self) -> int:
        return sum(len(v) for v in self.sentences.values()) + len(self.review)


def role_of(label: str) -> str:
    words = label.lower().split()
    for w in words:
        if w in _ROLE_OF:
            return _ROLE_OF[w]
    return "methods"


def _add_builtin(pools: Pools, folder: Path) -> None:
    for source in corpus_sources(folder):
        doc = load_document(source.path, source.doc_id)
        glossary = tuple(doc.glossary.items())
        for b in doc.blocks:
            if b.kind == "paragraph":
                for s, e in sentence_spans(doc.text[b.start : b.end], b.start):
                    if e - s >= MIN_SENTENCE_CHARS:
                        pools.review.append(PoolSentence(_OWN_CITATION.sub("", doc.text[s:e]), glossary))
        pools.headings += [s.title for s in doc.sections[1:]
                           if s.title.lower() not in _GENERIC_HEADINGS and len(s.title) < 60]
        for table in doc.tables:
            pools.table_columns = pools.table_columns or list(table.columns)
            for row in table.rows:
                for cell in row.cells:
                    pools.table_cells.setdefault(cell.column, []).append(cell.text)
        for ref in doc.references:
            if ref.authors and ref.title and ref.journal:
                pools.references.append(Reference(list(ref.authors), ref.title, ref.journal))
                pools.surnames += [a.split()[0] for a in ref.authors if a.split() and a != "et al"]


def _add_pubmedqa(pools: Pools, path: Path) -> None:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            sections = record.get("sections", [])
            glossary = tuple(dict(definitions_in(" ".join(s["text"] for s in sections))).items())
            for section in sections:
                role = role_of(section["label"])
                pools.section_labels[role].append(section["label"])
                for s, e in sentence_spans(section["text"]):
                    if e - s >= MIN_SENTENCE_CHARS:
                        pools.sentences[role].append(PoolSentence(section["text"][s:e], glossary))


def load_pools(builtin: Path = BUILTIN_CORPUS, pubmedqa: Path | None = None) -> Pools:
    """Pools from the built-in corpus folder and, if given, PubMedQA's `abstracts.jsonl` (read only)."""
    pools = Pools()
    _add_builtin(pools, builtin)
    if pubmedqa is not None:
        _add_pubmedqa(pools, pubmedqa)
    for role in ROLES:  # without the abstracts, the reviews' own sentences serve every section
        if not pools.sentences[role]:
            pools.sentences[role] = list(pools.review)
        if not pools.section_labels[role]:
            pools.section_labels[role] = [role.capitalize()]
    pools.surnames = sorted(set(s for s in pools.surnames if s.isalpha() or "-" in s))
    return pools
