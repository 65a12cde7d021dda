"""Query understanding: follow-up resolution, glossary entities, the answer type and the table column asked.

All rules are general English question patterns and corpus-derived vocabularies (glossary, table columns);
nothing here knows a particular question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.model import Table
from index.lexical import expand_abbreviations, tokenize
from qa.model import Turn

# Answer types, tried in order; the first pattern that matches the question wins.
_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("bibliographic", re.compile(
        r"\b(which|what) (journal|periodical)\b|\bjournal\b.*\bpublish|\bwho (are|were|was) the authors?\b|"
        r"\bauthors? of\b|\bfirst author\b|\breference (number )?\d+\b|\bref\.? ?\d+\b|"
        r"\b(what|which) (is|was) the title\b|\bpublished (in|by)\b|\bwhen was .* published\b|"
        r"\bin what year was .* published\b|\bwhat year was .* published\b|\bwhere was .* published\b|"
        r"\bwho wrote\b|\bwho (is|was) the (first |lead )?author\b", re.I)),
    ("bibliographic", re.compile(
        r"\b(which|what) (source|paper|study|reference|article|work|publication)s? (is|are|was|were) cited\b|"
        r"\bcited (for|as|in support)\b|\bwhich reference\b|\bwhat reference\b", re.I)),
    ("existence", re.compile(
        r"^(have|has|had|were|was|is|are|did|does|do)\b.*\b(been|ever|any|tried|tested|studied|used|done|"
        r"conducted|performed|given|reported|investigated|shown)\b|\bis there (any )?(evidence|study|trial)\b|"
        r"\bare there (any )?(studies|trials|data)\b", re.I)),
    ("year", re.compile(r"\b(what|which) ((is|was) the )?year\b|\bwhen (was|were|did)\b|\bin what year\b", re.I)),
    ("number", re.compile(
        r"\bhow (many|much|long|old|often)\b|\bnumber of\b|\bwhat (percentage|proportion|share|fraction)\b|"
        r"\bwhat percent\b|\bat what age\b|\bhow large\b|\bwhat (\w+ ){0,3}(dose|dosage|amount)s?\b|"
        r"\bwhich age\b", re.I)),
    # After number and year: "What is the number of ..." asks for a number, not a definition.
    ("definition", re.compile(
        r"^(what|who) (is|are) (a |an |the )?[\w\s-]{1,60}\??$|^define\b|\bwhat does .* (mean|stand for)\b|"
        r"\bdefinition of\b|\bwhat is meant by\b", re.I)),
]
_LIST_CUES = re.compile(
    r"\b(which|what) (\w+ ){0,3}(routes?|markers?|types?|cells?|studies|trials|diseases?|conditions?|"
    r"components?|characteristics|classifications?|sources?|effects?|proteins?|pathways?|factors?|"
    r"lineages?|organs?|methods?|groups?)\b|\blist\b|\bname (the|all)\b|\bwhich .* (were|are) (used|given)\b",
    re.I,
)
_ELLIPTICAL = re.compile(r"^(and|what about|how about|same for|also|and what about|and for|what of)\b", re.I)
# "that" is a pronoun only as a subject after the opening verb ("Does that also happen ...?"); elsewhere it is
# mostly a conjunction ("... showed that ...").
_PRONOUN = re.compile(r"\b(it|its|they|them|their|those|these|this|that study|that trial|the same)\b|"
                      r"^(does|did|do|is|was|are|were|can|could|would|will|has|had|have) that\b", re.I)


_CROSS_DOCUMENT = re.compile(
    r"\b(both|either|each|two|all|the) (of the )?(reviews?|papers?|articles?|sources?|documents?)\b|"
    r"\bacross (the )?(two |both )?(reviews|papers)\b", re.I)
_SINGLE_DOCUMENT = re.compile(r"\bthe (review|paper|article|document)\b", re.I)
# "Which route worked better?", "... the most effective ...": a comparison, which a list of values cannot give.
_COMPARISON = re.compile(r"\b(better|best|worse|worst|more effective|most effective|less effective|superior|"
                         r"inferior|outperform\w*|compared (with|to)|versus|vs\.?)\b", re.I)
_ABBREVIATION = re.compile(r"\bstand(s)? for\b|\babbreviation\b|\bacronym\b|\bshort for\b", re.I)


@dataclass
class Query:
    """What the engine needs to know about a question."""

    question: str
    resolved: str
    expanded: str
    terms: list[str]
    focus_terms: list[str]  # terms of the question itself, without what follow-up resolution carried over
    answer_type: str
    is_list: bool
    entities: list[str] = field(default_factory=list)  # glossary short forms named by the question
    authors: list[str] = field(default_factory=list)  # capitalised words that are first authors' surnames
    reference_number: int | None = None
    cross_document: bool = False
    asks_abbreviation: bool = False
    compares: bool = False  # asks which of several did better: answered by the sentence that compares them
    study_refs: set[tuple[str, int]] = field(default_factory=set)  # (doc_id, number) of the studies named


def glossary_entities(text: str, glossary: dict[str, str]) -> list[str]:
    """Short forms whose short or long form occurs in `text`, in order of appearance."""
    found: list[tuple[int, str]] = []
    lower = text.lower()
    for short, long_form in glossary.items():
        m = re.search(rf"(?<![\w-]){re.escape(short)}s?(?![\w-])", text)
        pos = m.start() if m else lower.find(long_form.lower())
        if pos >= 0:
            found.append((pos, short))
    return [s for _, s in sorted(found)]


def pair_entities(old: list[str], new: list[str], kinds: dict[str, str]) -> list[tuple[str, str]]:
    """Which earlier entity each new one replaces: the first of the same kind ("And for IVH?" after a question
    about BPD in hUC-MSC trials replaces the disease, not the cell type), else the first of unknown kind."""
    free, pairs = list(old), []
    for n in new:
        same = [o for o in free if n in kinds and kinds.get(o) == kinds[n]]
        unknown = [o for o in free if o not in kinds or n not in kinds]
        options = same or unknown
        if options:
            pairs.append((options[0], n))
            free.remove(options[0])
    return pairs


def entity_kinds(tables: list[Table], glossary: dict[str, str]) -> dict[str, str]:
    """The table column each glossary entity occurs in (BPD -> "Disease", hUC-MSC -> "Stem cell type")."""
    kinds: dict[str, str] = {}
    for table in tables:
        for c, header in enumerate(table.columns):
            cells = " ".join(row.cells[c].text for row in table.rows if c < len(row.cells))
            for short in glossary_entities(cells, glossary):
                kinds.setdefault(short, header)
    return kinds


def resolve_follow_up(question: str, history: list[Turn], glossary: dict[str, str],
                      kinds: dict[str, str] | None = None) -> str:
    """Rewrite an elliptical follow-up ("And for IVH?") into a full question using the last user turn."""
    previous = next((t.content for t in reversed(history) if t.role == "user" and t.content.strip()), None)
    if previous is None:
        return question
    content = tokenize(question)
    elliptical = bool(_ELLIPTICAL.match(question.strip())) or len(content) <= 2
    new = glossary_entities(question, glossary)
    old = glossary_entities(previous, glossary)
    names_own_topic = bool(new) or bool(re.search(r"\b[A-Z][a-z]+ et al\b", question))
    earlier = set(tokenize(expand_abbreviations(" ".join(t.content for t in history), glossary)))
    continues = bool(_PRONOUN.search(question)) or bool(set(tokenize(question)) & earlier)
    if not elliptical and (names_own_topic or not continues):
        return question  # a question of its own, not a follow-up
    pairs = pair_entities(old, new, kinds or {}) if elliptical else []
    if pairs:
        resolved = previous
        for before, after in pairs:
            resolved = re.sub(rf"(?<![\w-]){re.escape(before)}(?![\w-])", after, resolved)
            resolved = re.sub(re.escape(glossary[before]), glossary[after], resolved, flags=re.I)
        return resolved
    if elliptical:
        rest = _ELLIPTICAL.sub("", question.strip()).strip(" ?,.")
        return f"{previous.rstrip(' ?')} — {rest}?" if rest else previous
    # The question leans on the previous one (a pronoun, or no topic of its own): carry that topic along.
    return f"{question.rstrip(' ?')} ({previous.strip().rstrip('?')})?"


def analyse(question: str, history: list[Turn] | None, glossary: dict[str, str],
            surnames: set[str], kinds: dict[str, str] | None = None) -> Query:
    """Resolve, expand and classify a question; `kinds` (see `entity_kinds`) pairs entities in follow-ups."""
    resolved = resolve_follow_up(question, history or [], glossary, kinds) if history else question
    answer_type = next((name for name, pattern in _TYPES if pattern.search(resolved)), "generic")
    expanded = expand_abbreviations(resolved, glossary)
    authors = [w for w in re.findall(r"\b([A-Z][\w-]+)", resolved) if w.lower() in surnames]
    ref = re.search(r"\breference (?:number )?(\d+)\b|\bref\.? ?(\d+)\b", resolved, re.I)
    return Query(
        question=question,
        resolved=resolved,
        expanded=expanded,
        terms=list(dict.fromkeys(tokenize(expanded))),
        focus_terms=list(dict.fromkeys(tokenize(expand_abbreviations(question, glossary)))),
        answer_type=answer_type,
        is_list=bool(_LIST_CUES.search(resolved)) and answer_type not in ("number", "year", "bibliographic"),
        entities=glossary_entities(resolved, glossary),
        authors=authors,
        reference_number=int(next(g for g in ref.groups() if g)) if ref else None,
        cross_document=bool(_CROSS_DOCUMENT.search(resolved)) and not _SINGLE_DOCUMENT.search(resolved),
        asks_abbreviation=bool(_ABBREVIATION.search(resolved)),
        compares=bool(_COMPARISON.search(question)),
    )
