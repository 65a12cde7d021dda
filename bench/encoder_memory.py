"""Memory of the ONNX encoders an answering process loads: the question encoder and the stance encoder's members,
with their common word embeddings held once (`index/onnx_shared.py`), against the same code with nothing
shared (each session reads its own copy from its model file: the baseline), each in a fresh process, in the
same run. Both encode the same (question, finding) pairs; the largest difference between their outputs is
printed too.

Run: `.venv/bin/python bench/encoder_memory.py` (after `make install`, which prepares the exports)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import _common  # noqa: F401 - puts the project on the path, offline model loading

PAIRS = [("Does caffeine reduce apnea in preterm infants?", "Caffeine reduced apnea episodes by half (p < 0.01)."),
         ("Is cord blood safe?", "No serious adverse events were seen in 9 infants given cord blood cells.")]

CHILD = r"""
import json, sys
from index.embedder import DEFAULT_MODEL, resolve_model_path
from index.onnx_encoder import default_cache_root, load_or_export
from qa.stance_encoder import load

def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024

pairs = json.loads(sys.argv[2])
root = default_cache_root()
if sys.argv[1] == "plain":  # the baseline: the same code with nothing shared, each session reads its own copy
    import index.onnx_encoder
    index.onnx_encoder.add_shared = lambda options, folder, names: []
encoders = [load_or_export(resolve_model_path(DEFAULT_MODEL), root)] + [m.encoder for m in load(root).members]
outputs = [e.encode([tuple(p) for p in pairs]) for e in encoders]
print(json.dumps({"sessions": len(encoders), "rss_mib": rss(), "outputs": [o.tolist() for o in outputs]}))
"""


def measure(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, mode, json.dumps(PAIRS)], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    import numpy as np

    plain, shared = measure("plain"), measure("shared")
    diff = max(float(np.abs(np.array(a) - np.array(b)).max()) for a, b in zip(plain["outputs"], shared["outputs"],
                                                                              strict=True))
    print(f"{shared['sessions']} ONNX sessions (question encoder + stance encoder members), RSS after loading and "
          f"one batch:")
    print(f"  each with its own weights (baseline): {plain['rss_mib']:.0f} MiB")
    print(f"  word embeddings shared:               {shared['rss_mib']:.0f} MiB")
    print(f"  ratio shared / baseline: {shared['rss_mib'] / plain['rss_mib']:.2f}; "
          f"largest output difference {diff:.1e}")


if __name__ == "__main__":
    main()
