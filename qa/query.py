"""Query understanding: follow-up resolution, glossary entities, the answer type and the table column asked.

All rules are general English question patterns and corpus-derived vocabularies (glossary, table columns);
nothing here knows a particular question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from index.glossary import QUERY_EXPANSION_CHARS, Glossary, Match, same_sense
from index.lexical import fold, tokenize
from index.lookups import Lookups
from qa.model import Turn
from qa.typed_lists import LISTED, is_typed_list
from qa.yesno import asks_which_of_two

HISTORY_EXPANDED_CHARS = 4000  # of the conversation's end, expanded for follow-up detection

# Answer types, tried in order; the first pattern that matches the question wins.
_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("bibliographic", re.compile(
        r"\b(which|what) (journal|periodical)\b|\bjournal\b.*\bpublish|\bwho (are|were|was) the authors?\b|"
        r"\bauthors? of\b(?![^?]*\b(conclude|report|find|found|suggest|say|said|state|recommend|note|propose|show|"
        r"think|believe|argue|claim)\w*\b)|\bfirst author\b|\breference (number )?\d+\b|\bref\.? ?\d+\b|"
        r"\b(what|which) (is|was) the title\b|\bpublished (in|by)\b|\bwhen was .* published\b|"
        r"\bin what year was .* published\b|\bwhat year was .* published\b|\bwhere was .* published\b|"
        r"\bwho wrote\b|\bwho (is|was) the (first |lead )?author\b", re.I)),
    ("bibliographic", re.compile(
        r"\b(which|what) (source|paper|study|reference|article|work|publication)s? (is|are|was|were) (cited|given|"
        r"quoted|referenced)\b|"
        r"\b(which|what) (source|paper|reference|article|work|publication)s? by\b|"
        r"\bcited (for|as|in support)\b|\bwhich reference\b|\bwhat reference\b", re.I)),
    # "What did the authors conclude about X?", "What is the review's conclusion on X?": answered by what a
    # conclusion says (its section, or "In conclusion, ..."), which may share only X with the question.
    ("conclusion", re.compile(r"^(what|which)\b.*\bconclu(de|ded|des|sion|sions)\b", re.I)),
    # "Have X been tried?"; not "Were the cells given into a vein or into the airway?", which asks which of two.
    ("existence", re.compile(
        r"^(?!.*\bor\b)(have|has|had|were|was|is|are|did|does|do)\b.*\b(been|ever|any|tried|tested|studied|used|done|"
        r"conducted|performed|given|reported|investigated|shown)\b|\bis there (any )?(evidence|study|trial)\b|"
        r"\bare there (any )?(studies|trials|data)\b", re.I)),
    ("year", re.compile(r"\b(what|which) ((is|was) the )?year\b|\bwhen (was|were|did)\b|\bin what year\b", re.I)),
    ("number", re.compile(
        r"\bhow (many|much|long|old|often)\b|\bnumber of\b|\bwhat (percentage|proportion|share|fraction)\b|"
        r"\bwhat percent\b|\bat what age\b|\bhow large\b|\bwhat (\w+ ){0,3}(dose|dosage|amount)s?\b|"
        r"\bwhich age\b|\b(what|which) (is|was|were|are) the (\w+ ){0,2}(rate|ratio)s?\b", re.I)),
    # "What holds back X?", "What are the limitations of X?": answered by the sentence that says what limits
    # or challenges X ("... is still limited by ..."), which may share only X with the question.
    ("limitation", re.compile(
        r"\bwhat (holds?|held|is holding|keeps?) (\w+ ){0,4}back\b|^(what|which)\b.*\b(limitations?|drawbacks?|"
        r"barriers?|obstacles?|hurdles?|challenges|disadvantages?|pitfalls?|shortcomings?)\b|\bwhat (limits|hinders|"
        r"hampers|impedes|restricts|stands in the way of)\b", re.I)),
    # "What makes X differ?", "What causes X?", "Why ...?", "Which factors contribute to X?": answered by the
    # sentence that says what causes, drives or contributes to X, which may share only X with the question.
    ("cause", re.compile(
        r"^what (makes?|made|causes?|caused|drives?|drove|leads? to|led to|determines?|explains?|underlies|"
        r"(is|are) behind)\b|^why\b|\b(what|which) (are|were|is|was) the (\w+ )?(causes?|reasons?|determinants?|"
        r"drivers?)\b|\b(what|which) (\w+ )?factors?\b", re.I)),
    # "Where do X come from?", "What is the origin of X?": answered by the sentence that says where X originates
    # (or that it is unknown), which may share only X with the question.
    ("origin", re.compile(
        r"\bwhere( (do|does|did|might|could|can|may))? .+\b(come|originate|arise|derive)s?\b|\borigins?\b|"
        r"\b(what|which) (is|are|was|were) the sources? of\b", re.I)),
    # After number and year: "What is the number of ..." asks for a number, not a definition. A term is
    # defined; "What is the best treatment for X?", "What is the effect of X on Y?" ask about its relation to
    # something else (a preposition), which no definition gives.
    ("definition", re.compile(
        r"^(what|who) (is|are) (a |an |the )?(?![\w\s-]*\b(?:of|for|in|on|with|after|between|among|to|from|"
        r"by|during|against)\b)[\w\s-]{1,60}\??$|^define\b|\bwhat does .* (mean|stand for)\b|"
        r"\bdefinition of\b|\bwhat is meant by\b|\bhow (do|does|did|is|are|was|were) [\w\s-]{1,60}\bdefined?\b", re.I)),
]
# What the passages answering a type of question say, added to the search text (not to the question's terms):
# "What is a stem cell?" shares only "stem cell" with the sentence that defines it, and with hundreds of others.
_SEARCH_CUES = {"definition": "is defined as", "origin": "the origin of", "limitation": "is limited by challenges",
                "cause": "is caused by factors", "conclusion": "in conclusion"}
_LIST_CUES = re.compile(
    rf"\b(which|what) (\w+ ){{0,3}}{LISTED}\b|\blist\b|\bname (the|all)\b|\bwhich .* (were|are) (used|given)\b",
    re.I,
)
# What a question asks for by a plural noun after up to two modifiers, the fewest words that end in one
# ("How many clinical trials ...?": "clinical trials"); "of the", "of these" before it are left out.
PLURAL_ASKED = r"(?:of (?:the|these|those)\s+)?((?:[^\W\d_][\w-]*\s+){0,2}?[^\W\d_][\w-]*s)\b"
# "How many studies ...?", "How many of the trials ...?": what a count counts.
_COUNTED = re.compile(rf"\bhow many\s+{PLURAL_ASKED}", re.I)
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
    counted: str | None = None  # what "how many ...?" counts ("studies"), as the question says it
    study_refs: set[tuple[str, int]] = field(default_factory=set)  # (doc_id, number) of the studies named
    study_documents: set[str] = field(default_factory=set)  # those studies' own documents, where the library has them
    named_documents: set[str] = field(default_factory=set)  # documents named by their own authors ("the Kersin review")
    entity_forms: dict[str, list[str]] = field(default_factory=dict)  # long forms of each entity, most used first
    idf: dict[str, float] = field(default_factory=dict)  # of the terms the corpus has (others: the maximum)
    unmentioned: list[str] = field(default_factory=list)  # substances, conditions the library never names
    # Each term of an abbreviation the question names, by either form, and the token sets of its other forms: a
    # text that says "PCa" holds "prostate cancer", one that says "prostate cancer" holds "PCa" (`forms_of`).
    counterparts: dict[str, list[frozenset[str]]] = field(default_factory=dict)

    @property
    def search_text(self) -> str:
        """What the passages are searched with: the expanded question and the wording of its answer type."""
        cue = _SEARCH_CUES.get(self.answer_type)
        return f"{self.expanded} {cue}" if cue else self.expanded


def forms_of(matches: Iterable[Match]) -> dict[str, list[frozenset[str]]]:
    """For each token of a short or long form of the `matches`, the token sets of the other form(s). An
    abbreviation the text names by a long form keeps that meaning: of its other long forms, only its variants
    (`same_sense`, as `Glossary.expand` appends)."""
    out: dict[str, list[frozenset[str]]] = {}
    for m in matches:
        short = frozenset(tokenize(m.short))
        longs = [frozenset(tokenize(f)) for f in m.long_forms if not m.by_long or same_sense(m.by_long, f)]
        for token in short:
            out.setdefault(token, []).extend(f for f in longs if f and token not in f)
        for form in longs:
            for token in form - short:
                if short:
                    out.setdefault(token, []).append(short)
    return {t: list(dict.fromkeys(sets)) for t, sets in out.items() if sets}


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


FOLLOW_UP_CHAIN = 3  # earlier user turns a follow-up's reading goes back through, at most


def _earlier_tokens(history: list[Turn], glossary: Glossary) -> set[str]:
    """Tokens of the conversation so far, its latest part with abbreviations expanded (a long conversation is
    not looked up whole on every question)."""
    text = " ".join(t.content for t in history)
    return set(tokenize(text)) | set(tokenize(glossary.expand(text[-HISTORY_EXPANDED_CHARS:], QUERY_EXPANSION_CHARS)))


def _first_long(glossary: Glossary, short: str) -> str | None:
    forms = glossary.long_forms(short)
    return forms[0] if forms else None


def resolve_follow_up(question: str, history: list[Turn], glossary: Glossary,
                      kinds: Callable[[Iterable[str]], dict[str, str]] | None = None, depth: int = 0) -> str:
    """Rewrite an elliptical follow-up ("And for IVH?") into a full question using the last user turn, itself
    read as a follow-up of the turns before it (up to `FOLLOW_UP_CHAIN` turns back): "Which was safest?" after
    "Which routes were used for NEC?", "And for HIE?" asks about the routes for HIE.

    `kinds` names the table column of each entity (see `Lookups.entity_kinds`), to pair old and new ones."""
    last = next((i for i in range(len(history) - 1, -1, -1)
                 if history[i].role == "user" and history[i].content.strip()), None)
    if last is None:
        return question
    previous = history[last].content
    if depth < FOLLOW_UP_CHAIN:
        previous = resolve_follow_up(previous, history[:last], glossary, kinds, depth + 1)
    content = tokenize(question)
    elliptical = bool(_ELLIPTICAL.match(question.strip())) or len(content) <= 2
    new = glossary.entities(question)
    old = glossary.entities(previous)
    names_own_topic = bool(new) or any(w[0].isupper() for w in re.findall(r"\b([^\W\d_][\w'’-]*) et al\b", question))
    continues = bool(_PRONOUN.search(question)) or bool(set(tokenize(question)) & _earlier_tokens(history, glossary))
    if not elliptical and (names_own_topic or not continues):
        return question  # a question of its own, not a follow-up
    pairs = pair_entities(old, new, kinds(old + new) if kinds else {}) if elliptical else []
    if pairs:
        resolved = previous
        for before, after in pairs:
            resolved = re.sub(rf"(?<![\w-]){re.escape(before)}(?![\w-])", after, resolved)
            long_before, long_after = _first_long(glossary, before), _first_long(glossary, after)
            if long_before and long_after:
                resolved = re.sub(re.escape(long_before), long_after, resolved, flags=re.I)
        return resolved
    if elliptical:
        rest = _ELLIPTICAL.sub("", question.strip()).strip(" ?,.")
        return f"{previous.rstrip(' ?')} — {rest}?" if rest else previous
    # The question leans on the previous one (a pronoun, or no topic of its own): carry that topic along.
    return f"{question.rstrip(' ?')} ({previous.strip().rstrip('?')})?"


def capitalised_words(text: str) -> list[str]:
    """The words of `text` that start with a capital, as authors' names do ("Chang", "Özek", "Borhani-Haghighi")."""
    return [w for w in re.findall(r"\b([^\W\d_][\w-]+)", text) if w[0].isupper()]


def analyse(question: str, history: list[Turn] | None, glossary: Glossary, lookups: Lookups) -> Query:
    """Resolve, expand and classify a question, looking its abbreviations and authors up in the index."""
    resolved = resolve_follow_up(question, history or [], glossary, lookups.entity_kinds) if history else question
    answer_type = next((name for name, pattern in _TYPES if pattern.search(resolved)), "generic")
    matches = glossary.find(resolved)
    expanded = glossary.expand(resolved, QUERY_EXPANSION_CHARS)
    capitalised = capitalised_words(resolved)
    surnames = lookups.surnames(fold(w) for w in capitalised)
    ref = re.search(r"\breference (?:number )?(\d+)\b|\bref\.? ?(\d+)\b", resolved, re.I)
    return Query(
        question=question,
        resolved=resolved,
        expanded=expanded,
        terms=list(dict.fromkeys(tokenize(expanded))),
        focus_terms=list(dict.fromkeys(tokenize(glossary.expand(question, QUERY_EXPANSION_CHARS)))),
        answer_type=answer_type,
        is_list=bool(_LIST_CUES.search(resolved) or is_typed_list(resolved))
        and answer_type not in ("number", "year", "bibliographic"),
        entities=[m.short for m in matches],
        entity_forms={m.short: list(m.long_forms) for m in matches},
        counterparts=forms_of(matches),
        authors=[w for w in capitalised if fold(w) in surnames],
        reference_number=int(next(g for g in ref.groups() if g)) if ref else None,
        cross_document=bool(_CROSS_DOCUMENT.search(resolved)) and not _SINGLE_DOCUMENT.search(resolved),
        asks_abbreviation=bool(_ABBREVIATION.search(resolved)),
        compares=bool(_COMPARISON.search(question)) or asks_which_of_two(question),
        # The question's own words: a follow-up after "How many infants?" does not count infants.
        counted=counted.group(1).lower() if (counted := _COUNTED.search(question)) else None,
    )


class StemFrequencies:
    """A question's lookups of how many answer units hold each stem (`Lookups.document_frequencies`), each stem
    looked up once: the spelling, the lay words and the IDF ask about mostly the same stems."""

    def __init__(self, lookup: Callable[[Iterable[str]], dict[str, int]]) -> None:
        self.lookup = lookup
        self.found: dict[str, int] = {}
        self.asked: set[str] = set()

    def __call__(self, tokens: Iterable[str]) -> dict[str, int]:
        tokens = set(tokens)
        if new := tokens - self.asked:
            self.found.update(self.lookup(new))
            self.asked |= new
        return {t: self.found[t] for t in tokens if t in self.found}

