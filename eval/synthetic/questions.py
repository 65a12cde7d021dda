"""Questions about a synthetic corpus, from its own entities, tables, citations and sentences.

Every question is a new string (the engine's query-embedding cache never answers), and the kinds mix like a
user's: abbreviations, definitions, numbers, yes/no "has X been tried", table lists, authors, topical
questions built from a sentence's words, and a few the corpus cannot answer.
"""

from __future__ import annotations

import random
import re

from eval.synthetic.documents import GeneratedDocument, Generator

_STOP = {"the", "and", "with", "that", "this", "were", "was", "for", "from", "have", "has", "been", "which", "their",
         "than", "these", "those", "into", "between", "after", "before", "during", "among", "there", "they", "our",
         "also", "study", "patients", "results", "using", "used", "could", "would", "should", "both", "each"}
_WORD = re.compile(r"[A-Za-z][A-Za-z-]{3,}")
_UNANSWERABLE = ["Who won the {n} football world cup?", "What is the boiling point of water on Mars in {n}?",
                 "Which train leaves Berlin for Paris at {n} o'clock?", "How tall was the tallest building in {n}?"]


def _topical(rng: random.Random, doc: GeneratedDocument) -> str | None:
    if not doc.sentences:
        return None
    words = [w for w in _WORD.findall(rng.choice(doc.sentences)) if w.lower() not in _STOP]
    if len(words) < 3:
        return None
    start = rng.randrange(0, max(1, len(words) - 4))
    return f"What is known about {' '.join(words[start : start + rng.randint(3, 5)]).lower()}?"


def question(rng: random.Random, doc: GeneratedDocument) -> str | None:
    """One question about `doc` (None when the drawn kind does not fit it)."""
    entity = rng.choice(doc.entities)
    condition = next((e for e in doc.entities if e.kind == "condition"), entity)
    drug = rng.choice(doc.drugs)
    kind = rng.random()
    if kind < 0.12:
        return f"What does {entity.short} stand for?"
    if kind < 0.24:
        return f"What is {entity.long}?"
    if kind < 0.36:
        return f"How many patients with {condition.long} were treated with {drug}?"
    if kind < 0.48:
        return f"Has {drug} been tried in {condition.short}?"
    if kind < 0.58:
        if doc.table_kind != "studies":
            return None
        return rng.choice([f"Which routes were used for {condition.short}?",
                           f"Which interventions were used for {condition.long}?"])
    if kind < 0.68:
        if not doc.cited:
            return None
        surname, _ = rng.choice(doc.cited)
        return rng.choice([f"What did {surname} et al. report?", f"Who were the authors of the study by {surname}?"])
    if kind < 0.96:
        return _topical(rng, doc)
    return rng.choice(_UNANSWERABLE).format(n=rng.randint(1900, 2100))


def generate_questions(generator: Generator, documents: int, count: int, seed: int = 0,
                       exclude: set[str] | None = None) -> list[str]:
    """`count` distinct questions about documents drawn from 0..documents-1 (none of them in `exclude`)."""
    rng = random.Random(f"neoqa-questions:{seed}")
    seen = set(exclude or ())
    out: list[str] = []
    while len(out) < count:
        q = question(rng, generator.document(rng.randrange(documents)))
        if q and q not in seen:
            seen.add(q)
            out.append(q)
    return out
