"""Question encoding through ONNX Runtime: the model's own weights, exported once, without torch at start-up.

A question is one short text, and the server needs it encoded fast and soon after it starts. Loading
sentence-transformers imports torch, transformers and scikit-learn (9 s here) and runs one forward pass through
torch's eager modules (~20 ms per question on one thread). The same network exported to ONNX and run by ONNX
Runtime (`onnxruntime`, with the model's own fast tokenizer from `tokenizers`) starts in under a second and
encodes a question in about half the time, with vectors equal to sentence-transformers' within 1e-6 (tested).

The export runs once per model and machine (torch's exporter, ~2 s plus imports) into a cache folder keyed by
the model's files, written beside and renamed into place; `make install` prepares the default model's. Only the
plain sentence-transformers layout is exported: a Transformer, mean or CLS pooling, optional normalisation. Any
other model (a Dense layer, a custom module) is encoded by sentence-transformers as before. Large weights that
several exports hold alike (the word embeddings of the question encoder and of the stance encoder's members) are
stored and loaded once (`index/onnx_shared.py`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.onnx_shared import SHARED_DIR, add_shared, write_shared

log = logging.getLogger(__name__)

EXPORT_VERSION = "2"  # part of the cache key: a change to the export makes a new folder (2: shared weights)
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_TRANSFORMER, _POOLING, _NORMALIZE = ("sentence_transformers.models." + n for n in ("Transformer", "Pooling",
                                                                                    "Normalize"))


def default_cache_root() -> Path:
    """Where exports are kept unless QA_CACHE_DIR says otherwise: the user's cache folder."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neoqa"


def pipeline_of(model_path: Path) -> dict[str, object] | None:
    """The pooling and normalisation of a plain sentence-transformers model folder, or None if it is not one."""
    try:
        modules = json.loads((model_path / "modules.json").read_text(encoding="utf-8"))
        types = [m["type"] for m in modules]
        if types not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]) or modules[0]["path"]:
            return None
        pooling = json.loads((model_path / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        config = json.loads((model_path / "sentence_bert_config.json").read_text(encoding="utf-8"))
        tokenizer = model_path / "tokenizer.json"
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    if modes not in (["pooling_mode_mean_tokens"], ["pooling_mode_cls_token"]) or not tokenizer.is_file():
        return None
    return {"pooling": "mean" if modes == ["pooling_mode_mean_tokens"] else "cls",
            "normalize": len(types) == 3, "max_seq_length": int(config.get("max_seq_length") or 512),
            "do_lower_case": bool(config.get("do_lower_case")),
            "dimension": int(pooling["word_embedding_dimension"])}


def cache_folder(model_path: Path, root: Path, adapter: Path | None = None) -> Path:
    """The export's folder for this model (and `adapter`, a folder of weights merged into it before export):
    keyed by their files' names, sizes and modification times."""
    digest = hashlib.sha256(f"{EXPORT_VERSION}\n{model_path.resolve()}".encode())
    for folder in (model_path, adapter) if adapter else (model_path,):
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            stat = f.stat()
            digest.update(f"\n{f.relative_to(folder)} {stat.st_size} {stat.st_mtime_ns}".encode())
    label = model_path.parent.name if model_path.name == "model" else model_path.name  # a packaged model's folder
    if adapter:
        label += f"+{adapter.parent.name}.{adapter.name}"
    return root / "onnx" / f"{label}-{digest.hexdigest()[:16]}"


def export(model_path: Path, folder: Path) -> None:
    """Export the model's transformer to `folder` (model.onnx, tokenizer.json, pipeline.json), atomically."""
    pipeline = pipeline_of(model_path)
    if pipeline is None:
        raise ValueError(f"{model_path} is not a plain sentence-transformers model (transformer + pooling)")

    def load():  # noqa: ANN202 - a transformers model
        from transformers import AutoModel

        return AutoModel.from_pretrained(str(model_path))

    export_network(load, model_path / "tokenizer.json", pipeline, folder)


def export_network(load: Callable[[], Any], tokenizer: Path, pipeline: dict[str, object], folder: Path) -> None:
    """Export the transformer `load` returns (its last hidden state) with its tokenizer and the `pipeline` that
    pools its output, into `folder` atomically."""
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    class _Hidden(torch.nn.Module):  # keyword inputs, one output: what the exporter traces
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        network = _Hidden(load().eval())
        sample = torch.ones(1, 8, dtype=torch.long)
        axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
        # The tracer warns about shape tests it freezes; they hold for every input shape this encoder feeds
        # (tested on padded batches against sentence-transformers), so the warnings are noise here.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(network, (sample, sample, torch.zeros_like(sample)), str(staging / "model.onnx"),
                              input_names=list(_INPUTS), output_names=["last_hidden_state"], dynamic_axes=axes,
                              opset_version=17, dynamo=False)
        shutil.copyfile(tokenizer, staging / "tokenizer.json")
        shared = write_shared(staging / "model.onnx", folder.parent / SHARED_DIR)
        (staging / "pipeline.json").write_text(json.dumps({**pipeline, "shared_initializers": shared}),
                                               encoding="utf-8")
        try:
            staging.rename(folder)
        except OSError:  # another process exported it first: theirs is the same
            if not (folder / "pipeline.json").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class OnnxEncoder:
    """Unit vectors for short texts from an exported model folder (see `export`); thread-safe."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        pipeline = json.loads((folder / "pipeline.json").read_text(encoding="utf-8"))
        self.pooling = str(pipeline["pooling"])
        self.normalize = bool(pipeline["normalize"])
        self.lower = bool(pipeline["do_lower_case"])
        self.dimension = int(pipeline["dimension"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(pipeline["max_seq_length"]))
        self.tokenizer.no_padding()  # padded below, masked: the pad id never reaches the pooled vector
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # 0: ONNX Runtime's default (all cores)
        options.inter_op_num_threads = 1
        # Weights other exports of the same model hold too (the word embeddings) are kept once per process.
        self._shared_values = add_shared(options, folder, dict(pipeline.get("shared_initializers", {})))
        self.shared = len(self._shared_values)  # how many weights this session shares with other exports
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        # A model that ignores token types (MPNet, RoBERTa) is exported without that input: feed what it takes.
        self.inputs = [i.name for i in self.session.get_inputs()]

    def encode(self, texts: Sequence[str | tuple[str, str]]) -> np.ndarray:
        """float32 rows, pooled (and normalised) as the sentence-transformers model does; a (text, text) pair is
        encoded as one input, the second text with token type 1 (truncated longest first)."""
        inputs = [(t.lower() if isinstance(t, str) else (t[0].lower(), t[1].lower())) for t in texts] \
            if self.lower else list(texts)
        batch = self.tokenizer.encode_batch(inputs)
        width = max((len(e.ids) for e in batch), default=0)
        feed = {name: np.zeros((len(batch), width), dtype=np.int64) for name in _INPUTS}
        for row, e in enumerate(batch):
            n = len(e.ids)
            feed["input_ids"][row, :n] = e.ids
            feed["attention_mask"][row, :n] = e.attention_mask
            feed["token_type_ids"][row, :n] = e.type_ids
        hidden = self.session.run(None, {name: feed[name] for name in self.inputs})[0]
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            mask = feed["attention_mask"][..., None].astype(hidden.dtype)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        if self.normalize:
            pooled = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return np.ascontiguousarray(pooled, dtype=np.float32)


def load_or_export(model_path: Path, root: Path, threads: int = 1) -> OnnxEncoder | None:
    """The model's ONNX encoder, exported first if this machine has none; None for a model that cannot be."""
    if pipeline_of(model_path) is None:
        return None
    folder = cache_folder(model_path, root)
    try:
        if not (folder / "pipeline.json").exists():
            log.info("exporting %s to ONNX for fast questions (once, into %s)", folder.name, folder.parent)
            export(model_path, folder)
        return OnnxEncoder(folder, threads)
    except Exception as exc:  # noqa: BLE001  # any failure here costs speed, never answers
        log.warning("questions are encoded by sentence-transformers: no ONNX encoder for %s (%s)",
                    model_path.name, exc)
        return None


if __name__ == "__main__":  # `make install` prepares the default model's export
    from index.embedder import DEFAULT_MODEL, resolve_model_path

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    encoder = load_or_export(resolve_model_path(DEFAULT_MODEL), Path(os.environ.get("QA_CACHE_DIR") or
                                                                     default_cache_root()))
    print(f"ONNX question encoder ready: {encoder is not None}")
