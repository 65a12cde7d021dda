"""Retrieval sanity on the real model and index."""

from __future__ import annotations

from index.search import SearchIndex


def test_intratracheal_finds_the_chang_table_row(search_index: SearchIndex) -> None:
    hits = search_index.search("intratracheal", 3)
    assert any(h.chunk.kind == "table_row" and h.chunk.text.startswith("Chang et al. (39)") for h in hits)


def test_hits_report_both_rankings(search_index: SearchIndex) -> None:
    hits = search_index.search("intranasal stem cells for bronchopulmonary dysplasia", 10)
    assert any(h.dense_rank is not None and h.bm25_rank is not None for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_paraphrase_with_little_word_overlap(search_index: SearchIndex) -> None:
    # The passage says: "stem cells in breast milk could pass through the infant gastrointestinal system".
    hits = search_index.search("Do maternal cells transferred through nursing end up in the offspring's tissues?",
                               5, "dense")
    assert any("could pass through the infant gastrointestinal system" in h.chunk.text for h in hits)
    # The summary says: "... support tissue repair without the risks of live-cell therapy".
    hits = search_index.search("Can secretions from stem cells avoid the dangers of transplanting living cells?", 3)
    assert any("without the risks of live-cell therapy" in h.chunk.text for h in hits)


def test_abbreviations_expand_both_ways(search_index: SearchIndex) -> None:
    g = search_index.glossary
    assert "bronchopulmonary dysplasia" in g.expand("routes for BPD")
    assert "BPD" in g.expand("bronchopulmonary dysplasia trials")
    by_short = {h.chunk.chunk_id for h in search_index.search("BPD", 10, "bm25")}
    by_long = {h.chunk.chunk_id for h in search_index.search("bronchopulmonary dysplasia", 10, "bm25")}
    assert len(by_short & by_long) >= 7
