"""Turn index hits and spans into `Passage`s with titles and resolved references."""

from __future__ import annotations

from corpus.model import Document, DocumentHead
from index.lookups import Lookups
from index.model import SearchHit
from index.search import SearchIndex
from qa.model import LibraryDocument, Passage


def reference_texts(doc: Document | DocumentHead, numbers: list[int]) -> list[str]:
    out = []
    for n in numbers:
        ref = doc.reference(n)
        if ref is not None:
            out.append(f"[{n}] {ref.text}")
    return out


def library_documents(lookups: Lookups, doc: Document | DocumentHead, numbers: list[int]) -> list[LibraryDocument]:
    """The other documents of the library that `doc`'s bibliography entries `numbers` name by their title (what
    each entry may name is kept at build time, `index.lexical.entry_title_keys`; the titles are matched now, so
    a study added after the review is found)."""
    return [LibraryDocument(reference_number=n, doc_id=cited, title=title)
            for n, cited, title in lookups.cited_documents(doc.doc_id, numbers)]


def make_passage(doc: Document | DocumentHead, start: int, end: int, kind: str, section: str, score: float,
                 dense_rank: int | None = None, bm25_rank: int | None = None, lookups: Lookups | None = None
                 ) -> Passage:
    """The span as a `Passage`, with the bibliography entries it cites and, given the index's `lookups`, the
    documents of the library those entries are."""
    numbers = doc.cited_numbers(start, end)
    if kind == "reference":
        numbers = [r.number for r in doc.references if r.start == start]
    return Passage(doc_id=doc.doc_id, title=doc.meta.title, section=section, kind=kind, start=start, end=end,
                   text=doc.text[start:end], score=round(float(score), 4), dense_rank=dense_rank,
                   bm25_rank=bm25_rank, reference_numbers=numbers, references=reference_texts(doc, numbers),
                   library_documents=library_documents(lookups, doc, numbers) if lookups and numbers else [])


def passages_for_hits(index: SearchIndex, hits: list[SearchHit]) -> list[Passage]:
    out = []
    for hit in hits:
        c = hit.chunk
        out.append(make_passage(index.documents.head(c.doc_id), c.start, c.end, c.kind, c.section, hit.score,
                                hit.dense_rank, hit.bm25_rank, index.lookups))
    return out
