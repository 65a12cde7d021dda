"""The verdict on a yes/no question ("consensus meter"): each cited finding's stance, then one overall label.

Only for a question that asks yes or no (`qa.yesno.is_yes_no`), and only when the answer cites findings:
- each cited finding gets a stance from the stance model (`qa/stance.py`): supports (the model's "yes"),
  contradicts ("no") or mixed (hedged, "maybe", or below the threshold); citations that state no finding
  (an aim, a method) get none, nor do findings on another phase, type or vitamin than the question names
  (`qa.qualifiers`: "vitamin C reduces ..." for "Can vitamin D prevent ...?");
- the overall verdict comes from the stance model's second stage (`Pooler`), which weighs the model's
  probabilities on all cited findings together and on each one, averaged with the stance encoder's reading
  of the findings (`qa/stance_encoder.py`; a sentence quoted from a conclusion is read with the rest of its
  paragraph, `encoder_reading`): "Yes", "No" or "Unclear" (the findings are
  hedged or inconclusive, PubMedQA's "maybe"); "Mixed evidence" when cited findings of two studies that
  are both about the question (their findings name most of the question's terms that the best-matching
  study's do) each clear the finding threshold with opposite stances. Below the verdict threshold, chosen on
  cross-validation over the engine's own citations for a precision of at least 0.85, there is no verdict,
  and the answer says the cited findings do not settle it.

No verdict for a question that does not name what it asks about ("Are they effective?" without a conversation:
`qa.yesno.names_its_subject`), nor when the paper of the best passage found is not about the question
(`qa.abstain.Topicality`: a question about a study the library lacks); the line says so (and a note says it
atop the answer to any other question).

The answer text opens with one line starting with `VERDICT_PREFIX` (or `NOTE_PREFIX`); it is the engine's
judgement, not a quote, so the grounding metrics skip it (`eval/grounding.py`) and `verdict accuracy` scores it instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from typing import Literal

from corpus.model import Document
from index.lexical import tokenize
from index.roles import section_role, states_evidence, unit_role
from qa.model import Citation, Verdict, VerdictLabel
from qa.qualifiers import contradicts, qualifiers
from qa.stance import StanceModel, is_concluding, is_conclusion_label
from qa.yesno import is_yes_no, names_its_subject

VERDICT_PREFIX = "Verdict:"
NOT_SETTLED = f"{VERDICT_PREFIX} not settled: the cited findings do not settle it."
NOT_ABOUT = f"{VERDICT_PREFIX} none: no paper found is about exactly this question; the closest passages follow."
UNNAMED = f"{VERDICT_PREFIX} none: the question does not name what it asks about; name the treatment or study."
NOTE_PREFIX = "Note:"
OFF_TOPIC_NOTE = f"{NOTE_PREFIX} no paper found is about exactly this question; the closest passages follow."
LABELS: dict[str, VerdictLabel] = {"yes": "Yes", "no": "No", "maybe": "Unclear"}
STANCES: dict[str, Literal["supports", "contradicts", "mixed"]] = {
    "yes": "supports", "no": "contradicts", "maybe": "mixed"}
DECISION_OF = {"Yes": "yes", "No": "no", "Unclear": "maybe", "Mixed evidence": "maybe"}
ON_TOPIC_SHARE = 2 / 3  # a study counts toward "mixed evidence" when its findings are about the question


# What a sentence without a finding's cue (`index.roles`) must still say to be weighed: an effect, a difference or
# a judgement, in any tense ("reduces", "is effective", "are inadequate for"). "Except for probiotic bacteria,
# cells of eukaryotic origin ... are examined after classification into two groups" says none, and gave "Yes" to
# whether probiotics change the number of stem cells in milk.
_STATES_AN_EFFECT = re.compile(
    r"\b(?:reduc|increas|decreas|improv|prevent|protect|lower|rais|caus|induc|inhibit|suppress|enhanc|promot|"
    r"affect|chang|alter|worsen|benefit|harm|differ|associat|correlat|predict|effective|efficac|safe|toxic|"
    r"superior|inferior|higher|greater|fewer|less|more|better|worse|risk|adequa|inadequa|useful|accura|"
    r"reliab|valid|feasib|appropriat|sufficien|insufficien|unable|able to|fail|success)\w*", re.I)


def finding_citations(citations: list[Citation]) -> list[Citation]:
    """The citations that state a finding (by section label or wording), or the state of the evidence under a
    topical heading (a review's "There have been no studies of X thus far"; under a Background label the same
    words are a study's motive, not its finding). When none does, those that are neither an aim nor a method:
    "We examine how X affects Y" settles nothing (on PubMedQA dev, judging such citations too showed 1.3 % more
    verdicts, no more accurate, and more of them on questions whose paper the library lacks: 7.2 % against 5.6 %)."""
    found = [c for c in citations if c.kind not in ("reference", "table_row")
             and (unit_role(c.section, c.text) == "finding"
                  or (section_role(c.section) == "other" and states_evidence(c.text)))]
    return found or [c for c in citations if c.kind != "reference"
                     and unit_role(c.section, c.text) not in ("aim", "method") and _STATES_AN_EFFECT.search(c.text)]


def judged_findings(citations: list[Citation]) -> list[Citation]:
    """The findings the verdict weighs (`finding_citations`), in marker order: what the stance models read."""
    return sorted(finding_citations(citations), key=lambda c: c.marker)


def quotes_a_conclusion(citation: Citation) -> bool:
    """Whether `citation` is a sentence under a conclusion label (no document needed to tell)."""
    return citation.kind == "sentence" and is_conclusion_label(citation.section)


def reports_a_study(doc: Document) -> bool:
    """Whether `doc` is laid out as a study's report: a section labelled as its aim, methods or results beside
    its conclusion. Its Conclusions-like section is then the authors' answer to their question; a review's
    closing section, after an introduction and topical headings, is its outlook on the field."""
    roles = ((section_role(s.title), s.title) for s in doc.sections)
    return any(role in ("aim", "method") or (role == "finding" and not is_conclusion_label(title))
               for role, title in roles)


def quoted_conclusion(doc: Document, citation: Citation) -> str | None:
    """The whole paragraph of a study's conclusion (by its section label, `reports_a_study`) that `citation`
    quotes, or None: what the stance encoder reads in its place (`encoder_reading`)."""
    if not quotes_a_conclusion(citation) or not reports_a_study(doc):
        return None
    i = bisect_right(doc.blocks, citation.start, key=lambda b: b.start) - 1
    if i < 0 or not doc.blocks[i].start <= citation.start < citation.end <= doc.blocks[i].end:
        return None
    return doc.text[doc.blocks[i].start : doc.blocks[i].end]


def encoder_reading(findings: list[str], conclusions: list[str | None]) -> list[str]:
    """What the stance encoder reads of the judged findings: each conclusion paragraph a finding was quoted from,
    whole and once, in the order first quoted, then the findings quoted from elsewhere. A sentence of the
    authors' conclusion means what the whole of it says ("X reduced Y" followed by "larger trials are needed"
    is a hedged yes); the encoder learnt from whole conclusions. `conclusions[i]` is `findings[i]`'s paragraph
    (`quoted_conclusion`) or None."""
    whole = list(dict.fromkeys(c for c in conclusions if c))
    return whole + [f for f, c in zip(findings, conclusions, strict=True) if not c]


def reading_of(findings: list[Citation], conclusions: Mapping[int, str] | None) -> list[str]:
    """`encoder_reading` of cited findings, their paragraphs given by marker (`AnswerEngine.conclusions`)."""
    return encoder_reading([c.text for c in findings], [(conclusions or {}).get(c.marker) for c in findings])


def _on_topic_documents(question: str, findings: list[Citation]) -> set[str]:
    """The documents whose cited findings name at least `ON_TOPIC_SHARE` as many of the question's terms
    (stemmed) as the document whose findings name the most."""
    asked = set(tokenize(question))
    named = {d: len(asked & set(tokenize(" ".join(c.text for c in findings if c.doc_id == d))))
             for d in {c.doc_id for c in findings}}
    best = max(named.values(), default=0)
    return {d for d, n in named.items() if n >= ON_TOPIC_SHARE * best}


def stance_of(model: StanceModel, question: str, text: str) -> tuple[str, float]:
    """The most probable class for one text and its probability."""
    probs = model.probabilities(question, text)
    label = max(probs, key=lambda k: probs[k])
    return label, probs[label]


def decide(model: StanceModel, question: str, citations: list[Citation], conclusions: Mapping[int, str] | None = None
           ) -> tuple[Verdict | None, dict[int, Literal["supports", "contradicts", "mixed"]]]:
    """The overall verdict (None below the threshold) and the stance of each cited finding, by marker;
    `conclusions` holds, by marker, the conclusion paragraph a finding quotes (`quoted_conclusion`)."""
    asked = qualifiers(question)
    # A finding on another phase, type or vitamin than the one asked ("vitamin C reduces ..." for "Can vitamin D
    # prevent ...?") is about something else: quoted as the closest passage, it settles nothing.
    findings = [c for c in judged_findings(citations) if not contradicts(asked, c.text)]
    if not findings:
        return None, {}
    stances: dict[int, Literal["supports", "contradicts", "mixed"]] = {}
    confident: dict[str, dict[str, float]] = {}  # label -> document -> highest probability
    for c in findings:
        label, p = stance_of(model, question, c.text)
        stances[c.marker] = STANCES[label] if p >= model.threshold or label == "maybe" else "mixed"
        if p >= model.threshold and label != "maybe":
            by_doc = confident.setdefault(label, {})
            by_doc[c.doc_id] = max(by_doc.get(c.doc_id, 0.0), p)
    # Mixed evidence: two studies disagree. Opposite sentences of one study (a subgroup, a secondary outcome)
    # are left to the verdict stage, which weighs them (on PubMedQA dev, calling those "mixed" was wrong 4 times
    # out of 5); so is a study whose cited findings are about something else (its sentence came second in the
    # ranking, not from the same topic: on PubMedQA dev 7 of 9 "mixed" verdicts were such, and wrong).
    on_topic = _on_topic_documents(question, findings)
    yes = {d: p for d, p in confident.get("yes", {}).items() if d in on_topic}
    no = {d: p for d, p in confident.get("no", {}).items() if d in on_topic}
    if any(a != b for a in yes for b in no):
        return Verdict(label="Mixed evidence", confidence=round(min(max(yes.values()), max(no.values())), 4)), stances
    concluding = [is_concluding(c.section, c.text) for c in findings]
    probs, threshold = model.verdict_probabilities(question, [c.text for c in findings], concluding,
                                                   reading_of(findings, conclusions))
    label = max(probs, key=lambda k: probs[k])
    p = probs[label]
    if p < threshold:
        return None, stances
    return Verdict(label=LABELS[label], confidence=round(p, 4)), stances


def verdict_line(verdict: Verdict | None) -> str:
    if verdict is None:
        return NOT_SETTLED
    return f"{VERDICT_PREFIX} {verdict.label} (confidence {verdict.confidence:.2f})."


def apply(model: StanceModel, question: str, answer_text: str, citations: list[Citation], about: bool = True,
          in_conversation: bool = False, conclusions: Callable[[list[Citation]], Mapping[int, str]] | None = None,
          settles: bool = True) -> tuple[str, list[Citation], Verdict | None]:
    """For an answered yes/no question: the answer opened by its verdict line, citations with stances, the
    verdict. When the question does not name what it asks about ("Are they effective?" not `in_conversation`)
    or the best passage's paper is not `about` it (`qa.abstain.Topicality`), the line says so and there is no
    verdict: findings about something else do not settle it; any other answered
    question opens with `OFF_TOPIC_NOTE` then, so that the text read alone (CLI, API) says it too. Otherwise
    an answer to another question, or an unanswered one, passes through unchanged (verdict None).
    Papers only likely enough to be about the question for the note (`settles` false) settle nothing: the
    line says the cited findings do not settle it. `conclusions`
    gives the conclusion paragraphs the citations quote (`AnswerEngine.conclusions`); it is called only when a
    verdict is drawn, so other questions read no document for it."""
    if not citations:
        return answer_text, citations, None
    if not is_yes_no(question):
        return (answer_text if about else f"{OFF_TOPIC_NOTE}\n{answer_text}"), citations, None
    if not in_conversation and not names_its_subject(question):
        return f"{UNNAMED}\n{answer_text}", citations, None
    if not about:
        return f"{NOT_ABOUT}\n{answer_text}", citations, None
    if not settles:
        return f"{NOT_SETTLED}\n{answer_text}", citations, None
    verdict, stances = decide(model, question, citations, conclusions(citations) if conclusions else None)
    marked = [c.model_copy(update={"stance": stances.get(c.marker)}) for c in citations]
    return f"{verdict_line(verdict)}\n{answer_text}", marked, verdict
