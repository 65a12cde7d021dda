"""Retrieval sanity on the real model and index."""

from __future__ import annotations

from index.glossary import QUERY_EXPANSION_CHARS
from index.lexical import tokenize
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


def test_bm25_top_k_is_bm25s_own_ranking(search_index: SearchIndex) -> None:
    # The top-k is taken among the scoring chunks only (fast on a million mostly-zero scores); it must be
    # exactly what bm25s' own `retrieve` ranks, scores and order included.
    lexical = search_index.lexical
    retriever = lexical.retriever
    retriever.unique_token_ids_set = range(len(retriever.scores["indptr"]) - 1)  # ids only, no vocabulary loaded
    for question in ("intratracheal mesenchymal stem cells for bronchopulmonary dysplasia", "exosomes NEC rats",
                     "cells cells cells", "hypoxic ischemic encephalopathy neonatal mice"):
        tokens = tokenize(question)
        known = lexical.token_ids(tokens)
        ids = [known[t] for t in tokens if t in known]
        rows, scores = retriever.retrieve([ids], k=20, show_progress=False, n_threads=0)
        theirs = [(int(r), round(float(s), 5)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
        ours = [(r, round(s, 5)) for r, s in lexical.top(tokens, 20)]
        assert [s for _, s in ours] == [s for _, s in theirs] and len(ours) == len(theirs) > 0
        assert {r for r, _ in ours} == {r for r, _ in theirs} or ours[-1][1] == theirs[-1][1]  # ties at the cut


def test_a_question_expansion_is_bounded(search_index: SearchIndex) -> None:
    g = search_index.glossary
    question = "BPD, NEC, IVH, HIE, MSC, EV, ROP, PDA and CP in preterm infants"
    full = g.expand(question)
    for limit in (0, 20, 60, QUERY_EXPANSION_CHARS):
        capped = g.expand(question, limit)
        assert capped.startswith(question) and len(capped) - len(question) <= limit
        assert full.startswith(capped)  # the same forms in the same order, cut at the limit
    assert len(full) - len(question) > 60  # the limits above did cut


def test_document_terms_are_the_terms_of_its_chunks_but_the_bibliography(search_index: SearchIndex) -> None:
    # Read from BM25's postings; the same as reading every chunk of the document (its bibliography excepted).
    question = tokenize("intratracheal mesenchymal stem cells bronchopulmonary dysplasia zebrafish Chang Pediatrics")
    docs = list(search_index.documents)
    held = search_index.document_terms(docs, question)
    only_cited: set[str] = set()
    for doc in docs:
        chunks = search_index.chunks(list(range(*_chunk_rows(search_index, doc))))
        prose = {t for c in chunks.values() if c.kind != "reference" for t in _chunk_tokens(search_index, c.chunk_id)}
        bibliography = {t for c in chunks.values() if c.kind == "reference"
                        for t in _chunk_tokens(search_index, c.chunk_id)}
        assert held[doc].held == prose & set(question), doc
        assert held[doc].chunks == sum(c.kind != "reference" for c in chunks.values())
        only_cited.update((bibliography - prose) & set(question))
    assert only_cited, "the question should name a word only a bibliography holds"
    assert "zebrafish" not in set().union(*(h.held for h in held.values()))  # no review mentions it


def _chunk_rows(index: SearchIndex, doc_id: str) -> tuple[int, int]:
    lo, hi = index.store.query("SELECT chunk_lo, chunk_hi FROM documents WHERE doc_id = ?", (doc_id,))[0]
    return int(lo), int(hi)


def _chunk_tokens(index: SearchIndex, chunk_id: str) -> list[str]:
    return str(index.store.query("SELECT tokens FROM chunks WHERE chunk_id = ?", (chunk_id,))[0][0]).split()
