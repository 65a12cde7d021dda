"""A synthetic biomedical library for scale benchmarks and scale tests.

`sources` reads the shipped text (the built-in reviews and, when present, the PubMedQA abstracts) into pools of
sentences, table rows and references; `documents` recombines them, seeded, into abstracts, short articles and
reviews written as files the real parser reads; `questions` asks about what was generated; `vectors` stands in
for the embedding model on large corpora (mixes of real sample vectors, see its docstring).
"""
