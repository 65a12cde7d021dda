"""The `qa` command line as a user runs it: real processes, exit codes and messages, no tracebacks. The first
command runs the installed console script; the others fork from a process that has already imported the
libraries (`tests/forked.py`), each still a process of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from corpus.store import BUILTIN_CORPUS
from tests.forked import run_qa  # the other commands fork from a process that has the imports done


def run_installed_qa(*args: str) -> subprocess.CompletedProcess[str]:
    """The `qa` console script the package installs, in a fresh interpreter (about ten seconds of imports)."""
    qa = Path(sys.executable).parent / "qa"
    return subprocess.run([str(qa), *args], capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
                          timeout=600)


def test_index_then_search(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUILTIN_CORPUS, corpus)
    (corpus / "broken.pdf").write_bytes(b"not a pdf at all")
    out = run_installed_qa("index", "--corpus", str(corpus), "--index-dir", str(tmp_path / "idx"))
    assert out.returncode == 0, out.stderr
    assert "2 documents" in out.stdout and "chunks" in out.stdout
    assert "warning: skipped broken.pdf" in out.stderr
    again = run_qa("index", "--corpus", str(corpus), "--index-dir", str(tmp_path / "idx"))
    assert "up to date" in again.stdout

    found = run_qa("search", "intratracheal", "-k", "3", "--json", "--index-dir", str(tmp_path / "idx"))
    assert found.returncode == 0, found.stderr
    passages = json.loads(found.stdout)
    assert len(passages) == 3
    assert {"doc_id", "section", "kind", "start", "end", "references", "dense_rank", "bm25_rank"} <= set(passages[0])
    human = run_qa("search", "intratracheal", "--mode", "bm25", "--index-dir", str(tmp_path / "idx"))
    assert "Chang YS" in human.stdout and "table_row" in human.stdout
    listed = run_qa("documents", "--index-dir", str(tmp_path / "idx"))  # the unreadable file is not forgotten
    assert len(listed.stdout.splitlines()) == 2 and "not indexed: broken.pdf: not a readable PDF" in listed.stderr


def test_search_warns_when_the_corpus_changed_since_indexing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUILTIN_CORPUS, corpus)
    env = {"QA_CORPUS_DIR": str(corpus), "QA_UPLOAD_DIR": str(tmp_path / "uploads")}
    assert run_qa("index", "--index-dir", str(tmp_path / "idx"), env=env).returncode == 0
    fresh = run_qa("search", "intratracheal", "--index-dir", str(tmp_path / "idx"), env=env)
    assert fresh.returncode == 0 and "out of date" not in fresh.stderr
    (corpus / "note.md").write_text("# Note\n\nSurfactant was given to preterm infants.\n", encoding="utf-8")
    stale = run_qa("search", "intratracheal", "--index-dir", str(tmp_path / "idx"), env=env)
    assert stale.returncode == 0 and "Chang" in stale.stdout
    assert "out of date" in stale.stderr and "qa index" in stale.stderr


def test_an_index_named_alone_keeps_the_library_it_was_built_from(tmp_path: Path) -> None:
    corpus, index = tmp_path / "library", str(tmp_path / "idx")
    corpus.mkdir()
    findings = {"caffeine": "Caffeine reduced apnoea", "clamping": "Delayed clamping reduced transfusions",
                "kangaroo": "Skin-to-skin contact reduced hypothermia"}
    for name, finding in findings.items():
        (corpus / f"{name}.md").write_text(f"# {name}\n\n{finding} in preterm infants.\n", encoding="utf-8")
    env = {"QA_UPLOAD_DIR": str(tmp_path / "uploads")}
    assert run_qa("index", "--corpus", str(corpus), "--index-dir", index, env=env).returncode == 0
    # Before, naming only the index compared it with (and `qa index` rebuilt it from) the built-in reviews.
    again = run_qa("index", "--index-dir", index, env=env)
    assert again.returncode == 0 and "up to date: 3 documents" in again.stdout, again.stdout + again.stderr
    found = run_qa("search", "hypothermia", "-k", "1", "--index-dir", index, env=env)
    assert "kangaroo" in found.stdout and "out of date" not in found.stderr
    corpus.rename(tmp_path / "moved")
    gone = run_qa("search", "hypothermia", "-k", "1", "--index-dir", index, env=env)
    assert gone.returncode == 0 and "kangaroo" in gone.stdout and "is gone" in gone.stderr
    refused = run_qa("index", "--index-dir", index, env=env)
    assert refused.returncode == 2 and str(corpus) in refused.stderr and "--corpus" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    missing = run_qa("index", "--corpus", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "idx"))
    assert missing.returncode == 2 and "corpus folder not found" in missing.stderr
    assert "Traceback" not in missing.stderr
    empty = run_qa("search", "   ", "--index-dir", str(tmp_path / "idx"))
    assert empty.returncode == 2 and "empty" in empty.stderr
    no_index = run_qa("search", "stem cells", "--index-dir", str(tmp_path / "idx"))
    assert no_index.returncode == 2 and "qa index" in no_index.stderr and "Traceback" not in no_index.stderr


def test_ask_prints_answer_and_sources_or_json(index_dir: Path) -> None:
    human = run_qa("ask", "Which routes were used for BPD?", "--index-dir", str(index_dir))
    assert human.returncode == 0, human.stderr
    assert "intratracheal" in human.stdout and "Sources:" in human.stdout and "J Pediatr 2014" in human.stdout
    follow = run_qa("ask", "And for IVH?", "--history", "Which routes were used for BPD?", "--json",
                    "--index-dir", str(index_dir))
    answer = json.loads(follow.stdout)
    assert {"question", "answer", "answered", "citations", "related", "timings_ms"} <= set(answer)
    assert answer["answered"] and "intraventricular" in answer["answer"]
    too_long = run_qa("ask", "x" * 2001, "--index-dir", str(index_dir))
    assert too_long.returncode == 2 and "2000" in too_long.stderr and "Traceback" not in too_long.stderr
    missing = run_qa("ask", "What is NEC?", "--index-dir", str(index_dir.parent / "nowhere"))
    assert missing.returncode == 2 and "qa index" in missing.stderr


def test_a_reader_that_stops_early_gets_no_traceback(index_dir: Path) -> None:
    """`qa ask ... | head -3`: the pipe closes before the answer is printed; the command stops quietly."""
    qa = Path(sys.executable).parent / "qa"
    proc = subprocess.Popen([str(qa), "ask", "Which routes were used for BPD?", "--index-dir", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the first line: every write meets a broken pipe
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 1 and "Traceback" not in err and "BrokenPipe" not in err, err


def test_documents_are_listed_and_a_question_kept_to_some(index_dir: Path) -> None:
    summary, where = "msc-secretome-preterm-infants-summary", ("--index-dir", str(index_dir))
    listed = run_qa("documents", *where)
    assert listed.returncode == 0, listed.stderr
    ids = [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert sorted(ids) == ["kersin-2021-breast-milk-stem-cells", summary]
    assert "2021\tBreast milk stem cells" in listed.stdout
    assert [d["doc_id"] for d in json.loads(run_qa("documents", "--json", *where).stdout)] == ids
    kept = json.loads(run_qa("ask", "Which routes were used for BPD?", "--doc", summary, "--json", *where).stdout)
    assert kept["related"] and {p["doc_id"] for p in kept["citations"] + kept["related"]} == {summary}
    found = run_qa("search", "intratracheal", "--mode", "dense", "--doc", summary, *where)
    heads = [line for line in found.stdout.splitlines() if line[:1].isdigit()]
    assert heads and all(f"[{summary}, " in line for line in heads), found.stdout
    recent = json.loads(run_qa("search", "umbilical cord", "--since", "2021", "-k", "10", "--json", *where).stdout)
    assert recent and {p["doc_id"] for p in recent} == {"kersin-2021-breast-milk-stem-cells"}
    older = run_qa("ask", "Which routes were used for BPD?", "--until", "2020", *where)
    assert older.returncode == 2 and "no document in the library is from 2020 or earlier" in older.stderr
    unknown = run_qa("ask", "Which routes were used for BPD?", "--doc", "nope", *where)
    assert unknown.returncode == 2 and "no document nope" in unknown.stderr and "qa documents" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_chat_keeps_the_conversation_and_its_documents(index_dir: Path) -> None:
    summary = "msc-secretome-preterm-infants-summary"
    typed = "\n".join(["Which routes were used for BPD?", "And for IVH?", "", "x" * 2001, "/doc nope",
                       f"/doc {summary}", "Which routes were used for BPD?", "/doc", "/new", "And for IVH?",
                       "/quit", "Which routes were used for NEC?"]) + "\n"
    chat = run_qa("chat", "--index-dir", str(index_dir), stdin=typed)
    assert chat.returncode == 0, chat.stderr
    out = chat.stdout
    assert out.startswith("neoqa: 2 documents.") and "Traceback" not in chat.stderr
    bpd, ivh, rest = out.split("Sources:", 2)[0], *out.split("Sources:", 2)[1:]
    assert "intratracheal" in bpd
    assert "(read as: Which routes were used for IVH?)" in ivh and "intraventricular" in ivh  # the follow-up
    assert "error: the question is 2001 characters long" in rest
    assert "error: the library has no document nope" in rest
    kept = rest.split(f"(new conversation, answers kept to {summary})")[1].split("(new conversation")[0]
    assert kept.strip() and "intratracheal" not in kept
    # After /new, "And for IVH?" has no conversation to read: it is not read as a question about routes.
    assert out.count("(read as:") == 1
    assert out.count("Sources:") == 4 and "NEC: " not in out  # nothing is asked after /quit
    unknown = run_qa("chat", "--doc", "nope", "--index-dir", str(index_dir), stdin="x\n")
    assert unknown.returncode == 2 and "no document nope" in unknown.stderr
