"""Large weights that several ONNX exports hold in common, kept in memory once per process.

The question encoder and every member of the stance encoder (`qa/stance_encoder.py`) are exports of the same
sentence model; the members' adapters change its attention and feed-forward layers, not its word embeddings, a
30,522 x 384 table that is half of the model's weights (47 MB). Each ONNX Runtime session would hold its own
copy: four sessions, four copies. So an export also writes each large initializer (at least
`MIN_SHARED_ELEMENTS` values) once into a shared folder beside the exports, named by the digest of its bytes,
and lists them in its `pipeline.json`; a session is then handed the one in-memory array of that digest
(`SessionOptions.add_initializer`: ONNX Runtime uses it instead of deserialising the model's own copy).
Equal bytes, equal file: nothing is shared that is not identical. Measured: the question encoder and three
members load in 370 MiB instead of 503, with outputs bit for bit the same (`bench/encoder_memory.py`).

A shared file that is missing or does not match its digest is not used: the session reads the model's own copy
(slower start, more memory, same numbers) and the log says so.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MIN_SHARED_ELEMENTS = 1_000_000  # the word embeddings of a sentence model; small tensors are not worth a file
SHARED_DIR = "shared"


def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:32]


def write_shared(model_file: Path, shared: Path) -> dict[str, str]:
    """Store the large initializers of `model_file` in `shared` (one `<digest>.npy` each, written atomically and
    only once); returns initializer name -> file name, for the export's `pipeline.json`."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(model_file))
    names: dict[str, str] = {}
    for tensor in model.graph.initializer:
        if int(np.prod(tensor.dims)) < MIN_SHARED_ELEMENTS:
            continue
        array = numpy_helper.to_array(tensor)
        name = f"{_digest(array)}.npy"
        target = shared / name
        if not target.exists():
            shared.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=shared)
            with os.fdopen(fd, "wb") as out:
                np.save(out, array)
            os.replace(tmp, target)  # another export writing the same bytes wins or loses: same file
        names[tensor.name] = name
    return names


@lru_cache(maxsize=16)
def _load(path: Path) -> tuple[np.ndarray, Any] | None:
    """The array at `path` and its ONNX Runtime value, once per process; None when the file does not hold the
    bytes its name promises."""
    import onnxruntime as ort

    try:
        # Read into memory, not mapped: a cache file rewritten in place would crash a mapping's readers.
        array = np.load(path)
    except (OSError, ValueError) as exc:
        log.warning("not sharing %s: %s", path.name, exc)
        return None
    if f"{_digest(array)}.npy" != path.name:
        log.warning("not sharing %s: its bytes do not match its name (a damaged cache)", path.name)
        return None
    # The value points into `array`: they live and die together (each session's owner holds both).
    return array, ort.OrtValue.ortvalue_from_numpy(array)


def add_shared(options: Any, folder: Path, names: dict[str, str]) -> list[tuple[np.ndarray, Any]]:
    """Hand the session `options` the shared values of the export in `folder` (`names` from its pipeline);
    returns those it could. The session reads them in place for as long as it lives: its owner keeps this list
    (the cache here may drop them)."""
    added = []
    for initializer, file in names.items():
        loaded = _load((folder.parent / SHARED_DIR / file).resolve())
        if loaded is not None:
            options.add_initializer(initializer, loaded[1])
            added.append(loaded)
    return added
