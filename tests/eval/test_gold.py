"""The gold set is well-formed and anchored in the corpus: every evidence quote is in the cleaned text."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from corpus.model import Document
from eval.answers import normalize
from eval.errors import GoldError
from eval.gold import REQUIRED_KINDS, GoldItem, load_gold, locate_evidence, locate_quote, split_digest

MIN_QUESTIONS = 80
MIN_PER_KIND = 3
MIN_UNANSWERABLE = 15
# The test split is fixed: reshuffling it would make reports incomparable. If questions are added or moved on
# purpose, update this digest (sha256 of the sorted test ids joined by ",").
TEST_IDS_SHA256 = "c948d8e370a93f5a310c131f84669a345e3b32085aae3b007ff66e0c4a50651b"
# The test split's content is frozen too (questions, history, facts, evidence, answerability, kind): a test
# question reworded to suit the engine would no longer measure it. Changing it on purpose means a new digest
# here and reporting on the new split from scratch.
TEST_CONTENT_SHA256 = "c56010fd44c60ba8c171ea621f744fe0d2f1237b995459fa44b91d133e51a066"


@pytest.fixture(scope="module")
def gold() -> list[GoldItem]:
    return load_gold()


def test_size_ids_and_kinds(gold: list[GoldItem]) -> None:
    assert len(gold) >= MIN_QUESTIONS
    ids = [item.id for item in gold]
    assert len(ids) == len(set(ids)), "ids must be unique"
    kinds: Counter[str] = Counter(item.kind for item in gold)
    thin = {k: kinds[k] for k in REQUIRED_KINDS if kinds[k] < MIN_PER_KIND}
    assert not thin, f"kinds with fewer than {MIN_PER_KIND} questions: {thin}"
    assert kinds["unanswerable"] >= MIN_UNANSWERABLE
    assert sum(not item.answerable for item in gold) == kinds["unanswerable"]


def test_both_splits_cover_every_kind(gold: list[GoldItem]) -> None:
    for split in ("dev", "test"):
        kinds = {item.kind for item in gold if item.split == split}
        assert kinds == set(REQUIRED_KINDS), f"{split} split lacks {set(REQUIRED_KINDS) - kinds}"
    assert load_gold(split="dev") + load_gold(split="test") == sorted(gold, key=lambda i: i.split)


def test_split_is_fixed(gold: list[GoldItem]) -> None:
    test_ids = ",".join(sorted(item.id for item in gold if item.split == "test"))
    digest = hashlib.sha256(test_ids.encode()).hexdigest()
    assert digest == TEST_IDS_SHA256, (
        f"the test split changed (now {digest}); if on purpose, update the digest in this test"
    )


def test_test_split_content_is_frozen(gold: list[GoldItem]) -> None:
    digest = split_digest(gold, "test")
    assert digest == TEST_CONTENT_SHA256, f"the test split's content changed (now {digest})"
    # The digest reads content, not only ids: a reworded fact changes it; a dev item changes nothing.
    test_item = next(i for i in gold if i.split == "test" and i.facts)
    reworded = test_item.model_copy(update={"facts": [*test_item.facts, ["another fact"]]})
    assert split_digest([reworded if i is test_item else i for i in gold], "test") != digest
    dev_item = next(i for i in gold if i.split == "dev")
    changed = dev_item.model_copy(update={"question": dev_item.question + " (reworded)"})
    assert split_digest([changed if i is dev_item else i for i in gold], "test") == digest


def test_every_evidence_quote_is_in_the_corpus(gold: list[GoldItem], documents: dict[str, Document]) -> None:
    missing = [(item.id, quote) for item in gold
               for quote, where in zip(item.evidence, locate_evidence(item, documents), strict=True)
               if not where]
    assert not missing, "evidence quotes not found in the cleaned corpus text:\n" + "\n".join(
        f"{qid}: {quote!r}" for qid, quote in missing)


def test_quote_locations_are_exact(gold: list[GoldItem], documents: dict[str, Document]) -> None:
    for item in gold:
        for quote, where in zip(item.evidence, locate_evidence(item, documents), strict=True):
            for span in where:
                assert documents[span.doc_id].text[span.start : span.end] == quote


def test_every_fact_is_in_its_evidence(gold: list[GoldItem]) -> None:
    # An extractive system can only say what the evidence says: each fact must be findable in a quote.
    bad = [(item.id, alternatives) for item in gold for alternatives in item.facts
           if not any(normalize(a) in normalize(" ".join(item.evidence)) for a in alternatives)]
    assert not bad, f"facts not found in their evidence quotes: {bad}"


def test_follow_ups_have_history(gold: list[GoldItem]) -> None:
    for item in gold:
        if item.kind == "follow_up":
            assert item.history and item.history[0].role == "user", item.id
        assert all(turn.role in ("user", "assistant") for turn in item.history), item.id


def test_locate_quote_finds_every_occurrence(review: Document) -> None:
    spans = locate_quote("stem cell", {review.doc_id: review})
    assert len(spans) == review.text.count("stem cell") > 1
    assert locate_quote("no such words anywhere", {review.doc_id: review}) == []


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


GOOD = {"id": "x1", "question": "What?", "history": [], "answerable": True, "facts": [["a"]],
        "evidence": ["a b"], "kind": "factoid", "split": "dev"}


@pytest.mark.parametrize(("row", "message"), [
    ({**GOOD, "facts": []}, "needs at least one fact"),
    ({**GOOD, "answerable": False}, "no facts and no evidence"),
    ({**GOOD, "kind": "unanswerable"}, "go together"),
    ({**GOOD, "kind": "trivia"}, "kind"),
    ({**GOOD, "split": "train"}, "split"),
    ({**GOOD, "extra": 1}, "extra"),
])
def test_invalid_items_are_refused_with_their_line(tmp_path: Path, row: dict[str, object],
                                                   message: str) -> None:
    path = _write(tmp_path, [GOOD | {"id": "x0"}, row])
    with pytest.raises(GoldError, match=message) as err:
        load_gold(path)
    assert ":2:" in str(err.value)


def test_duplicate_ids_and_bad_json_are_refused(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="duplicate id 'x1'"):
        load_gold(_write(tmp_path, [GOOD, GOOD]))
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": \n', encoding="utf-8")
    with pytest.raises(GoldError, match="not valid JSON"):
        load_gold(path)
    with pytest.raises(GoldError, match="not found"):
        load_gold(tmp_path / "nope.jsonl")
