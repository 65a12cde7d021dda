"""Seeded documents of three shapes, written as `.txt` files with `.meta.json` sidecars the real parser reads.

- abstract (most): a title, labelled sections (Background, Methods, Results, Conclusions or their variants) or a
  single paragraph; 2-5 abbreviations defined in running text.
- article: abstract, introduction, methods, results with a table of numbers and its legend, discussion with
  in-text citations, and 10-30 numbered references.
- review: like the shipped review: sections per topic, citations "(12)" and "Kim et al. (7)", a list, a table
  of studies (study, design/route, intervention, condition, effect) with its abbreviation legend, 25-90
  numbered references.

Document `i` depends only on (seed, i): any document can be regenerated alone, in any order, and a corpus is
written as a stream (nothing is held in memory but the document being written).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eval.synthetic import names, tables
from eval.synthetic.names import Entity
from eval.synthetic.rewrite import Rewriter, cite
from eval.synthetic.sources import Pools

GENERATOR_VERSION = "1"
CHUNK_CHARS = 700  # the index's default window; the calibration absorbs other settings
SHAPES = (("abstract", 0.80), ("article", 0.13), ("review", 0.07))
_INTRODUCE = ["{long} ({short}) was the focus of this work.", "{long} ({short}) remains poorly understood.",
              "We also examined {long} ({short}).", "Patients were assessed for {long} ({short}).",
              "The role of {long} ({short}) was considered in every analysis."]


@dataclass
class GeneratedDocument:
    """One document's file contents and what questions may ask about it."""

    name: str
    shape: str
    title: str
    text: str
    meta: dict[str, object]
    entities: list[Entity]
    drugs: list[str]
    cited: list[tuple[str, int]] = field(default_factory=list)  # (first author's surname, reference number)
    table_kind: str | None = None
    sentences: list[str] = field(default_factory=list)
    estimated_chunks: int = 0  # what the chunker should make of it (calibrated against the real one)


def windows(lengths: list[int], chunk_chars: int = CHUNK_CHARS) -> int:
    """How many greedy sentence windows of at most `chunk_chars`, overlapping by one sentence, as the chunker
    cuts a section (sentences joined by one space)."""
    count, i = 0, 0
    while i < len(lengths):
        j, span = i + 1, lengths[i]
        while j < len(lengths) and span + 1 + lengths[j] <= chunk_chars:
            span += 1 + lengths[j]
            j += 1
        count += 1
        if j >= len(lengths):
            break
        i = max(j - 1, i + 1)
    return count


def title_case(text: str) -> str:
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "vs"}
    words = text.split()
    return " ".join(w if (i and w in small) or w[:1].isupper() else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


class Generator:
    """Documents of a seeded synthetic library drawn from `pools`."""

    def __init__(self, pools: Pools, seed: int = 0) -> None:
        self.pools = pools
        self.seed = seed
        self.journals = sorted({r.journal for r in pools.references})

    def name(self, i: int) -> str:
        return f"gen-{i:07d}"

    def shape(self, rng: random.Random) -> str:
        roll, total = rng.random(), 0.0
        for shape, share in SHAPES:
            total += share
            if roll < total:
                return shape
        return SHAPES[-1][0]

    def document(self, i: int) -> GeneratedDocument:
        rng = random.Random(f"neoqa-synthetic:{self.seed}:{i}")
        shape = self.shape(rng)
        entities = self._entities(rng, 2 + rng.randint(0, 3 if shape == "abstract" else 5))
        drugs = [names.drug(rng) for _ in range(rng.randint(1, 3))]
        condition = next(e for e in entities if e.kind == "condition")
        study = names.with_article(names.design(rng))
        title = title_case(f"{drugs[0]} for {condition.long} in {names.population(rng)}: {study}")
        authors = [names.full_name(rng, self.pools.surnames) for _ in range(rng.randint(1, 6))]
        doc = GeneratedDocument(self.name(i), shape, title, "", {
            "title": title, "authors": authors, "journal": names.journal(rng, self.journals),
            "year": rng.randint(1995, 2024), "kind": "summary" if shape == "abstract" else "full_text"},
            entities, drugs)
        rewriter = Rewriter(rng, entities)
        blocks = self._abstract(rng, rewriter, doc) if shape == "abstract" else self._long(rng, rewriter, doc)
        doc.text = "\n\n".join([title, *blocks]) + "\n"
        return doc

    def _entities(self, rng: random.Random, count: int) -> list[Entity]:
        makers = [names.cells, names.measure, names.score, names.condition]
        out = [names.condition(rng)]
        while len(out) < count:
            entity = rng.choice(makers)(rng)
            if all(e.short != entity.short for e in out):
                out.append(entity)
        return out

    def _section(self, rng: random.Random, rewriter: Rewriter, role: str, count: int) -> list[str]:
        pool = self.pools.sentences[role]
        return [rewriter.sentence(pool[rng.randrange(len(pool))]) for _ in range(count)]

    def _abstract(self, rng: random.Random, rewriter: Rewriter, doc: GeneratedDocument) -> list[str]:
        plan = [("background", rng.randint(2, 4)), ("methods", rng.randint(2, 5)), ("results", rng.randint(2, 6)),
                ("conclusions", rng.randint(1, 3))]
        paragraphs = [self._section(rng, rewriter, role, n) for role, n in plan]
        rewriter.define_first_uses(paragraphs, _INTRODUCE)
        doc.sentences = [s for p in paragraphs for s in p]
        if rng.random() < 0.25:  # an unstructured abstract: one paragraph, no headings
            doc.estimated_chunks = windows([len(s) for s in doc.sentences])
            return [" ".join(doc.sentences)]
        doc.estimated_chunks = sum(windows([len(s) for s in p]) for p in paragraphs)
        out = []
        for (role, _), para in zip(plan, paragraphs, strict=True):
            out += [rng.choice(self.pools.section_labels[role]), " ".join(para)]
        return out

    def _references(self, rng: random.Random, count: int) -> tuple[list[str], list[tuple[str, int]]]:
        lines, cited = [], []
        for n in range(1, count + 1):
            ref = rng.choice(self.pools.references) if self.pools.references and rng.random() < 0.5 else None
            authors = [names.author(rng, self.pools.surnames) for _ in range(rng.randint(1, 4))]
            title = ref.title if ref else title_case(
                f"{names.drug(rng)} in {names.condition(rng).long}: {names.with_article(names.design(rng))}")
            journal = names.journal(rng, self.journals)
            year, volume, page = rng.randint(1985, 2024), rng.randint(1, 250), rng.randint(1, 2900)
            etal = ", et al" if rng.random() < 0.4 else ""
            lines.append(f"{n}. {', '.join(authors)}{etal}. {title}. *{journal}* {year}; {volume}: "
                         f"{page}-{page + rng.randint(3, 15)}.")
            cited.append((authors[0].split()[0], n))
        return lines, cited

    def _paragraph(self, rng: random.Random, rewriter: Rewriter, cited: list[tuple[str, int]], roles: list[str],
                   review_share: float) -> list[str]:
        out = []
        for _ in range(rng.randint(3, 7)):
            pool = self.pools.review if rng.random() < review_share else self.pools.sentences[rng.choice(roles)]
            sentence = rewriter.sentence(pool[rng.randrange(len(pool))])
            out.append(cite(rng, sentence, cited) if rng.random() < 0.45 else sentence)
        return out

    def _long(self, rng: random.Random, rewriter: Rewriter, doc: GeneratedDocument) -> list[str]:
        review = doc.shape == "review"
        refs, doc.cited = self._references(rng, rng.randint(25, 90) if review else rng.randint(10, 30))
        sections: list[tuple[str, list[list[str]]]] = [("Abstract", [self._section(rng, rewriter, "background", 4)])]
        if review:
            topics = [*self.pools.headings, *(title_case(f"{e.long} and {d}") for e in doc.entities
                                              for d in doc.drugs)]
            plan = [("Introduction", 2)] + [(rng.choice(topics), rng.randint(1, 3)) for _ in range(rng.randint(3, 6))]
            plan.append(("Conclusion", 1))
        else:
            plan = [("Introduction", 2), ("Methods", 2), ("Results", 2), ("Discussion", 3)]
        roles = ["background", "results", "conclusions"] if review else ["methods", "results", "conclusions"]
        for heading, count in plan:
            sections.append((heading, [self._paragraph(rng, rewriter, doc.cited, roles, 0.35 if review else 0.1)
                                       for _ in range(count)]))
        paragraphs = [p for _, paras in sections for p in paras]
        rewriter.define_first_uses(paragraphs, _INTRODUCE)
        doc.sentences = [s for p in paragraphs for s in p]
        table_at = rng.randrange(2, len(sections)) if len(sections) > 2 else len(sections) - 1
        blocks: list[str] = []
        doc.estimated_chunks = len(refs)
        for n, (heading, paras) in enumerate(sections):
            blocks.append(heading)
            blocks += [" ".join(p) for p in paras]
            lengths = [len(s) for p in paras for s in p]
            if review and n == 1 and rng.random() < 0.5:
                blocks += tables.bullet_list(rng, doc.entities, doc.cited)
                doc.estimated_chunks += 1
            if n == table_at:
                table, legend, doc.table_kind = tables.table(rng, doc, self.pools, review)
                blocks += [table, legend]
                doc.estimated_chunks += table.count("\n")
                lengths.append(len(legend))
            doc.estimated_chunks += windows(lengths)
        return [*blocks, "References", "\n".join(refs)]


def write_document(doc: GeneratedDocument, folder: Path) -> int:
    """Write the text and its sidecar; returns the bytes written."""
    text = doc.text.encode("utf-8")
    meta = json.dumps(doc.meta, ensure_ascii=False).encode("utf-8")
    (folder / f"{doc.name}.txt").write_bytes(text)
    (folder / f"{doc.name}.meta.json").write_bytes(meta)
    return len(text) + len(meta)


def documents(generator: Generator, count: int, start: int = 0) -> Iterator[GeneratedDocument]:
    for i in range(start, start + count):
        yield generator.document(i)
