"""The stance encoder: the sentence model itself, fine-tuned to read (question, findings) as yes / no / maybe.

The word model of `qa/stance.py` sees words and cues; this one reads the pair as a whole: all-MiniLM-L6-v2 with
a small LoRA adapter and a 3-way head on its mean-pooled tokens, fitted on PubMedQA dev's (question,
conclusion) pairs by `python -m eval.fit_stance_encoder`. Several members (fitted with different seeds) are
averaged. The verdict weighs their probabilities against the word model's (`StanceModel.verdict_probabilities`,
weight and threshold chosen by cross-validation in `eval/stance_fit.py`).

Shipped as plain files in `qa/stance_encoder/`: a JSON manifest and, per member, the adapter as peft writes it
(`adapter_config.json`, `adapter_model.safetensors`) and the head (`head.safetensors`). At answer time nothing
here imports torch: each member (base model with its adapter merged) is exported to ONNX once per machine into
the cache folder (`make install` prepares it, as for the question encoder) and run by ONNX Runtime; the head is
a 3 x 384 matrix applied in numpy. Without the members or their export (no torch, a broken cache) the verdict
falls back to the word model alone, with its own threshold, and says so in the log.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.embedder import resolve_model_path
from index.onnx_encoder import OnnxEncoder, cache_folder, default_cache_root, export_network, pipeline_of
from qa.stance import CLASSES

log = logging.getLogger(__name__)

ENCODER_DIR = Path(__file__).with_name("stance_encoder")
MANIFEST = "manifest.json"


@dataclass
class Member:
    """One fine-tuned encoder: its ONNX export and its head."""

    encoder: OnnxEncoder
    weight: np.ndarray  # classes x hidden
    bias: np.ndarray


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class StanceEncoder:
    """P(yes), P(no), P(maybe) that findings answer a question so: the mean over the members."""

    def __init__(self, members: list[Member]) -> None:
        if not members:
            raise ValueError("a stance encoder needs at least one member")
        self.members = members

    def __call__(self, question: str, findings: list[str]) -> dict[str, float]:
        """The findings (in citation order) are read together, after the question, as the members were fitted."""
        pair = [(question, " ".join(findings) or ".")]
        probs = np.mean([_softmax(m.encoder.encode(pair)[0] @ m.weight.T + m.bias) for m in self.members], axis=0)
        return {c: float(p) for c, p in zip(CLASSES, probs, strict=True)}


def read_manifest(folder: Path = ENCODER_DIR) -> dict:
    """The members' manifest; raises `ValueError` when it is missing or fitted for other classes."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"no stance encoder in {folder} ({exc}): run python -m eval.fit_stance_encoder") from exc
    if list(manifest.get("classes", [])) != list(CLASSES) or not manifest.get("members"):
        raise ValueError(f"{folder / MANIFEST} was fitted for other classes, or names no member")
    return manifest


def export_member(base: Path, member: Path, max_length: int, folder: Path) -> None:
    """Merge the member's adapter into the base model and export the result (peft and torch, once)."""
    pipeline = pipeline_of(base)
    if pipeline is None or pipeline["pooling"] != "mean":
        raise ValueError(f"{base} is not the mean-pooled sentence model the stance encoder was fitted on")

    def load():  # noqa: ANN202 - a transformers model
        from peft import PeftModel
        from transformers import AutoModel

        return PeftModel.from_pretrained(AutoModel.from_pretrained(str(base)), str(member)).merge_and_unload()

    # The head reads the mean-pooled vector as fitted: not normalised, at most `max_length` tokens of the pair.
    export_network(load, base / "tokenizer.json", {**pipeline, "normalize": False, "max_seq_length": max_length},
                   folder)


def load_member(base: Path, member: Path, max_length: int, root: Path, threads: int) -> Member:
    from safetensors.numpy import load_file

    folder = cache_folder(base, root, adapter=member)
    if not (folder / "pipeline.json").exists():
        log.info("exporting the stance encoder's %s to ONNX (once, into %s)", member.name, folder.parent)
        export_member(base, member, max_length, folder)
    head = load_file(str(member / "head.safetensors"))
    return Member(OnnxEncoder(folder, threads), head["weight"].astype(np.float32), head["bias"].astype(np.float32))


def load(root: Path, folder: Path = ENCODER_DIR, threads: int = 1) -> StanceEncoder:
    """The members in `folder`, exported into the cache `root` first where this machine has no export yet;
    raises (`ValueError`, `OSError`, an export's error) when they cannot be loaded."""
    manifest = read_manifest(folder)
    base = resolve_model_path(str(manifest["base_model"]))
    return StanceEncoder([load_member(base, folder / name, int(manifest["max_length"]), root, threads)
                          for name in manifest["members"]])


@lru_cache(maxsize=4)
def shipped(root: Path | None = None) -> StanceEncoder | None:
    """The shipped encoder (loaded once per cache root), or None when it cannot be: the verdict then rests on
    the word model alone."""
    try:
        return load(root or default_cache_root())
    except Exception as exc:  # noqa: BLE001  # any failure here costs the verdict some coverage, never an answer
        log.warning("verdicts rest on the word model alone: no stance encoder (%s)", exc)
        return None


if __name__ == "__main__":  # `make install` prepares the members' exports
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ready = shipped(Path(os.environ.get("QA_CACHE_DIR") or default_cache_root()))
    print(f"stance encoder ready: {ready is not None}")
