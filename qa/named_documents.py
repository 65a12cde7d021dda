"""The papers of the library a question names by their own authors: "What did Kersin and Özek conclude?", "the
Kersin review". A bibliography names the studies a paper cites (`Lookups.studies_by`); the library's documents
name their own authors in their metadata (`doc_authors`, each word of each name, folded).

A capitalised word counts when some document's authors hold it and WordNet knows no lower-case word of that
spelling: "Long", "Young" or "Black" open questions as often as they sign papers. Such names are no topic of the
question: those no sentence holds are left out of its terms (counted as words the library lacks, they made the
engine refuse "What did Kersin and Özek conclude?"; a name the text says, "a trial by Okafor et al.", stays),
and the units of the papers named lead the answer (`AnswerEngine.rank`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from index.lexical import fold, tokenize
from index.lookups import Lookups
from qa.query import Query, capitalised_words
from qa.wordnet import WordNet

MAX_NAMED_DOCUMENTS = 20  # documents a question's names are looked up in, at most (common names, a large library)


def name_documents(query: Query, lookups: Lookups, wordnet: WordNet | None,
                   frequencies: Callable[[Iterable[str]], dict[str, int]]) -> None:
    """Set `query.named_documents` to the documents whose authors the question names, and leave those names that
    no answer unit holds (`frequencies`: stem -> units holding it, unknown stems left out) out of the question's
    terms (see the module doc); a name the text says ("a trial by Okafor et al.") stays one."""
    names = {fold(w): w for w in capitalised_words(query.resolved)}
    # Looked up first: most questions name no author, and need no WordNet for it.
    found = {word: docs for word, docs in lookups.documents_by(names, MAX_NAMED_DOCUMENTS).items()
             if wordnet is None or not wordnet.is_word(names[word].lower())}
    if not found:
        return
    query.named_documents = set().union(*found.values())
    stems = {s for word in found for s in tokenize(names[word])}
    stems -= frequencies(stems).keys()
    query.terms = [t for t in query.terms if t not in stems]
    query.focus_terms = [t for t in query.focus_terms if t not in stems]
