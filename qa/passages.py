"""Turn index hits and spans into `Passage`s with titles and resolved references."""

from __future__ import annotations

from corpus.model import Document, DocumentHead
from index.model import SearchHit
from index.search import SearchIndex
from qa.model import Passage


def reference_texts(doc: Document | DocumentHead, numbers: list[int]) -> list[str]:
    out = []
    for n in numbers:
        ref = doc.reference(n)
        if ref is not None:
            out.append(f"[{n}] {ref.text}")
    return out


def make_passage(doc: Document | DocumentHead, start: int, end: int, kind: str, section: str, score: float,
                 dense_rank: int | None = None, bm25_rank: int | None = None) -> Passage:
    numbers = doc.cited_numbers(start, end)
    if kind == "reference":
        numbers = [r.number for r in doc.references if r.start == start]
    return Passage(doc_id=doc.doc_id, title=doc.meta.title, section=section, kind=kind, start=start, end=end,
                   text=doc.text[start:end], score=round(float(score), 4), dense_rank=dense_rank,
                   bm25_rank=bm25_rank, reference_numbers=numbers, references=reference_texts(doc, numbers))


def passages_for_hits(index: SearchIndex, hits: list[SearchHit]) -> list[Passage]:
    out = []
    for hit in hits:
        c = hit.chunk
        out.append(make_passage(index.documents.head(c.doc_id), c.start, c.end, c.kind, c.section, hit.score,
                                hit.dense_rank, hit.bm25_rank))
    return out
