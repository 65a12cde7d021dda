"""When to say "the reviews do not say", and when the best passage's paper is not about the question: two
logistic models over a few transparent features of the best units.

Features (all in [0, 1]):
- dense: similarity of the question to the best unit;
- lexical: IDF-weighted share of the question's terms found in the best unit;
- out_of_corpus: IDF-weighted share of the question's terms that occur nowhere in the corpus;
- number_mismatch: the question names a number that no retrieved passage of the best unit's document, nor of
  the document the answer opens with (the best standing, `UnitScorer.standing`), contains ("at 5 years"); a
  paper's title often names a number its abstract's best sentence leaves to another (PubMedQA: "... in 370
  postmenopausal women?"), so the whole retrieved part of those documents counts, and a number written against
  its unit counts ("1.5T", "31A1-3" hold 1.5 and 31; "370" does not hold 37); so does a unit of measure the
  question names that none of those passages says ("what dose in cells per kilogram", `qa.quantities`);
- study_match: the question names a study's author and the best unit is about that study;
- type_match: the best unit holds the kind of answer asked (a number, a year, a negative finding, ...; not a
  conclusion, which nearly every paper has);
- document_terms: IDF-weighted share of the question's terms that the best unit's whole document holds (title,
  text, tables; not its bibliography): a question about a study the library lacks finds a sentence that shares
  a few words with it, in a paper about something else.

`Abstainer` (answer or not) uses the first six. `Topicality` (is the best unit's paper about the question?)
uses dense and document_terms; it only withholds the verdict (`qa/verdict.py`). Fitted into the abstainer
together with the built-in questions, document_terms made it say "not in the library" to 70 % of PubMedQA
questions whose abstract the library lacked (7 % without it), but it also gave up on answerable built-in test
questions (false abstention 0.023 -> 0.070): the built-in reviews are two long papers on one topic, where
such questions read like ones about a missing study.

The model was chosen on dev over one without `type_match` (dev abstention recall 0.67 against 0.56). Its
fitted weight for `type_match` is negative: on-topic unanswerable questions ("what dose per kilogram ...")
find units of the asked type that do not answer them, so a type match alone is no evidence of an answer.
The unit check in `number_mismatch` was kept on its out-of-sample gain (leave-one-out on dev, threshold 0.2:
log-loss 0.372 -> 0.312, abstention recall 0.33 -> 0.44 at false abstention 0.045 -> 0.023).

The abstainer is fitted by `eval/calibrate.py` on the gold set's dev split (`qa/abstention.json`); the
topicality model by `eval/fit_topicality.py` on the even-position PubMedQA dev questions, asked of a library
with and without their own abstracts (`qa/topicality.json`). The gold test split and the odd-position
PubMedQA questions (the suite's held-out measure) are never used to fit them.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from qa.quantities import missing_units
from qa.query import Query
from qa.rank import ScoredUnit, UnitScorer

PARAMS_FILE = Path(__file__).with_name("abstention.json")
TOPICALITY_FILE = Path(__file__).with_name("topicality.json")
FEATURES = ("dense", "lexical", "out_of_corpus", "number_mismatch", "study_match", "type_match", "document_terms")
ANSWER_FEATURES = FEATURES[:6]
TOPIC_FEATURES = ("dense", "document_terms")
# Words that name the documents' structure or frame the question ("the evidence for") rather than a topic: absent
# from the text without being a gap.
META_TERMS = {"tabl", "list", "paper", "articl", "mention", "cite", "describ", "report", "tell", "say", "give",
              "record", "discuss", "refer", "both", "either", "abbrevi", "stand", "defin", "mean", "meant", "evid",
              "conclud", "conclus",
              # who asks and how sure they want to be: "Do we actually know where ...?", "my preemie", "his"
              "we", "us", "our", "i", "my", "you", "your", "his", "her", "know", "actual", "realli"}
_QUESTION_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
# In the text a number may be glued to its unit or label ("1.5T", "31A1"): bounded by non-digits only.
_TEXT_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?!\d)")


def features(query: Query, scored: list[ScoredUnit], scorer: UnitScorer) -> dict[str, float]:
    """The `FEATURES` of the best unit for `query`, by name (see the module doc)."""
    if not scored:
        return dict(zip(FEATURES, [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0], strict=True))
    top = scored[0]
    terms = [t for t in query.terms if t not in META_TERMS]
    total = sum(scorer.idf(query, t) for t in terms) or 1.0
    outside = sum(scorer.default_idf for t in terms if t not in query.idf) / total
    # The answer opens with the best standing document's finding; with no standing, that is the top unit's.
    lead = next((s.unit.doc_id for s in scored if s.trailing == 0.0), top.unit.doc_id)
    same_document = [s.plain for s in scored if s.unit.doc_id in (top.unit.doc_id, lead)]
    missing = _missing_numbers(query.resolved, same_document) + missing_units(query.resolved, same_document)
    mismatch = float(bool(missing))
    study = float(bool(query.study_refs) and bool(top.refs & query.study_refs))
    document = top.unit.doc_id
    held = scorer.index.document_terms([document], list(dict.fromkeys(query.terms + query.focus_terms)))[document]
    # Nearly every paper has a conclusion: a concluding sentence found says nothing of whether it answers.
    type_match = 0.0 if query.answer_type == "conclusion" else top.type_match
    return dict(zip(FEATURES, [max(0.0, top.dense), top.lexical, outside, mismatch, study, type_match,
                               scorer.term_share(query, frozenset(held.held))], strict=True))


def _missing_numbers(question: str, texts: list[str]) -> list[str]:
    """The numbers of `question` that none of `texts` contains as a number of its own ("5" is not in "15")."""
    numbers = dict.fromkeys(_QUESTION_NUMBER.findall(question))
    found = {n for t in texts for n in _TEXT_NUMBER.findall(t)}
    return [n for n in numbers if n not in found]


@dataclass
class LogisticGate:
    """A logistic model over some of the `FEATURES` (by name) and the probability it must reach."""

    weights: dict[str, float]
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path, fit_with: str) -> Self:
        data = json.loads(path.read_text(encoding="utf-8"))
        unknown = set(data["weights"]) - set(FEATURES)
        if unknown:
            raise ValueError(f"{path.name} uses unknown features {sorted(unknown)}: run {fit_with}")
        return cls(weights=dict(data["weights"]), bias=data["bias"], threshold=data["threshold"])

    def probability(self, values: dict[str, float]) -> float:
        z = self.bias + sum(w * values[name] for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-z))

    def passes(self, values: dict[str, float]) -> bool:
        return self.probability(values) >= self.threshold


class Abstainer(LogisticGate):
    """Whether the best units answer the question at all (fitted on the built-in dev questions)."""

    @classmethod
    def default(cls) -> Abstainer:
        """The calibrated model shipped with the package (see `eval/calibrate.py`)."""
        return cls.load(PARAMS_FILE, "python -m eval.calibrate")


class Topicality(LogisticGate):
    """Whether the best unit's paper is about the question (fitted on PubMedQA questions asked with and without
    their own abstracts: `eval/fit_topicality.py`). A paper that is not gets no verdict drawn from it."""

    @classmethod
    def default(cls) -> Topicality:
        """The model shipped with the package (see `eval/fit_topicality.py`)."""
        return cls.load(TOPICALITY_FILE, "python -m eval.fit_topicality")
