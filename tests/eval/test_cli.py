"""`qa eval` as a command: arguments, the files it writes, the gate's exit code and clear errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from eval.cli import run
from eval.model import Report
from index.search import SearchIndex
from qa.cli import build_parser, main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["eval", "--no-progress", *argv])


def test_writes_json_markdown_and_plots(tmp_path: Path, search_index: SearchIndex,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    assert run(_args("--split", "test", "--out", str(out), "-k", "5"), index=search_index) == 0
    report = Report.model_validate_json((out / "report.json").read_text(encoding="utf-8"))
    assert report.meta.split == "test" and report.gate is not None
    assert all(r.split == "test" for r in report.results)
    markdown = (out / "report.md").read_text(encoding="utf-8")
    headings = ("## Overall", "## Gate", "## Per kind (engine)", "## Worst 10 questions (engine)", "## Timings")
    for heading in headings:
        assert heading in markdown
    for png in ("recall_at_k.png", "per_kind.png"):
        assert (out / png).read_bytes()[:8] == PNG_MAGIC and f"]({png})" in markdown
    printed = capsys.readouterr().out
    assert "hybrid" in printed and "engine" in printed and "report.md" in printed and "gate" in printed


def test_dev_split_has_no_gate(tmp_path: Path, search_index: SearchIndex) -> None:
    assert run(_args("--split", "dev", "--out", str(tmp_path), "--systems", "bm25"), index=search_index) == 0
    report = Report.model_validate_json((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report.gate is None and list(report.overall) == ["bm25"]
    assert {r.split for r in report.results} == {"dev"}
    assert (tmp_path / "recall_at_k.png").exists() and not (tmp_path / "per_kind.png").exists()


def test_gate_exit_code_follows_the_thresholds(tmp_path: Path, search_index: SearchIndex,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    strict = tmp_path / "strict.toml"
    strict.write_text("[engine]\nkey_fact_recall = 1.01\n", encoding="utf-8")
    args = _args("--split", "test", "--out", str(tmp_path / "r"), "--gate", "--thresholds", str(strict),
                 "--systems", "engine")
    assert run(args, index=search_index) == 1
    assert "key_fact_recall" in capsys.readouterr().out
    lenient = tmp_path / "lenient.toml"
    lenient.write_text("[engine]\nkey_fact_recall = 0.0\n", encoding="utf-8")
    args = _args("--split", "test", "--out", str(tmp_path / "r"), "--gate", "--thresholds", str(lenient),
                 "--systems", "engine")
    assert run(args, index=search_index) == 0
    saved = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert list(saved["overall"]) == ["engine"] and saved["gate"]["failures"] == []


@pytest.mark.parametrize(("argv", "message"), [
    (["--gold", "/nonexistent/gold.jsonl"], "gold file not found"),
    (["--split", "dev", "--gate"], "--gate applies"),
    (["-k", "0"], "-k must be between 1 and 20"),
    (["--thresholds", "/nonexistent.toml"], "cannot read thresholds"),
])
def test_bad_input_is_a_one_line_error(argv: list[str], message: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_system_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["eval", "--systems", "bm25,gpt"])
    assert "subset of bm25,dense,hybrid,engine" in capsys.readouterr().err
