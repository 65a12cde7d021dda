"""The stance of findings toward a yes/no question: a logistic model over transparent text features.

Features of a (question, findings) pair:
- TF-IDF of the findings' words and word pairs, with words inside a negation's scope marked ("did not
  reduce" -> `not_reduce`), and the question's own words marked `q_` (the kind of question: "is it safe?");
- the cues of `qa/stance_cues.py` (negation, no-difference, effect, hedging, comparison, polarity words, and
  their products with the question's negation and same/differ wording), on all findings and on the first one.

The classes are the PubMedQA decisions: yes, no, maybe. Vocabulary, IDF, weights and the confidence threshold
are fitted on PubMedQA `dev.jsonl` only, with cross-validation, by `python -m eval.fit_stance`, and stored as
JSON in `qa/stance.json` (no pickle). Nothing here needs scikit-learn: the featurizer is this module's own,
and the fit script uses the very same one.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qa.stance_cues import CUE_NAMES, cues

PARAMS_FILE = Path(__file__).with_name("stance.json")
CLASSES = ("yes", "no", "maybe")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]")
_NEGATOR = re.compile(r"^(?:not|no|never|neither|nor|without|cannot|none|failed|fail|fails|lack|lacks|lacking|"
                      r"\w+n't)$")
_PUNCT = set(".,;:!?")


def marked_words(text: str, prefix: str = "") -> list[str]:
    """Lower-case words; after a negator, words up to the next punctuation get `not_` ("did not reduce" ->
    did, not, not_reduce)."""
    out, negated = [], False
    for tok in _WORD.findall(text.lower()):
        if tok in _PUNCT:
            negated = False
            continue
        out.append(prefix + ("not_" + tok if negated else tok))
        if _NEGATOR.match(tok):
            negated = True
    return out


def terms(question: str, findings: str) -> Counter[str]:
    """Unigrams and bigrams of the marked findings, unigrams of the question (prefixed `q_`)."""
    words = [w for w in marked_words(findings) if len(w) > 1]
    grams = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return Counter(grams + [w for w in marked_words(question, "q_") if len(w) > 3])


def first_sentence(text: str) -> str:
    m = re.search(r"(?<=[.!?])\s+(?=[A-Z])", text)
    return text[: m.start()] if m else text


def cue_vector(question: str, findings: str) -> list[float]:
    """The cues of all findings, then of the first finding sentence."""
    return cues(question, findings) + cues(question, first_sentence(findings))


CUE_FEATURES = [f"all:{n}" for n in CUE_NAMES] + [f"first:{n}" for n in CUE_NAMES]


@dataclass
class Featurizer:
    """Sparse features: L2-normalised sublinear TF-IDF over `vocabulary`, then the cue vector."""

    vocabulary: dict[str, int]
    idf: list[float]

    @classmethod
    def fit(cls, pairs: list[tuple[str, str]], min_df: int = 2) -> Featurizer:
        df: Counter[str] = Counter()
        for q, f in pairs:
            df.update(set(terms(q, f)))
        kept = sorted(t for t, c in df.items() if c >= min_df)
        n = len(pairs)
        return cls({t: i for i, t in enumerate(kept)}, [math.log((1 + n) / (1 + df[t])) + 1 for t in kept])

    @property
    def size(self) -> int:
        return len(self.vocabulary) + len(CUE_FEATURES)

    def transform(self, question: str, findings: str) -> dict[int, float]:
        """Column -> value for one pair (columns past the vocabulary are the cues)."""
        weights: dict[int, float] = {}
        for t, c in terms(question, findings).items():
            col = self.vocabulary.get(t)
            if col is not None:
                weights[col] = (1 + math.log(c)) * self.idf[col]
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        out = {k: v / norm for k, v in weights.items()}
        base = len(self.vocabulary)
        out.update({base + i: v for i, v in enumerate(cue_vector(question, findings)) if v})
        return out


@dataclass
class StanceModel:
    """Multinomial logistic regression over `Featurizer` columns; `threshold` gates the verdict."""

    featurizer: Featurizer
    coef: list[list[float]]  # one row per class in CLASSES
    intercept: list[float]
    threshold: float
    meta: dict[str, object] = field(default_factory=dict)

    def probabilities(self, question: str, findings: str) -> dict[str, float]:
        """P(yes), P(no), P(maybe) that the findings answer the question so."""
        x = self.featurizer.transform(question, findings)
        z = [b + sum(row[c] * v for c, v in x.items()) for row, b in zip(self.coef, self.intercept, strict=True)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {cls: v / total for cls, v in zip(CLASSES, e, strict=True)}

    def to_json(self) -> dict[str, object]:
        return {"classes": list(CLASSES), "cue_features": CUE_FEATURES, "threshold": self.threshold,
                "intercept": [round(v, 6) for v in self.intercept],
                "vocabulary": self.featurizer.vocabulary, "idf": [round(v, 6) for v in self.featurizer.idf],
                "coef": [[round(v, 6) for v in row] for row in self.coef], **self.meta}

    @classmethod
    def from_json(cls, data: dict) -> StanceModel:
        if list(data["classes"]) != list(CLASSES) or list(data["cue_features"]) != CUE_FEATURES:
            raise ValueError("stance parameters were fitted for other classes or cues: run python -m eval.fit_stance")
        featurizer = Featurizer({str(k): int(v) for k, v in data["vocabulary"].items()}, list(data["idf"]))
        return cls(featurizer, [list(r) for r in data["coef"]], list(data["intercept"]), float(data["threshold"]),
                   {k: v for k, v in data.items() if k in ("fitted_on", "cv")})

    @classmethod
    def default(cls) -> StanceModel:
        """The model shipped with the package (fitted by `eval/fit_stance.py`)."""
        return cls.from_json(json.loads(PARAMS_FILE.read_text(encoding="utf-8")))
