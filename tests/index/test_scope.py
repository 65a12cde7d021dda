"""A search kept to some documents (`SearchIndex.scope`): only their chunks, ranked as the whole library's
search ranks them, through the exact path for a small scope and through FAISS's ID selector for a large one."""

from __future__ import annotations

import numpy as np
import pytest

from index.errors import NoDocumentInScope, UnknownDocuments
from index.lexical import tokenize
from index.scope import Scope
from index.search import SearchIndex
from index.vectors import build_vectors, search_vectors

SUMMARY = "msc-secretome-preterm-infants-summary"
REVIEW = "kersin-2021-breast-milk-stem-cells"
QUERIES = ["Which routes were used for BPD?", "intratracheal", "umbilical cord secretome potency",
           "What limits clinical use of the secretome?"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_a_scoped_search_returns_only_the_scopes_chunks(search_index: SearchIndex, mode: str) -> None:
    scope = search_index.scope([SUMMARY])
    for query in QUERIES:
        hits = search_index.search(query, 10, mode, scope=scope)
        assert all(h.chunk.doc_id == SUMMARY for h in hits), (query, mode)
        # The summary never says "intratracheal": BM25 finds nothing there, however much the review has.
        assert bool(hits) == (mode != "bm25" or query != "intratracheal"), (query, mode)
    # The question whose best passages are all in the review still finds the summary's best ones.
    unscoped = search_index.search("intratracheal", 3, mode)
    assert all(h.chunk.doc_id == REVIEW for h in unscoped)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_a_scope_of_every_document_searches_as_the_library_does(search_index: SearchIndex, mode: str) -> None:
    everything = search_index.scope([REVIEW, SUMMARY, REVIEW])  # a repeated id counts once
    for query in QUERIES:
        plain = search_index.search(query, 10, mode)
        scoped = search_index.search(query, 10, mode, scope=everything)
        assert [h.chunk.chunk_id for h in scoped] == [h.chunk.chunk_id for h in plain], (query, mode)
        # The same scores, up to float32 rounding (a scoped dense search reads the vectors another way).
        assert [h.score for h in scoped] == pytest.approx([h.score for h in plain], abs=1e-5), (query, mode)


def test_scoped_bm25_scores_are_the_librarys(search_index: SearchIndex) -> None:
    scope = search_index.scope([SUMMARY])
    tokens = tokenize("secretome production dosing preterm")
    full = dict(search_index.lexical.top(tokens, search_index.manifest.chunks))
    scoped = search_index.lexical.top(tokens, 50, scope.rows)
    assert scoped and all(full[row] == score for row, score in scoped)
    assert {row for row, _ in scoped} == {row for row in full if row in set(scope.rows.tolist())}


def test_unknown_documents_are_named(search_index: SearchIndex) -> None:
    with pytest.raises(UnknownDocuments) as caught:
        search_index.scope([SUMMARY, "no-such-paper", "another-one"])
    assert caught.value.doc_ids == ["no-such-paper", "another-one"]
    assert "no-such-paper" in str(caught.value) and "qa documents" in str(caught.value)


def _unit(rows: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("ranges", [((1000, 2400),), ((0, 300), (2500, 2900), (5100, 6000))])
def test_a_large_scope_is_searched_through_the_inverted_file(ranges: tuple[tuple[int, int], ...]) -> None:
    # `exact_scope=0` sends every scope to FAISS with the scope's selector (one range, or a bitmap), as a scope
    # above `EXACT_SCOPE_CHUNKS` chunks is sent.
    vectors = _unit(6000, 64, 1)
    index, params = build_vectors(vectors, "ivf", vectors[:200])
    assert params.kind == "ivf" and params.nprobe < params.nlist
    scope = Scope(frozenset({"a"}), ranges)
    inside = scope.rows
    queries = _unit(40, 64, 2)
    everything = params.model_copy(update={"nprobe": params.nlist})
    recalls = []
    for q in queries:
        truth = inside[np.argsort(-(vectors[inside] @ q), kind="stable")[:10]]
        exact_scores, exact_ids = search_vectors(index, params, vectors, q, 10, scope)  # small: scored exactly
        assert exact_ids.tolist() == truth.tolist()
        assert np.allclose(exact_scores, vectors[truth] @ q, atol=1e-5)
        probed_all = search_vectors(index, everything, vectors, q, 10, scope, exact_scope=0)[1]
        assert probed_all.tolist() == truth.tolist()
        found = search_vectors(index, params, vectors, q, 10, scope, exact_scope=0)[1]
        assert len(found) == 10 and np.isin(found, inside).all()
        recalls.append(len(set(found.tolist()) & set(truth.tolist())) / 10)
    # Probing more lists for a smaller share of the rows keeps the scope's recall near the library's.
    assert float(np.mean(recalls)) >= 0.98, np.mean(recalls)  # measured 1.0; 0.96 without the extra lists


def test_a_scope_by_years_keeps_the_documents_of_those_years(search_index: SearchIndex) -> None:
    # The review is of 2021; the summary gives no year, so a year bound leaves it out.
    assert search_index.scope(since=2021).doc_ids == {REVIEW}
    assert search_index.scope(until=2021, since=1990).doc_ids == {REVIEW}
    assert search_index.scope([REVIEW, SUMMARY], since=2000).doc_ids == {REVIEW}
    hits = search_index.search("umbilical cord secretome potency", 10, scope=search_index.scope(since=2021))
    assert hits and {h.chunk.doc_id for h in hits} == {REVIEW}
    with pytest.raises(NoDocumentInScope, match="no document in the library is from 2022 or later"):
        search_index.scope(since=2022)
    with pytest.raises(NoDocumentInScope, match="none of the named documents is from 2000-2030"):
        search_index.scope([SUMMARY], since=2000, until=2030)
    with pytest.raises(UnknownDocuments):
        search_index.scope(["no-such-paper"], since=2000)


def test_adjacent_documents_make_one_range(search_index: SearchIndex) -> None:
    both = search_index.scope([SUMMARY, REVIEW])
    assert len(both.ranges) == 1 and both.chunks == search_index.manifest.chunks
