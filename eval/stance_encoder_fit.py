"""Fine-tuning the stance encoder (`qa/stance_encoder.py`): all-MiniLM-L6-v2 with a LoRA adapter and a 3-way head.

A text pair (question, conclusion) goes through the sentence model (LoRA adapters of rank `RANK` on its
attention and feed-forward projections, `peft`), is mean-pooled over its tokens and mapped to yes / no / maybe
by a linear head; cross-entropy, AdamW, `EPOCHS` epochs, batches of `BATCH`. The settings were chosen by 5-fold
cross-validation on PubMedQA dev (README "Verdict"); a full fine-tune was no better and weighs 90 MB, the adapter
a few MB. Needs torch and peft (both installed with the package); training runs on the CPU (about 3 min per
400 examples on two cores).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedder import DEFAULT_MODEL
from qa.stance import CLASSES
from qa.stance_encoder import MANIFEST

RANK = 16
ALPHA = 32
TARGETS = ["query", "key", "value", "dense"]  # attention projections and both feed-forward layers
DROPOUT = 0.1
EPOCHS = 3
LEARNING_RATE = 5e-4
BATCH = 16
MAX_LENGTH = 128  # tokens of question + text; a conclusion rarely needs more


@dataclass
class Pair:
    question: str
    text: str


class _Classifier:
    """The sentence model with its adapter and head, as trained (torch modules, built lazily: torch is heavy)."""

    def __init__(self, base: Path, seed: int) -> None:
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModel, AutoTokenizer

        torch.manual_seed(seed)
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(base))
        body = AutoModel.from_pretrained(str(base))
        self.body = get_peft_model(body, LoraConfig(r=RANK, lora_alpha=ALPHA, target_modules=TARGETS,
                                                    lora_dropout=DROPOUT))
        self.head = torch.nn.Linear(body.config.hidden_size, len(CLASSES))

    def parameters(self) -> list:
        return [p for p in self.body.parameters() if p.requires_grad] + list(self.head.parameters())

    def logits(self, pairs: list[Pair]):  # noqa: ANN201 - a torch tensor
        feed = self.tokenizer([p.question for p in pairs], [p.text or "." for p in pairs], truncation=True,
                              max_length=MAX_LENGTH, padding=True, return_tensors="pt")
        hidden = self.body(**feed).last_hidden_state
        mask = feed["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1))


def train(base: Path, pairs: list[Pair], labels: Sequence[str], seed: int, unrelated: Sequence[Pair] = ()
          ) -> _Classifier:
    """A classifier fitted on `pairs` and their labels, and on `unrelated` pairs (a question with another paper's
    conclusion) taught no answer: their target is the uniform distribution, so that a conclusion about
    something else leaves the encoder unsure instead of lending its own yes or no. `seed` fixes the adapter's and
    head's start and the batch order."""
    import torch

    model = _Classifier(base, seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    examples = list(pairs) + list(unrelated)
    targets = np.vstack([np.eye(len(CLASSES))[[CLASSES.index(label) for label in labels]],
                         np.full((len(unrelated), len(CLASSES)), 1 / len(CLASSES))])
    y = torch.tensor(targets, dtype=torch.float32)
    model.body.train()
    for epoch in range(EPOCHS):
        order = np.random.RandomState(epoch + 10 * seed).permutation(len(examples))
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            # Class probabilities as the target: cross-entropy against a one-hot row is the usual loss.
            loss = torch.nn.functional.cross_entropy(model.logits([examples[i] for i in batch]), y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.body.eval()
    return model


def predict(model: _Classifier, pairs: list[Pair]) -> np.ndarray:
    """P(yes), P(no), P(maybe) per pair (rows in `CLASSES` order)."""
    torch = model.torch
    out = []
    with torch.no_grad():
        for start in range(0, len(pairs), 32):
            out.append(torch.softmax(model.logits(pairs[start:start + 32]), -1).numpy())
    return np.concatenate(out) if out else np.zeros((0, len(CLASSES)))


def save(model: _Classifier, folder: Path) -> None:
    """The adapter (peft's `adapter_config.json` + `adapter_model.safetensors`, in half precision) and the head
    (`head.safetensors`: weight, bias), as plain files."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    model.body.save_pretrained(str(folder))
    halve(folder / "adapter_model.safetensors")
    config = folder / "adapter_config.json"
    # peft records the training machine's path of the base model; the loader names the base itself.
    data = json.loads(config.read_text(encoding="utf-8"))
    data["base_model_name_or_path"] = None
    config.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    save_file({"weight": model.head.weight.detach().numpy().copy(), "bias": model.head.bias.detach().numpy().copy()},
              str(folder / "head.safetensors"))
    (folder / "README.md").unlink(missing_ok=True)  # peft's model-card template, not ours


def write_manifest(folder: Path, members: list[str], fitted_on: str) -> None:
    """The manifest `qa.stance_encoder.read_manifest` reads: base model, classes, input length, members, and how
    they were trained."""
    manifest = {"version": 1, "base_model": DEFAULT_MODEL, "classes": list(CLASSES), "max_length": MAX_LENGTH,
                "pooling": "mean", "members": members,
                "training": {"rank": RANK, "alpha": ALPHA, "targets": TARGETS, "epochs": EPOCHS,
                             "learning_rate": LEARNING_RATE, "fitted_on": fitted_on}}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def halve(path: Path) -> None:
    """Store the adapter's weights as float16: half the size (1.4 MB a member), and the rounding (at most 4e-4
    of a tensor's largest weight) moves the encoder's probabilities by less than 1e-3. peft loads them into
    the float32 model as they are."""
    from safetensors import safe_open
    from safetensors.numpy import load_file, save_file

    with safe_open(str(path), framework="numpy") as f:
        metadata = f.metadata()
    tensors = {k: v.astype(np.float16) for k, v in load_file(str(path)).items()}
    save_file(tensors, str(path), metadata=metadata)


def threads() -> None:
    """Use every core for training (torch defaults to them, but an inherited OMP setting may say 1)."""
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
