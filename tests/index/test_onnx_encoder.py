"""Questions are encoded by the model's ONNX export: the same vectors as sentence-transformers, without torch."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import onnx_shared
from index.embedder import DEFAULT_MODEL, Embedder, resolve_model_path
from index.onnx_encoder import OnnxEncoder, cache_folder, default_cache_root, load_or_export, pipeline_of
from index.onnx_shared import SHARED_DIR

TEXTS = ["BPD", "Does intratracheal mesenchymal stem cell therapy reduce bronchopulmonary dysplasia?",
         "2.5 x 10^6 cells/kg; P=0.042 (95% CI 0.61-0.93)", "Aydın et al. (2021) reported ...",
         "stem cells " * 300]  # the last is truncated at the model's 256 tokens, as sentence-transformers does


def test_question_vectors_equal_the_models_own(embedder: Embedder) -> None:
    assert embedder.onnx is not None, "the default model is exported (make install does it once)"
    theirs = embedder.model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    one_by_one = np.stack([embedder.encode_query(t) for t in TEXTS])
    padded_batch = embedder.onnx.encode(TEXTS)  # texts of very different lengths padded together
    assert np.abs(one_by_one - theirs).max() < 1e-5
    assert np.abs(padded_batch - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(one_by_one, axis=1), 1.0, atol=1e-5)


def test_an_exported_model_is_reused_and_keyed_by_its_files(tmp_path: Path, embedder: Embedder) -> None:
    model = tmp_path / "my-model"
    shutil.copytree(resolve_model_path(DEFAULT_MODEL), model)
    cache = tmp_path / "cache"
    first = load_or_export(model, cache)
    assert first is not None
    folder = cache_folder(model, cache)
    written = (folder / "model.onnx").stat().st_mtime_ns
    again = load_or_export(model, cache)
    assert again is not None and (folder / "model.onnx").stat().st_mtime_ns == written  # not exported twice
    assert np.abs(again.encode(TEXTS[:2]) - embedder.encode(TEXTS[:2])).max() < 1e-5
    (model / "config_sentence_transformers.json").write_text("{}", encoding="utf-8")  # the model changed
    assert cache_folder(model, cache) != folder
    assert not list(cache.glob("onnx/.*")), "no staging folder is left behind"


def test_exports_hold_their_word_embeddings_once_and_never_a_damaged_copy(
        tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture) -> None:
    cache = tmp_path / "cache"
    models = [tmp_path / name for name in ("model-a", "model-b")]
    for model in models:  # two exports of one network (as the question encoder and a stance member are)
        shutil.copytree(resolve_model_path(DEFAULT_MODEL), model)
    encoders = [load_or_export(model, cache) for model in models]
    stored = list((cache / "onnx" / SHARED_DIR).iterdir())
    assert len(stored) == 1, "equal weights are stored once"
    vocabulary = json.loads((models[0] / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    assert np.load(stored[0]).shape == (len(vocabulary), embedder.dimension)  # the word embeddings
    for encoder in encoders:
        assert encoder is not None and encoder.shared == 1
        assert np.abs(encoder.encode(TEXTS[:2]) - embedder.encode(TEXTS[:2])).max() < 1e-5
    # A shared file that no longer holds what its name promises is not used: the model's own copy answers.
    np.save(stored[0], np.zeros_like(np.load(stored[0])))
    onnx_shared._load.cache_clear()  # as a new process would read it (live sessions keep their own copy)
    with caplog.at_level(logging.WARNING, logger="index.onnx_shared"):
        reloaded = OnnxEncoder(cache_folder(models[0], cache))
    assert reloaded.shared == 0 and "do not match" in caplog.text
    assert np.abs(reloaded.encode(TEXTS[:2]) - embedder.encode(TEXTS[:2])).max() < 1e-5
    # The sessions loaded before still hold the copy they were given, whatever the cache dropped since.
    assert np.abs(encoders[1].encode(TEXTS[:2]) - embedder.encode(TEXTS[:2])).max() < 1e-5


def test_a_model_that_is_not_plain_keeps_sentence_transformers(tmp_path: Path) -> None:
    model = tmp_path / "dense-head"
    shutil.copytree(resolve_model_path(DEFAULT_MODEL), model)
    modules = json.loads((model / "modules.json").read_text(encoding="utf-8"))
    modules.insert(2, {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"})
    (model / "modules.json").write_text(json.dumps(modules), encoding="utf-8")
    assert pipeline_of(model) is None
    assert load_or_export(model, tmp_path / "cache") is None
    assert not (tmp_path / "cache").exists()  # nothing exported for it


def test_answering_needs_no_torch(embedder: Embedder) -> None:
    # A fresh interpreter, as `qa serve` starts: loading the model for questions and encoding one imports
    # neither torch nor sentence-transformers (their import is most of a start-up otherwise).
    assert embedder.onnx is not None  # the export exists (this session's embedder made it if needed)
    code = ("import sys; from index.embedder import Embedder; e = Embedder(threads=1); "
            "v = e.encode_query('Which routes were used for BPD?'); "
            "print(e.onnx is not None, v.shape[0], sorted(m for m in ('torch', 'sentence_transformers', "
            "'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                         env={**os.environ, "HF_HUB_OFFLINE": "1", "XDG_CACHE_HOME": str(default_cache_root().parent)})
    assert out.stdout.split() == ["True", "384", "[]"], out.stderr


def test_fast_queries_can_be_turned_off() -> None:
    plain = Embedder(fast_queries=False)
    assert plain.onnx is None and plain.dimension == 384
    assert np.allclose(np.linalg.norm(plain.encode_query("BPD")), 1.0, atol=1e-5)


def test_a_model_without_token_types_is_encoded_as_its_own(tmp_path: Path) -> None:
    # all-mpnet-base-v2, the stronger model the README offers, takes no token types: its ONNX graph has no
    # such input. A tiny MPNet of random weights, in the same sentence-transformers layout, stands in for it.
    from sentence_transformers import SentenceTransformer
    from transformers import MPNetConfig, MPNetModel

    model = tmp_path / "tiny-mpnet"
    MPNetModel(MPNetConfig(vocab_size=30527, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                           intermediate_size=64, max_position_embeddings=514)).save_pretrained(model)
    source = resolve_model_path(DEFAULT_MODEL)
    for name in ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copyfile(source / name, model / name)
    (model / "1_Pooling").mkdir()
    (model / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_mean_tokens": True}), encoding="utf-8")
    (model / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128}), encoding="utf-8")
    (model / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]),
        encoding="utf-8")
    encoder = load_or_export(model, tmp_path / "cache")
    assert encoder is not None and "token_type_ids" not in encoder.inputs
    theirs = SentenceTransformer(str(model), device="cpu").encode(TEXTS[:3], normalize_embeddings=True)
    assert np.abs(encoder.encode(TEXTS[:3]) - theirs).max() < 1e-5
