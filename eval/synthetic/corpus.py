"""Write a synthetic corpus folder of about N passages: calibrate documents per passage, then stream files.

"Passages" are the index's chunks. The generator estimates each document's chunks from its own sentences,
table rows and references; a sample of generated documents is parsed and chunked by the real pipeline
(`corpus.store.load_document`, `index.chunking`) to correct that estimate by one ratio. Documents are then
written until the corrected estimates add up to the requested count, so the corpus hits it within a few
percent whatever the mix of short and long documents.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from corpus.store import corpus_sources, load_document
from eval.synthetic.documents import GENERATOR_VERSION, Generator, write_document
from index.chunking import chunk_document
from index.model import ChunkingConfig
from index.units import document_units

MARKER = "synthetic.json"  # what a finished corpus folder records about itself
CALIBRATION_DOCUMENTS = 400


@dataclass
class Calibration:
    documents: int
    ratio: float  # chunks the real chunker makes per estimated chunk
    chunks_per_document: float
    units_per_document: float
    glossary_per_document: float
    tables_per_document: float
    references_per_document: float
    shapes: dict[str, int]
    texts: list[str] = field(default_factory=list, repr=False)  # what the sample documents would embed


def calibrate(generator: Generator, chunking: ChunkingConfig, count: int = CALIBRATION_DOCUMENTS,
              start: int = 0) -> Calibration:
    """Parse and chunk `count` generated documents (written to a temporary folder) and average what they give."""
    chunks, units, glossary, tables, refs = [], [], [], [], []
    shapes: dict[str, int] = {}
    estimated = 0
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="neoqa-synthetic-") as tmp:
        folder = Path(tmp)
        for i in range(start, start + count):
            doc = generator.document(i)
            shapes[doc.shape] = shapes.get(doc.shape, 0) + 1
            estimated += doc.estimated_chunks
            write_document(doc, folder)
        for source in corpus_sources(folder):
            parsed = load_document(source.path, source.doc_id)
            doc_chunks, doc_units = chunk_document(parsed, chunking), document_units(parsed)
            chunks.append(len(doc_chunks))
            units.append(len(doc_units))
            texts += [c.embed_text for c in doc_chunks] + [u.embed_text for u in doc_units]
            glossary.append(len(parsed.glossary))
            tables.append(len(parsed.tables))
            refs.append(len(parsed.references))
    mean = statistics.fmean
    return Calibration(count, sum(chunks) / max(1, estimated), mean(chunks), mean(units), mean(glossary),
                       mean(tables), mean(refs), shapes, texts)


def existing(folder: Path) -> dict[str, object] | None:
    """What a finished corpus folder was generated with (None if unfinished or absent)."""
    path = folder / MARKER
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None


def write_corpus(folder: Path, generator: Generator, passages: int, ratio: float,
                 extra: dict[str, object] | None = None, progress: bool = False) -> dict[str, object]:
    """Write documents 0, 1, ... into `folder` until their estimated chunks (times `ratio`) reach `passages`
    (an unfinished earlier attempt is overwritten), then mark the folder finished. Returns the marker."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    written, expected, count = 0, 0.0, 0
    with tqdm(total=passages, desc="generate", unit="passage", disable=not progress) as bar:
        while expected < passages:
            doc = generator.document(count)
            written += write_document(doc, folder)
            count += 1
            expected += doc.estimated_chunks * ratio
            bar.update(min(passages, round(expected)) - bar.n)
    marker: dict[str, object] = {"generator_version": GENERATOR_VERSION, "seed": generator.seed, "documents": count,
                                 "expected_chunks": round(expected), "bytes": written, **(extra or {})}
    (folder / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
    return marker


def calibration_dict(calibration: Calibration) -> dict[str, object]:
    """The calibration's numbers (without its texts), for a report."""
    out = asdict(calibration)
    out.pop("texts")
    return out
