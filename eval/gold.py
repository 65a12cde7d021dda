"""The gold question set: a typed loader for `gold.jsonl` and where each evidence quote lies in the corpus."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corpus.model import Document
from eval.errors import GoldError
from qa.model import Turn

DEFAULT_GOLD = Path(__file__).parent / "gold.jsonl"

Kind = Literal[
    "factoid", "number", "list", "table", "negative", "definition", "paraphrase", "cross_document",
    "follow_up", "citation", "unanswerable",
]
Split = Literal["dev", "test"]
SplitChoice = Literal["dev", "test", "all"]
REQUIRED_KINDS: tuple[str, ...] = get_args(Kind)


class GoldItem(BaseModel):
    """One gold question with the facts a good answer contains and the corpus quotes that support them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    question: str = Field(min_length=1)
    history: list[Turn] = Field(default_factory=list, description="Earlier turns, for follow-up questions.")
    answerable: bool
    facts: list[list[str]] = Field(
        default_factory=list, description="Each fact is a list of acceptable alternatives (case-insensitive)."
    )
    evidence: list[str] = Field(default_factory=list, description="Exact quotes of the cleaned corpus text.")
    kind: Kind
    split: Split

    @model_validator(mode="after")
    def _consistent(self) -> GoldItem:
        if self.answerable and (not self.facts or not self.evidence):
            raise ValueError("an answerable question needs at least one fact and one evidence quote")
        if not self.answerable and (self.facts or self.evidence):
            raise ValueError("an unanswerable question has no facts and no evidence")
        if (self.kind == "unanswerable") == self.answerable:
            raise ValueError("kind 'unanswerable' and answerable=false go together")
        if any(not alternatives or not all(a.strip() for a in alternatives) for alternatives in self.facts):
            raise ValueError("every fact needs at least one non-empty alternative")
        if any(not quote.strip() for quote in self.evidence):
            raise ValueError("evidence quotes must not be empty")
        return self


class EvidenceSpan(BaseModel):
    """Where an evidence quote occurs: `documents[doc_id].text[start:end] == quote`."""

    doc_id: str
    start: int
    end: int


def load_gold(path: Path = DEFAULT_GOLD, split: SplitChoice = "all") -> list[GoldItem]:
    """Read and validate a gold file (JSON lines), keeping one split or all; `GoldError` on bad input."""
    if not path.is_file():
        raise GoldError(f"gold file not found: {path}")
    items: list[GoldItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = GoldItem.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "item"
            raise GoldError(f"{path}:{number}: {where}: {first['msg']}") from exc
        if item.id in seen:
            raise GoldError(f"{path}:{number}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise GoldError(f"{path} holds no questions")
    return [item for item in items if split == "all" or item.split == split]


def split_digest(items: list[GoldItem], split: Split = "test") -> str:
    """sha256 of a split's content (ids, questions, histories, facts, evidence, answerability and kinds), in id
    order: rewording a question or a fact changes it, not only moving a question between splits."""
    import hashlib

    rows = [item.model_dump(mode="json", include={"id", "question", "history", "answerable", "facts", "evidence",
                                                  "kind"})
            for item in sorted(items, key=lambda i: i.id) if item.split == split]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def locate_quote(quote: str, documents: Mapping[str, Document]) -> list[EvidenceSpan]:
    """Every exact occurrence of `quote` in the documents' cleaned text, in document then offset order."""
    spans: list[EvidenceSpan] = []
    for doc_id in sorted(documents):
        text = documents[doc_id].text
        start = text.find(quote)
        while start != -1:
            spans.append(EvidenceSpan(doc_id=doc_id, start=start, end=start + len(quote)))
            start = text.find(quote, start + 1)
    return spans


def locate_evidence(item: GoldItem, documents: Mapping[str, Document]) -> list[list[EvidenceSpan]]:
    """For each evidence quote of `item`, its occurrences in the corpus (an empty list when not found)."""
    return [locate_quote(quote, documents) for quote in item.evidence]
