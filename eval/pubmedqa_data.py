"""The PubMedQA external set shipped with the package, and the corpus folder built from its abstracts.

PubMedQA (Jin et al., EMNLP 2019; MIT licence, copyright (c) 2019 PubMedQA; see eval/data/pubmedqa/README.md):
1,000 labelled abstracts and the 500 dev questions asked of them. The abstracts become one markdown file each,
with every section label as a `##` heading (so the corpus layer sees Background, Methods, Results,
Conclusions as sections) and a sidecar whose title is neutral ("PubMed <pmid>"): the article's real title is
the question, and a title that repeated it would give the answer away to retrieval.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from eval.errors import EvalError

DATA_DIR = Path(__file__).parent / "data" / "pubmedqa"
ABSTRACTS = DATA_DIR / "abstracts.jsonl"
DEV = DATA_DIR / "dev.jsonl"
Decision = Literal["yes", "no", "maybe"]


class AbstractSection(BaseModel):
    label: str
    text: str


class Abstract(BaseModel):
    """One PubMed abstract: its labelled sections, the last of which is the conclusion."""

    pmid: str
    year: str | None = None
    meshes: list[str] = []
    sections: list[AbstractSection]


class PubMedQuestion(BaseModel):
    """A dev question: the article's title, the experts' yes/no/maybe decision and the abstract's conclusion."""

    pmid: str
    question: str
    decision: Decision
    long_answer: str


def _read_jsonl(path: Path) -> Iterable[dict]:
    if not path.is_file():
        raise EvalError(f"PubMedQA data file not found: {path}")
    # split on "\n" only: str.splitlines() would also break inside strings at U+2028 and the like
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc


def load_abstracts(path: Path = ABSTRACTS) -> list[Abstract]:
    try:
        return [Abstract.model_validate(row) for row in _read_jsonl(path)]
    except ValidationError as exc:
        raise EvalError(f"{path}: invalid abstract ({exc.errors()[0]['msg']})") from exc


def load_questions(path: Path = DEV, limit: int | None = None) -> list[PubMedQuestion]:
    """The dev questions in file order; the first `limit` when given."""
    try:
        rows = [PubMedQuestion.model_validate(row) for row in _read_jsonl(path)]
    except ValidationError as exc:
        raise EvalError(f"{path}: invalid question ({exc.errors()[0]['msg']})") from exc
    return rows[:limit] if limit is not None else rows


def doc_id(pmid: str) -> str:
    """The document id the corpus layer gives the file of an abstract (the slug of its file name)."""
    return f"pubmed-{pmid}"


def markdown(abstract: Abstract) -> str:
    """The abstract as markdown: one `##` heading per section label, the section's text as one paragraph."""
    parts = []
    for section in abstract.sections:
        label = " ".join(section.label.split()) or "Abstract"
        parts.append(f"## {label}\n\n{' '.join(section.text.split())}\n")
    return "\n".join(parts)


def write_corpus(abstracts: Iterable[Abstract], folder: Path) -> int:
    """Write one `pubmed-<pmid>.md` per abstract and its `.meta.json` sidecar into `folder`; returns the count."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for abstract in abstracts:
        name = doc_id(abstract.pmid)
        (folder / f"{name}.md").write_text(markdown(abstract), encoding="utf-8")
        year = int(abstract.year) if abstract.year and abstract.year.isdigit() else None
        meta = {"title": f"PubMed {abstract.pmid}", "year": year, "kind": "summary", "source": f"PMID {abstract.pmid}"}
        (folder / f"{name}.meta.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")
        count += 1
    return count


def corpus_for(questions: list[PubMedQuestion], abstracts: list[Abstract], size: int | None) -> list[Abstract]:
    """The abstracts to index: all of them, or (`size` given) the questions' own abstracts first, then others
    in file order up to `size`, so that a quick run still searches among distractors."""
    if size is None or size >= len(abstracts):
        return abstracts
    wanted = {q.pmid for q in questions}
    chosen = [a for a in abstracts if a.pmid in wanted]
    chosen += [a for a in abstracts if a.pmid not in wanted][: max(0, size - len(chosen))]
    return chosen
