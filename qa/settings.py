"""One `Settings` object for the whole product, read from the environment (prefix `QA_`) and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.errors import CorpusNotFound
from corpus.store import BUILTIN_CORPUS
from index.build import BuildOptions
from index.embedder import DEFAULT_MODEL, Embedder
from index.model import ChunkingConfig
from index.onnx_encoder import default_cache_root
from index.store import recorded_sources
from qa.model import MAX_QUESTION_CHARS

MIN_API_KEY_CHARS = 16


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(BUILTIN_CORPUS, description="Folder of source documents (default: the one the index was "
                                                         "built from, else the built-in corpus).")
    index_dir: Path = Field(Path(".index"), description="Folder of the built index.")
    upload_dir: Path = Field(Path(".uploads"), description="Where uploaded documents are kept (part of the corpus; "
                                                           "default: the index's own upload folder, else .uploads).")
    model: str = Field(DEFAULT_MODEL, description="Packaged model name or a local sentence-transformers folder.")
    chunk_chars: int = Field(700, ge=100, le=10_000)
    overlap_sentences: int = Field(1, ge=0, le=10)
    exact_threshold: int = Field(50_000, ge=1, description="Up to this many chunks, FAISS searches exactly.")
    pq_threshold: int = Field(5_000_000, ge=1, description="Above this many chunks, vectors are product-quantized.")
    document_cache: int = Field(256, ge=1, description="Documents kept parsed in memory (an LRU).")
    max_question_chars: int = Field(MAX_QUESTION_CHARS, ge=1, le=MAX_QUESTION_CHARS,
                                    description="Question length limit; at most MAX_QUESTION_CHARS, the HTTP schema's.")
    torch_threads: int = Field(1, ge=0, description="Model threads per call when serving (0: the libraries' default).")
    cache_dir: Path = Field(default_factory=default_cache_root,
                            description="Machine-wide cache (ONNX exports: question encoder, stance encoder).")
    fast_queries: bool = Field(True, description="Encode questions with the model's ONNX export (exported once).")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    cors_origins: list[str] = Field(default_factory=list, description="Allowed browser origins (none by default).")
    api_key: str | None = Field(None, description="Key for uploads; without one the server is read-only.")
    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1)
    max_body_bytes: int = Field(1024 * 1024, ge=1, description="Limit for JSON request bodies.")
    rate_limit: str = Field("120/minute", description="Requests per client address to the /v1 API (429 beyond).")
    max_in_flight: int = Field(16, ge=1, description="Questions (ask, stream, search) answered at once (503 beyond).")
    max_pdf_pages: int = Field(500, ge=1, description="Uploaded PDFs with more pages are refused (413).")
    parse_timeout_s: float = Field(30.0, gt=0, le=3600, description="An upload's parse is stopped after this (422).")
    watch_corpus: bool = Field(True, description="While serving, index files added to, changed in or removed from "
                                                 "the corpus folder (api/watch.py).")
    _corpus_from_index: bool = PrivateAttr(False)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip().startswith("["):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("api_key")
    @classmethod
    def _no_placeholder_key(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or value.strip().lower() in {"changeme", "secret", "none"}):
            raise ValueError("must be a real secret (empty or placeholder values are refused)")
        if value is not None and len(value) < MIN_API_KEY_CHARS:
            raise ValueError(f"must be at least {MIN_API_KEY_CHARS} characters long "
                             f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(24))'`)")
        return value

    @field_validator("rate_limit")
    @classmethod
    def _parse_rate_limit(cls, value: str) -> str:
        from limits import parse_many  # the rate limiter's own parser: what passes here is what it enforces

        try:
            parse_many(value)
        except ValueError:
            message = f"must look like '120/minute' or '10/second;1000/hour', not {value!r}"
            raise ValueError(message) from None
        return value

    @model_validator(mode="after")
    def _sources_of_the_index(self) -> Self:
        """A library's index remembers the folders it was built from (`index.store.recorded_sources`): a command
        that names an index but no corpus (`qa serve --index-dir my-index`) reads and refreshes those, rather
        than the built-in reviews, which would replace the library in the index. A corpus or upload folder
        given (flag, `QA_CORPUS_DIR`, `QA_UPLOAD_DIR`) is used as given."""
        recorded = recorded_sources(self.index_dir)
        if recorded is None:
            return self
        corpus, extra = recorded
        if "corpus_dir" not in self.model_fields_set:
            self.corpus_dir = corpus
            self._corpus_from_index = True
        if "upload_dir" not in self.model_fields_set and len(extra) == 1:
            self.upload_dir = extra[0]
        return self

    def require_corpus(self) -> None:
        """Raise `CorpusNotFound` when the corpus folder is missing, saying where its name came from (the files
        are listed later, by the build's own staleness check)."""
        if self.corpus_dir.is_dir():
            return
        hint = (f" (the index in {self.index_dir} was built from it: restore it, or name another folder with "
                "--corpus or QA_CORPUS_DIR)") if self._corpus_from_index else ""
        raise CorpusNotFound(f"corpus folder not found: {self.corpus_dir}{hint}")

    def load_embedder(self, threads: int = 0) -> Embedder:
        """The configured model; `threads` per call (0: the libraries' defaults, right for building)."""
        return Embedder(self.model, threads=threads, onnx_cache=self.cache_dir, fast_queries=self.fast_queries)

    @property
    def chunking(self) -> ChunkingConfig:
        return ChunkingConfig(chunk_chars=self.chunk_chars, overlap_sentences=self.overlap_sentences)

    def build_options(self, progress: bool = False) -> BuildOptions:
        return BuildOptions(chunking=self.chunking, exact_threshold=self.exact_threshold,
                            pq_threshold=self.pq_threshold, progress=progress)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
