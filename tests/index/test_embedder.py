"""The embedding model is a setting: the packaged default, a local folder, or a clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedder import DEFAULT_MODEL, Embedder, model_name, resolve_model_path
from index.errors import ModelNotFound


def test_default_model_ships_in_a_package_and_gives_unit_vectors(embedder: Embedder) -> None:
    assert embedder.name == DEFAULT_MODEL and embedder.dimension == 384
    assert (resolve_model_path(DEFAULT_MODEL) / "model.safetensors").exists()
    vectors = embedder.encode(["intratracheal stem cells", "breast milk"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_local_folder_can_replace_the_model(tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "my-model"
    folder.symlink_to(resolve_model_path(DEFAULT_MODEL), target_is_directory=True)
    local = Embedder(str(folder))
    assert local.name == model_name(str(folder)) == "my-model"
    assert np.allclose(local.encode(["BPD"]), embedder.encode(["BPD"]), atol=1e-5)


@pytest.mark.parametrize("model", ["sentence-transformers/all-mpnet-base-v2", "/nowhere/model"])
def test_unknown_model_is_a_clear_error(model: str) -> None:
    with pytest.raises(ModelNotFound, match="QA_MODEL"):
        Embedder(model)


def test_batches_grouped_by_tokens_give_the_models_own_vectors_in_the_callers_order(embedder: Embedder) -> None:
    # Lengths in characters and in tokens disagree here (numbers and units are several tokens each), so the
    # batches the embedder forms differ from the ones `model.encode` forms; the vectors must not.
    texts = ["BPD", "2.5 x 10^6 cells/kg, 1.0 x 10^7 cells/kg; P=0.042 (95% CI 0.61-0.93)",
             "Mesenchymal stem cells given into the trachea of preterm infants at risk of bronchopulmonary dysplasia",
             "IL-6, IL-8, TNF-α, TGF-β1", "", "breast milk"] * 3
    embedder.batch_size = 4
    try:
        ours = embedder.encode(texts)
    finally:
        embedder.batch_size = 64
    theirs = embedder.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == (len(texts), 384)
    assert np.abs(ours - theirs).max() < 1e-5
    assert embedder.encode([]).shape == (0, 384)
