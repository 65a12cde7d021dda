"""Questions typed as into a search box that ask for a list ("IVH trials?", "mcculloh nec exosome sources?", "bpd
studies listed in the table?"): a few words ending in the plural of a thing a library lists, perhaps followed by
where it is listed. Query understanding reads them as list questions; the yes/no detector does not read them as
verbless title questions ("Aripiprazole: a new risk factor for gambling?"), which ask whether something is so.
"""

from __future__ import annotations

import re

# What a library lists: "Which routes ...?", "BPD studies", "exosome sources".
LISTED = (r"(routes?|markers?|types?|cells?|studies|trials|diseases?|conditions?|components?|characteristics|"
          r"classifications?|sources?|effects?|proteins?|pathways?|factors?|lineages?|organs?|methods?|groups?)")
QUESTION_WORD = (r"(?:which|what|who|how|when|where|why|is|are|was|were|do|does|did|can|could|has|have|had|should|"
                 r"would|will|may|might)")
# A few words typed as into a search box ("IVH trials?", "BPD routes"): the things they name, listed (group 1).
TYPED_LIST = re.compile(rf"^\s*(?!{QUESTION_WORD}\b)(?:[\w-]+\s+){{1,3}}(?<!\bof\s){LISTED}\s*\??\s*$", re.I)
# The same, followed by a participle saying where they are listed ("bpd studies listed in the table?").
_TYPED_LIST_WHERE = re.compile(rf"^\s*(?!{QUESTION_WORD}\b)(?:[\w-]+\s+){{0,3}}{LISTED}\s+[a-z]+ed\b[^:;?]*\??\s*$",
                               re.I)


def is_typed_list(question: str) -> bool:
    """Whether `question` is a few typed words asking for a list of things (see the module doc)."""
    return bool(TYPED_LIST.search(question) or _TYPED_LIST_WHERE.search(question))
