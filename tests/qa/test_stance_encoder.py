"""The stance encoder: fitted with torch and peft, stored as plain files, read at answer time through ONNX Runtime
with the same probabilities; the shipped members and the verdict that weighs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.stance_encoder_fit import Pair, predict, save, train, write_manifest
from index.embedder import DEFAULT_MODEL, resolve_model_path
from index.onnx_shared import SHARED_DIR
from qa.model import Citation
from qa.stance import CLASSES, StanceModel
from qa.stance_encoder import ENCODER_DIR, load, read_manifest, shipped
from qa.verdict import LABELS, decide

QUESTION = "Does compound Q9 reduce larval mortality in zebrafish?"
LONG_FINDING = " ".join(["Larval mortality was lower with compound Q9 than with vehicle in every clutch tested."] * 12)


def test_a_fitted_member_reads_the_same_through_onnx_as_in_torch(tmp_path: Path) -> None:
    import torch

    base = resolve_model_path(DEFAULT_MODEL)
    pairs = [Pair(f"Does drug {i} help?", f"Drug {i} {'helped' if i % 3 == 0 else 'did not help'}.") for i in range(12)]
    labels = [CLASSES[i % 3] for i in range(12)]
    model = train(base, pairs, labels, seed=0)
    # A few steps barely move the adapter from its zero start; make it large, so that an export that dropped
    # it (the base model alone) would read differently.
    with torch.no_grad():
        for name, weight in model.body.named_parameters():
            if "lora_B" in name:
                weight.add_(0.05 * torch.randn_like(weight))
    folder = tmp_path / "stance_encoder"
    save(model, folder / "member-0")
    write_manifest(folder, ["member-0"], "twelve made-up pairs")
    assert json.loads((folder / "member-0" / "adapter_config.json").read_text())["base_model_name_or_path"] is None
    encoder = load(tmp_path / "cache", folder)
    texts = [("Did compound Q9 lower mortality?", "Compound Q9 did not lower mortality (p = 0.6)."),
             (QUESTION, LONG_FINDING)]  # longer than MAX_LENGTH tokens: truncated the same way in both
    expected = predict(model, [Pair(q, f) for q, f in texts])
    for (question, finding), row in zip(texts, expected, strict=True):
        read = encoder(question, [finding])
        assert [read[c] for c in CLASSES] == pytest.approx(row.tolist(), abs=1e-4)
    # Read again from the cache: no second export.
    exported = [p for p in (tmp_path / "cache" / "onnx").iterdir() if p.name != SHARED_DIR]
    assert len(exported) == 1 and "member-0" in exported[0].name
    assert encoder.members[0].encoder.shared == 1  # its word embeddings, unchanged by the adapter
    load(tmp_path / "cache", folder)
    assert [p for p in (tmp_path / "cache" / "onnx").iterdir() if p.name != SHARED_DIR] == exported


def test_the_shipped_members_read_clear_findings_both_ways() -> None:
    manifest = read_manifest()
    assert len(manifest["members"]) >= 1
    for name in manifest["members"]:
        assert {p.name for p in (ENCODER_DIR / name).iterdir()} == {"adapter_config.json",
                                                                   "adapter_model.safetensors", "head.safetensors"}
    encoder = shipped()
    assert encoder is not None and len(encoder.members) == len(manifest["members"])
    yes = encoder(QUESTION, ["Compound Q9 significantly reduced larval mortality in zebrafish (4% vs 31%, p < 0.001)."])
    no = encoder(QUESTION, ["Compound Q9 did not reduce larval mortality in zebrafish (30% vs 31%, p = 0.81)."])
    assert sum(yes.values()) == pytest.approx(1.0) and sum(no.values()) == pytest.approx(1.0)
    assert max(yes, key=yes.get) == "yes" and max(no, key=no.get) == "no"


def test_the_verdict_weighs_the_encoder_and_falls_back_to_the_word_model_without_it() -> None:
    model = StanceModel.default()
    assert model.blend is not None and model.encoder is not None and model.pooler is not None
    findings, concluding = ["Larval mortality did not differ between compound Q9 and vehicle."], [False]
    blended, threshold = model.verdict_probabilities(QUESTION, findings, concluding)
    assert threshold == model.blend.threshold
    read = model.encoder(QUESTION, findings)
    alone = StanceModel.from_json(model.to_json())  # no encoder attached: the pooler decides, at its threshold
    pooled, pooler_threshold = alone.verdict_probabilities(QUESTION, findings, concluding)
    assert pooler_threshold == model.pooler.threshold
    w = model.blend.weight
    assert read is not None
    if max(read, key=read.get) == max(pooled, key=pooled.get):
        assert blended == pytest.approx({c: w * read[c] + (1 - w) * pooled[c] for c in CLASSES})
    else:
        assert blended == pytest.approx({c: 1 / 3 for c in CLASSES})
    model.encoder = lambda question, texts: None  # an encoder that cannot judge these findings
    assert model.verdict_probabilities(QUESTION, findings, concluding) == (pooled, model.pooler.threshold)


def test_an_encoder_that_cannot_be_loaded_leaves_the_word_model(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ValueError, match="fit_stance_encoder"):
        load(tmp_path / "cache", tmp_path / "no-encoder")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")  # no export can be written under it
    with caplog.at_level("WARNING"):
        assert shipped(blocked) is None
    assert "word model alone" in caplog.text
    model = StanceModel.default(blocked)
    assert model.blend is not None and model.encoder is None and model.pooler is not None
    findings = ["Compound Q9 did not reduce larval mortality."]
    assert model.verdict_probabilities(QUESTION, findings, [False])[1] == model.pooler.threshold


def test_no_verdict_when_the_encoder_and_the_word_model_answer_differently() -> None:
    """The verdict needs both readers of the findings to give the same answer; otherwise the findings do not
    settle the question, however sure either one is."""
    model = StanceModel.default()
    assert model.blend is not None and model.pooler is not None
    text = "Compound Q9 significantly reduced larval mortality in zebrafish compared with vehicle (p < 0.001)."
    findings = [Citation(marker=1, doc_id="q9", title="Compound Q9 in zebrafish", section="Conclusions",
                         kind="sentence", start=0, end=len(text), text=text, score=1.0)]
    alone = StanceModel.from_json(model.to_json())
    pooled, _ = alone.verdict_probabilities(QUESTION, [findings[0].text], [True])
    answer = max(pooled, key=pooled.get)
    other = next(c for c in CLASSES if c != answer)
    model.encoder = lambda question, texts: {c: 0.9 if c == answer else 0.05 for c in CLASSES}
    agreeing, _ = decide(model, QUESTION, findings)
    model.encoder = lambda question, texts: {c: 0.9 if c == other else 0.05 for c in CLASSES}
    disagreeing, _ = decide(model, QUESTION, findings)
    assert agreeing is not None and agreeing.label == LABELS[answer]
    assert disagreeing is None
