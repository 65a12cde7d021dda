"""The PubMedQA suite: the packaged data, the corpus builder (sections from the abstract's labels), and
`qa eval --suite pubmedqa` end to end on a few abstracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.store import load_corpus
from eval.pubmedqa import OUTER_SPLITS, folds
from eval.pubmedqa_data import ABSTRACTS, DEV, corpus_for, doc_id, load_abstracts, load_questions, write_corpus
from eval.pubmedqa_model import PubMedReport
from qa.cli import main


def test_the_package_carries_its_own_copy_with_the_attribution() -> None:
    readme = (ABSTRACTS.parent / "README.md").read_text(encoding="utf-8")
    assert "Jin et al" in readme and "MIT" in readme and "(c) 2019 PubMedQA" in readme
    assert "shared" not in str(ABSTRACTS.resolve().relative_to(Path(__file__).resolve().parents[2]))
    questions = load_questions()
    assert len(questions) == 500 and {q.decision for q in questions} == {"yes", "no", "maybe"}
    assert {q.pmid for q in questions} <= {a.pmid for a in load_abstracts()}
    assert DEV.stat().st_size < 1_000_000 and ABSTRACTS.stat().st_size < 4_000_000


def test_builder_writes_one_document_per_abstract_with_its_sections(tmp_path: Path) -> None:
    questions = load_questions(limit=3)
    abstracts = corpus_for(questions, load_abstracts(), 5)
    assert len(abstracts) == 5 and {q.pmid for q in questions} <= {a.pmid for a in abstracts}
    assert write_corpus(abstracts, tmp_path) == 5
    docs = {d.doc_id: d for d in load_corpus(tmp_path).documents}
    assert set(docs) == {doc_id(a.pmid) for a in abstracts}
    for a in abstracts:
        doc = docs[doc_id(a.pmid)]
        assert doc.meta.title == f"PubMed {a.pmid}"  # neutral: the real title is the question
        assert [s.title for s in doc.sections] == [s.label for s in a.sections]
        conclusion = doc.sections[-1]
        assert conclusion.title == "Conclusions"
        assert " ".join(a.sections[-1].text.split()) in doc.text[conclusion.start : conclusion.end]
    meta = json.loads((tmp_path / f"{doc_id(abstracts[0].pmid)}.meta.json").read_text(encoding="utf-8"))
    assert meta["title"].startswith("PubMed ") and "question" not in json.dumps(meta).lower()


def test_suite_runs_end_to_end_on_a_few_abstracts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    code = main(["eval", "--suite", "pubmedqa", "--limit", "2", "--corpus-size", "4", "--no-progress",
                 "--outer-splits", "2", "--out", str(out)])
    assert code == 0
    report = PubMedReport.model_validate_json((out / "report.json").read_text(encoding="utf-8"))
    assert report.metrics.questions == 2 and report.metrics.documents == 4 and len(report.results) == 2
    assert [r.fold for r in report.results] == [0, 1] and len(report.fold_thresholds) == 2
    # The second question (odd position) was asked again of the 3 other abstracts.
    assert report.metrics.asked_without_abstract == 1
    assert report.metrics.answered_without_abstract in (0.0, 1.0)
    # Each question kept to its own abstract, and to the other question's.
    assert report.metrics.answered_kept_to_own in (0.0, 0.5, 1.0)
    assert report.metrics.answered_kept_to_other in (0.0, 0.5, 1.0)
    for r in report.results:
        assert r.yes_no and r.latency_ms > 0
        assert r.doc_first <= r.doc_any and r.finding_cited <= r.doc_any
        assert (r.verdict is None) == (r.verdict_correct is None)
    # The verdict is measured over several outer splits; the first is the rows' own.
    splits = report.metrics.verdict_splits
    assert [s.split for s in splits] == [0, 1]
    assert splits[0].shown == sum(r.verdict is not None for r in report.results)
    assert splits[0].thresholds == report.fold_thresholds
    assert report.metrics.verdict_coverage_mean == pytest.approx(sum(s.coverage for s in splits) / len(splits),
                                                                 abs=1e-4)
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "right abstract cited first" in markdown and "cross-validated" in markdown
    printed = capsys.readouterr().out
    assert "verdict coverage (cross-validated)" in printed and "answered without its abstract" in printed
    assert "kept to its own abstract" in printed


def test_outer_splits_are_balanced_and_differ() -> None:
    splits = [folds(split, 500) for split in range(OUTER_SPLITS)]
    assert splits[0] == [i % 5 for i in range(500)]
    for fold in splits:
        assert sorted(fold.count(k) for k in range(5)) == [100] * 5
    assert len({tuple(f) for f in splits}) == OUTER_SPLITS and folds(1, 500) == splits[1]


def test_suite_options_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--suite", "pubmedqa", "--limit", "0"]) == 2
    assert main(["eval", "--suite", "pubmedqa", "--gate"]) == 2
    assert main(["eval", "--suite", "pubmedqa", "--outer-splits", "0"]) == 2
    assert main(["eval", "--limit", "3"]) == 2  # the builtin suite has no --limit
    assert main(["eval", "--outer-splits", "2"]) == 2
    assert "--limit" in capsys.readouterr().err
