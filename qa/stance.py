"""The stance of findings toward a yes/no question: a logistic model over transparent text features.

Features of a (question, findings) pair:
- TF-IDF of the findings' words and word pairs, with words inside a negation's scope marked ("did not
  reduce" -> `not_reduce`), and the question's own words marked `q_` (the kind of question: "is it safe?");
- the cues of `qa/stance_cues.py` (negation, no-difference, effect, hedging, comparison, polarity words, and
  their products with the question's negation and same/differ wording), on all findings and on the first one.

The classes are the PubMedQA decisions: yes, no, maybe. The verdict on several cited findings comes from a
second, small logistic model (`Pooler`) over the first model's probabilities on the findings together and on
each one (their mean, maximum, minimum, the first finding's, and how many there are): it learns how the
stances of what the engine cites add up, since the first model is fitted on the abstracts' conclusions but
meets the engine's citations. Vocabulary, IDF, weights and both confidence thresholds are fitted on PubMedQA
`dev.jsonl` only, with cross-validation, by `python -m eval.fit_stance`, and stored as JSON in
`qa/stance.json` (no pickle). Nothing here needs scikit-learn: the featurizer is this module's own, and the fit
script uses the very same one.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
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


def _softmax(z: list[float]) -> dict[str, float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return {cls: v / total for cls, v in zip(CLASSES, e, strict=True)}


POOLED_FEATURES = ([f"together:log_{c}" for c in CLASSES] + [f"{agg}:{c}" for agg in ("mean", "max", "min", "first")
                                                               for c in CLASSES] + ["count/5", "question_words_found"]
                   + [f"concluding:mean_{c}" for c in CLASSES] + ["concluding:share"])
_CONCLUDING_LABEL = re.compile(r"\b(?:conclusions?|concluding|interpretation|implications?)\b", re.I)
_CONCLUDING_CUE = re.compile(r"\b(?:in conclusion|we conclude|(?:these|our|the) (?:results|findings|data) "
                             r"(?:suggest|indicate|show|demonstrate|support))\b", re.I)


def is_conclusion_label(section: str) -> bool:
    """Whether a section label names a conclusion ("Conclusions", "Interpretation", "Implications", ...)."""
    return bool(_CONCLUDING_LABEL.search(section))


# The declarations journals print after the last section ("Conflict of Interest: ...", "Peer-review: ...",
# "Financial Disclosure: ..."): under the conclusion's heading when the paper gives them none of their own.
_DECLARATION = re.compile(r"^\s*(?:conflicts? of interests?|competing interests?|peer[- ]?review|"
                          r"financial disclosures?|funding|ethic(?:s|al)[\w ]{0,30}approval|informed consent|"
                          r"authors?'? contributions?|"
                          r"acknowledge?ments?|data availability|disclosures?)\s*:", re.I)


def is_concluding(section: str, text: str) -> bool:
    """Whether a finding is the study's conclusion (by its section label, or its wording under another label);
    a journal's declaration under that label ("Conflict of Interest: ...") is none."""
    if _DECLARATION.match(text):
        return False
    return is_conclusion_label(section) or bool(_CONCLUDING_CUE.search(text))


def words_found(question: str, findings: str) -> float:
    """Share of the question's content words (longer than three letters) that the findings contain: findings
    about something else (another study, another outcome) settle the question less."""
    asked = {w for w in marked_words(question) if len(w) > 3}
    return len(asked & set(marked_words(findings))) / len(asked) if asked else 0.0


@dataclass
class Pooler:
    """The verdict's multinomial logistic model over `POOLED_FEATURES`; `threshold` gates the verdict."""

    coef: list[list[float]]
    intercept: list[float]
    threshold: float

    def probabilities(self, features: list[float]) -> dict[str, float]:
        return _softmax([b + sum(w * v for w, v in zip(row, features, strict=True))
                         for row, b in zip(self.coef, self.intercept, strict=True)])

    def to_json(self) -> dict[str, object]:
        return {"features": POOLED_FEATURES, "threshold": self.threshold,
                "coef": [[round(v, 6) for v in row] for row in self.coef],
                "intercept": [round(v, 6) for v in self.intercept]}


# (question, cited findings in order) -> P(yes), P(no), P(maybe), or None when it cannot judge them.
EncoderProbabilities = Callable[[str, list[str]], "dict[str, float] | None"]


@dataclass
class EncoderBlend:
    """How the verdict weighs the stance encoder (`qa/stance_encoder.py`) against the pooler: `weight` on the
    encoder's probabilities, `threshold` gating the blend (both chosen by cross-validation)."""

    weight: float
    threshold: float

    def combine(self, read: dict[str, float], pooled: dict[str, float]) -> dict[str, float]:
        """The verdict's probabilities from the encoder's (`read`) and the pooler's (`pooled`): see `agreed`."""
        row = agreed([[read[c] for c in CLASSES]], [[pooled[c] for c in CLASSES]], self.weight)[0]
        return dict(zip(CLASSES, row, strict=True))


def agreed(read: Sequence[Sequence[float]], pooled: Sequence[Sequence[float]], weight: float) -> list[list[float]]:
    """Per row (probabilities in `CLASSES` order): `weight` on the encoder's and the rest on the pooler's, where
    the two agree on the likeliest decision; where they do not, even odds (1/3 each, below any threshold), so
    no verdict. Two readers of the same findings (the words and cues of what is cited; the encoder on the
    conclusion's paragraph) that answer differently do not settle the question. Measured in the PubMedQA suite's
    nested cross-validation (mean of three outer splits): verdict on 55.9 % of the questions at 0.851 without
    the rule, 58.4 % at 0.856 with it at the same selection margin, 54.4 % at 0.860 with a margin of 0.03 (the
    shipped setting, eval/stance_fit.py), every split then at or above 0.855; verdicts on another paper's
    conclusion about as often as before (0.196 -> 0.188, mean of the three splits)."""
    out = []
    for r, p in zip(read, pooled, strict=True):
        if max(range(len(r)), key=r.__getitem__) != max(range(len(p)), key=p.__getitem__):
            out.append([1 / len(r)] * len(r))
        else:
            out.append([weight * a + (1 - weight) * b for a, b in zip(r, p, strict=True)])
    return out


@dataclass
class StanceModel:
    """Multinomial logistic regression over `Featurizer` columns, for one text; `threshold` gates a finding's
    stance. `pooler` turns the stances of several findings into the verdict (without it: the model on all of
    them together, gated by `threshold`)."""

    featurizer: Featurizer
    coef: list[list[float]]  # one row per class in CLASSES
    intercept: list[float]
    threshold: float
    meta: dict[str, object] = field(default_factory=dict)
    pooler: Pooler | None = None
    blend: EncoderBlend | None = None
    encoder: EncoderProbabilities | None = None  # attached at load time; without it the pooler decides alone

    def probabilities(self, question: str, findings: str) -> dict[str, float]:
        """P(yes), P(no), P(maybe) that the findings answer the question so."""
        x = self.featurizer.transform(question, findings)
        return _softmax([b + sum(row[c] * v for c, v in x.items())
                         for row, b in zip(self.coef, self.intercept, strict=True)])

    def pooled_features(self, question: str, findings: list[str], concluding: list[bool]) -> list[float]:
        """The `POOLED_FEATURES` of the findings (in citation order; at least one); `concluding` tells which
        state the study's conclusion (`is_concluding`)."""
        together = self.probabilities(question, " ".join(findings))
        each = [[p[c] for c in CLASSES] for p in (self.probabilities(question, f) for f in findings)]
        columns = list(zip(*each, strict=True))
        means = [sum(col) / len(each) for col in columns]
        ends = [row for row, flag in zip(each, concluding, strict=True) if flag]
        ended = [sum(col) / len(ends) for col in zip(*ends, strict=True)] if ends else means
        return ([math.log(together[c] + 1e-6) for c in CLASSES] + means + [max(col) for col in columns]
                + [min(col) for col in columns] + each[0]
                + [len(findings) / 5, words_found(question, " ".join(findings))] + ended + [len(ends) / len(each)])

    def verdict_probabilities(self, question: str, findings: list[str], concluding: list[bool],
                              reading: list[str] | None = None) -> tuple[dict[str, float], float]:
        """P(yes), P(no), P(maybe) of the verdict on the findings, and the threshold that gates it; the stance
        encoder reads `reading` (`qa.verdict.encoder_reading`) when given, else the findings."""
        if self.pooler is None:
            return self.probabilities(question, " ".join(findings)), self.threshold
        pooled = self.pooler.probabilities(self.pooled_features(question, findings, concluding))
        read = self.encoder(question, reading or findings) if self.encoder and self.blend else None
        if read is None or self.blend is None:
            return pooled, self.pooler.threshold
        return self.blend.combine(read, pooled), self.blend.threshold

    def to_json(self) -> dict[str, object]:
        return {"classes": list(CLASSES), "cue_features": CUE_FEATURES, "threshold": self.threshold,
                "intercept": [round(v, 6) for v in self.intercept],
                "vocabulary": self.featurizer.vocabulary, "idf": [round(v, 6) for v in self.featurizer.idf],
                "coef": [[round(v, 6) for v in row] for row in self.coef],
                **({"pooler": self.pooler.to_json()} if self.pooler else {}),
                **({"encoder_blend": {"weight": self.blend.weight, "threshold": self.blend.threshold}}
                   if self.blend else {}), **self.meta}

    @classmethod
    def from_json(cls, data: dict) -> StanceModel:
        if list(data["classes"]) != list(CLASSES) or list(data["cue_features"]) != CUE_FEATURES:
            raise ValueError("stance parameters were fitted for other classes or cues: run python -m eval.fit_stance")
        featurizer = Featurizer({str(k): int(v) for k, v in data["vocabulary"].items()}, list(data["idf"]))
        pooler = None
        if "pooler" in data:
            if list(data["pooler"]["features"]) != POOLED_FEATURES:
                raise ValueError("the verdict's pooler was fitted on other features: run python -m eval.fit_stance")
            pooler = Pooler([list(r) for r in data["pooler"]["coef"]], list(data["pooler"]["intercept"]),
                            float(data["pooler"]["threshold"]))
        blend = data.get("encoder_blend")
        return cls(featurizer, [list(r) for r in data["coef"]], list(data["intercept"]), float(data["threshold"]),
                   {k: v for k, v in data.items() if k in ("fitted_on", "cv")}, pooler,
                   EncoderBlend(float(blend["weight"]), float(blend["threshold"])) if blend else None)

    @classmethod
    def neutral(cls) -> StanceModel:
        """A model that judges nothing (even probabilities, a threshold no verdict reaches): for asking the
        engine while the shipped model is being refitted (`python -m eval.fit_stance --collect`)."""
        zeros = [[0.0] * len(CUE_FEATURES) for _ in CLASSES]
        return cls(Featurizer({}, []), zeros, [0.0] * len(CLASSES), threshold=1.01)

    @classmethod
    def default(cls, cache_root: Path | None = None) -> StanceModel:
        """The model shipped with the package (fitted by `eval/fit_stance.py`), with the shipped stance encoder
        when it has a blend for one (its ONNX export kept in `cache_root`, the user's cache by default)."""
        model = cls.from_json(json.loads(PARAMS_FILE.read_text(encoding="utf-8")))
        if model.blend is not None:
            from qa.stance_encoder import shipped

            model.encoder = shipped(cache_root)
        return model
