"""Chunking: every chunk's text is exactly its span of the document, for any chunking settings."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.model import Document
from index.chunking import chunk_document
from index.model import ChunkingConfig
from index.search import SearchIndex


def test_offset_invariant_over_every_indexed_chunk(search_index: SearchIndex) -> None:
    chunks = list(search_index.iter_chunks())
    assert len(chunks) == search_index.manifest.chunks > 50
    for chunk in chunks:
        doc = search_index.documents[chunk.doc_id]
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip() == chunk.text and chunk.text
        units = search_index.units(list(range(*chunk.units)))
        assert units and all(chunk.start <= u.unit.start < chunk.end and u.unit.doc_id == chunk.doc_id
                             for u in units.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(min_value=100, max_value=3000), overlap=st.integers(min_value=0, max_value=4))
def test_offset_invariant_for_any_chunking(documents: dict[str, Document], size: int, overlap: int) -> None:
    for doc in documents.values():
        chunks = chunk_document(doc, ChunkingConfig(chunk_chars=size, overlap_sentences=overlap))
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert chunk.doc_id == doc.doc_id
        covered = {s.start for s in doc.sentences if any(c.start <= s.start < c.end for c in chunks)}
        assert covered == {s.start for s in doc.sentences}  # no sentence is lost


def test_kinds_sections_and_references(review: Document) -> None:
    chunks = chunk_document(review, ChunkingConfig())
    kinds = {c.kind for c in chunks}
    assert kinds == {"text", "table_row", "list", "reference"}
    rows = [c for c in chunks if c.kind == "table_row"]
    assert len(rows) == 11
    chang = next(c for c in rows if c.text.startswith("Chang et al. (39)"))
    assert "Study: Chang et al. (39). Phase / Route: Phase I clinical trial/ intratracheal." in chang.embed_text
    assert chang.references == [39]
    assert all(c.section for c in chunks)
    lists = [c for c in chunks if c.kind == "list"]
    assert any(c.text.startswith("The most accepted classifications are as follows (9):") for c in lists)
    assert len([c for c in chunks if c.kind == "reference"]) == 49


def test_window_size_is_respected(review: Document) -> None:
    config = ChunkingConfig(chunk_chars=300, overlap_sentences=0)
    texts = [c for c in chunk_document(review, config) if c.kind == "text"]
    # A window holds one sentence at least, and only goes past the size when that sentence alone does.
    for c in texts:
        sentences = [x for x in review.sentences if c.start <= x.start < c.end]
        assert sentences and (c.end - c.start <= 300 or len(sentences) == 1)
    assert any(c.end - c.start > 300 for c in texts)  # the review has sentences longer than 300 characters
    assert max(c.end - c.start for c in texts) < 1000
