"""Index build benchmark: documents, chunks, build seconds, embedding throughput of the pipeline against raw
`model.encode` on the same texts in the same run, index bytes on disk and peak RSS.

Run: `.venv/bin/python bench/index_build.py [--repeat 3]`
"""

from __future__ import annotations

import argparse
import time

from _common import folder_bytes, peak_rss_mib, temp_index_dir

from corpus.store import BUILTIN_CORPUS, load_corpus
from index.build import build_index
from index.chunking import chunk_document
from index.embedder import Embedder
from index.model import ChunkingConfig
from index.units import document_units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions of each encoder (best kept)")
    args = parser.parse_args()
    embedder = Embedder()
    docs = load_corpus(BUILTIN_CORPUS).documents
    texts = [c.embed_text for d in docs for c in chunk_document(d, ChunkingConfig())]
    texts += [u.embed_text for d in docs for u in document_units(d)]
    embedder.encode(texts[:16])  # warm-up

    def best_of(fn) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    raw = best_of(lambda: embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True,
                                                convert_to_numpy=True, show_progress_bar=False))
    pipeline = best_of(lambda: embedder.encode(texts))
    folder = temp_index_dir()
    t = time.perf_counter()
    manifest = build_index(BUILTIN_CORPUS, folder, embedder).manifest
    build = time.perf_counter() - t
    print(f"documents                 {manifest.documents}")
    print(f"chunks / units            {manifest.chunks} / {manifest.units}")
    print(f"build seconds             {build:.2f}  (model already loaded)")
    print(f"texts (chunks + units)    {len(texts)}; embedded by the build: {manifest.embedded_texts}")
    print(f"raw model.encode          {len(texts) / raw:.1f} texts/s")
    print(f"pipeline Embedder.encode  {len(texts) / pipeline:.1f} texts/s")
    print(f"pipeline / raw            {raw / pipeline:.3f}x  (goal >= 0.9x)")
    print(f"index bytes on disk       {folder_bytes(folder):,}")
    print(f"peak RSS                  {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
