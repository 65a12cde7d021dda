"""What the engine cites for each PubMedQA dev question: the training data of the stance model.

At answer time the stance model judges the findings the engine cites (Results and Conclusions sentences of the
abstract it retrieved, sometimes of another one), not the abstract's own conclusion paragraph (only the stance
encoder reads a quoted conclusion sentence with the rest of its paragraph); a model fitted on conclusions
judges a different text than the one it meets. So the model is fitted on what the engine
cites: `collect` asks the engine every dev question over the 1,000-abstract index and keeps, per question,
the findings `qa.verdict.finding_citations` keeps, in answer order, each with the conclusion paragraph it
quotes (what the stance encoder reads in its place). The collection is stored in
`eval/data/pubmedqa/cited.jsonl` (written by `python -m eval.fit_stance --collect`), so that fitting does not
need an index; the PubMedQA suite refits on what it collects itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ValidationError
from tqdm import tqdm

from eval.errors import EvalError
from eval.pubmedqa_data import DATA_DIR, DEV, Decision, PubMedQuestion, load_questions
from eval.stance_encoder_oof import load_rows, probabilities_for
from eval.stance_fit import Example
from eval.stance_unrelated import as_findings
from qa.engine import VERDICT_TOPICALITY, AnswerEngine
from qa.model import Answer
from qa.stance import is_concluding
from qa.verdict import encoder_reading, judged_findings

CITED = DATA_DIR / "cited.jsonl"


class CitedFinding(BaseModel):
    doc_id: str
    section: str
    text: str
    conclusion: str | None = None  # the conclusion paragraph `text` quotes (`qa.verdict.quoted_conclusion`)


class CitedAnswer(BaseModel):
    """One dev question with its decision and the findings the engine cited (empty when it did not answer, or
    answered from a paper not about the question)."""

    pmid: str
    question: str
    decision: Decision
    findings: list[CitedFinding]


def settles(answer: Answer) -> bool:
    """Whether the engine would draw a verdict from `answer`'s findings: it answered from papers likely enough
    to be about the question (`qa.engine.VERDICT_TOPICALITY`)."""
    return answer.answered and answer.about_question and answer.topicality >= VERDICT_TOPICALITY


def cited_answer(question: PubMedQuestion, answer: Answer, conclusions: Mapping[int, str] | None = None
                 ) -> CitedAnswer:
    """The findings `answer` cites, as the verdict sees them (by marker, with the conclusion paragraph each quotes:
    `AnswerEngine.conclusions`); none when the best paper is not likely enough to be about the question: the
    engine draws no verdict from those (`qa.engine.VERDICT_TOPICALITY`), so they teach it nothing."""
    judged = settles(answer)
    return CitedAnswer(pmid=question.pmid, question=question.question, decision=question.decision,
                       findings=[CitedFinding(doc_id=c.doc_id, section=c.section, text=c.text,
                                              conclusion=(conclusions or {}).get(c.marker))
                                 for c in (judged_findings(answer.citations) if judged else [])])


def collect(engine: AnswerEngine, questions: list[PubMedQuestion], progress: bool = True) -> list[CitedAnswer]:
    """Ask every question and keep its cited findings."""
    rows = []
    for q in tqdm(questions, desc="collect citations", unit="q", disable=not progress):
        answer = engine.ask(q.question)
        rows.append(cited_answer(q, answer, engine.conclusions(answer.citations)))
    return rows


def reading(found: list[CitedFinding]) -> list[str]:
    """What the stance encoder reads of these findings (`qa.verdict.encoder_reading`)."""
    return encoder_reading([f.text for f in found], [f.conclusion for f in found])


def write_cited(rows: list[CitedAnswer], path: Path = CITED) -> None:
    path.write_text("".join(json.dumps(r.model_dump(), ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def load_cited(path: Path = CITED) -> list[CitedAnswer]:
    """The stored collection, in dev order."""
    if not path.is_file():
        raise EvalError(f"no collected citations at {path}: run python -m eval.fit_stance --collect")
    try:
        return [CitedAnswer.model_validate_json(line) for line in path.read_text(encoding="utf-8").split("\n")
                if line.strip()]
    except ValidationError as exc:
        raise EvalError(f"{path}: invalid row ({exc.errors()[0]['msg']})") from exc


def examples(questions: list[PubMedQuestion], cited: dict[str, CitedAnswer]) -> list[Example]:
    """One training example per question: its conclusion, its cited findings by pmid (none when `cited` lacks
    the question), the stance encoder's out-of-fold probabilities on them when stored for these findings, and the
    unrelated conclusion the encoder read for it (`eval/stance_unrelated.py`) with its probabilities on that."""
    read = load_rows()
    conclusion_of = {q.pmid: q.long_answer for q in load_questions(DEV)}
    out = []
    for q in questions:
        found = cited[q.pmid].findings if q.pmid in cited else []
        texts = [f.text for f in found]
        flags = [is_concluding(f.section, f.text) for f in found]
        row = read.get(q.pmid)
        other = conclusion_of.get(row.unrelated or "") if row is not None and row.unrelated_probs else None
        out.append(Example(q.question, q.long_answer, texts, q.decision, flags,
                           probabilities_for(read, q.pmid, reading(found)),
                           as_findings(other) if other else None, row.unrelated_probs if other and row else None))
    return out
