"""Vectors only, at 10M: derived vectors in a float32 memory map on disk, IVF-PQ through the index layer.

The vectors (10M x 384 float32, about 15 GB) are written in batches to the work folder and deleted at the end
unless kept. The index is built by `index.vectors.build_vectors(kind="ivfpq")` in a fresh process (the
`vectors` step of `scale_worker.py`), which reports build time, the RSS it added, the FAISS index's size,
query latency and recall@10 against an exact scan of the memory map.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scale_common import GIB, human_bytes, load_average, read_json
from scale_corpus import MODEL
from tqdm import tqdm

from eval.synthetic.vectors import DerivedEmbedder

BATCH = 131_072
HERE = Path(__file__).resolve().parent


def write_vectors(path: Path, embedder: DerivedEmbedder, n: int) -> float:
    """Write (or reuse) `n` derived vectors; returns the seconds it took."""
    dim = embedder.dimension
    if path.exists():  # a complete file of an earlier run (the .npy header makes it longer than the data)
        try:
            earlier = np.load(path, mmap_mode="r")
            if earlier.shape == (n, dim) and earlier.dtype == np.float32:
                return 0.0
        except ValueError:
            pass
    t = time.perf_counter()
    out = np.lib.format.open_memmap(path.with_suffix(".tmp.npy"), mode="w+", dtype=np.float32, shape=(n, dim))
    for start in tqdm(range(0, n, BATCH), desc="derived vectors", unit="batch"):
        count = min(BATCH, n - start)
        out[start : start + count] = embedder.encode_ids(start, count)
    out.flush()
    del out
    path.with_suffix(".tmp.npy").replace(path)
    return time.perf_counter() - t


def vectors_only(work: Path, sample: Path, n: int, seed: int, keep: bool = False, kind: str = "ivfpq",
                 questions: Path | None = None, reuse: bool = False) -> dict[str, object]:
    folder = work / "vectors-only"
    folder.mkdir(parents=True, exist_ok=True)
    embedder = DerivedEmbedder(np.load(sample), MODEL, seed=seed)
    need = n * embedder.dimension * 4
    free = shutil.disk_usage(folder).free
    print(f"\n== vectors only: {n:,} derived vectors of dimension {embedder.dimension} ({human_bytes(need)}); "
          f"free on {folder}: {human_bytes(free)}; {load_average()}", flush=True)
    path = folder / f"derived-{n}.npy"
    if not path.exists() and free < need * 1.3:
        raise SystemExit(f"not enough disk for {human_bytes(need)} of vectors in {folder}")
    seconds = write_vectors(path, embedder, n)
    print(f"vectors written in {seconds:.0f} s" if seconds else "vectors reused from an earlier run", flush=True)
    out = folder / f"result-{kind}-{n}.json"
    try:
        cmd = [sys.executable, str(HERE / "scale_worker.py"), "vectors", "--vectors", str(path), "--sample",
               str(sample), "--seed", str(seed), "--out", str(out), "--index", str(folder / f"{kind}-{n}.faiss"),
               "--kind", kind, *(["--questions", str(questions)] if questions else []), *(["--reuse"] if reuse else [])]
        if subprocess.run(cmd, check=False, cwd=HERE.parent).returncode != 0:
            raise SystemExit("the vectors step failed")
    finally:
        if not keep:
            path.unlink(missing_ok=True)
            (folder / f"{kind}-{n}.faiss").unlink(missing_ok=True)
    result = dict(read_json(out))
    result["kind"] = kind
    print_vectors(result, n)
    return result


def print_vectors(r: dict[str, object], n: int) -> None:
    def row(name: str, value: object, note: str = "") -> None:
        print(f"  {name:<44} {value!s:<34} {note}")

    print(f"\n### {n:,} vectors (index.vectors.build_vectors(kind={r.get('kind', 'ivfpq')!r}))")
    for key, value in r.items():
        if key in ("index_bytes",) and isinstance(value, int):
            row(key, human_bytes(value), f"target in memory <= 8 GiB ({value / GIB:.2f} GiB)")
        else:
            row(key, value)
