"""The stance encoder's out-of-fold probabilities on PubMedQA dev: what `eval/fit_stance.py` weighs it by.

Fine-tuning an encoder takes minutes (`eval/fit_stance_encoder.py`), too long to refit inside every fold of
every fit; so its fit writes, per dev question, the mean probabilities of encoders that never saw the question,
on the findings the engine cited for it (`eval/data/pubmedqa/stance_encoder_oof.jsonl`), with a digest of those
findings. A question whose findings have changed since (a new collection of citations) has no usable row: the
fits and the suite treat it as read by no encoder, and say how many there are.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from eval.errors import EvalError
from eval.pubmedqa_data import DATA_DIR

OOF_FILE = DATA_DIR / "stance_encoder_oof.jsonl"


class EncoderRow(BaseModel):
    pmid: str
    findings: str  # `findings_digest` of what was judged
    probs: list[float]  # P(yes), P(no), P(maybe)
    unrelated: str | None = None  # pmid of the paper whose conclusion it read as unrelated (`eval/stance_unrelated.py`)
    unrelated_probs: list[float] | None = None  # its probabilities on that conclusion


def findings_digest(findings: list[str]) -> str:
    """What the encoder judged for a question: its cited findings, in order."""
    return hashlib.sha256("\n".join(findings).encode()).hexdigest()[:16]


def write_rows(rows: list[EncoderRow], path: Path = OOF_FILE) -> None:
    path.write_text("".join(json.dumps(r.model_dump()) + "\n" for r in rows), encoding="utf-8")


def load_rows(path: Path = OOF_FILE) -> dict[str, EncoderRow]:
    """Rows by pmid; none when the file is absent (no encoder fitted yet)."""
    if not path.is_file():
        return {}
    try:
        rows = [EncoderRow.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    except ValidationError as exc:
        raise EvalError(f"{path}: invalid row ({exc.errors()[0]['msg']})") from exc
    return {r.pmid: r for r in rows}


def probabilities_for(rows: dict[str, EncoderRow], pmid: str, findings: list[str]) -> list[float] | None:
    """The stored probabilities when they were read on exactly these findings."""
    row = rows.get(pmid)
    return row.probs if row is not None and findings and row.findings == findings_digest(findings) else None
