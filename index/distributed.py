"""Parse and embed a corpus on Ray (a local instance or an existing cluster); results stream to the driver.

A Ray Data pipeline with one row per source file:

1. `prepare(path, doc_id) -> (document_json, texts)` runs in Ray tasks (a module-level function, so that it
   pickles by reference). An exception from it skips that file with a warning; the pipeline goes on.
2. `map_batches` over a fixed pool of `EmbedWorker` actors, one model loaded per actor, embeds the texts of
   a batch of documents (each distinct text once, texts the caller already has not at all).
3. The driver iterates the rows as they finish (`Dataset.iter_rows`: streaming, with backpressure, so the
   corpus is never held whole) and yields `EmbeddedDocument(doc_id, document_json, texts, vectors, ...)`.

Ray is an optional extra: nothing here imports it until a pipeline runs.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np
from pydantic import BaseModel, Field, model_validator

from index.embedder import Embedder  # light: torch and the model load in Embedder(), on the workers
from index.errors import DistributedBuildFailed, RayClusterUnreachable, RayNotInstalled

log = logging.getLogger(__name__)

Prepare = Callable[[Path, str], tuple[str, list[str]]]

# Workers never download: the model is loaded from its local folder, as on the driver.
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
# A local instance's shared memory: rows are small (a document's JSON, its texts, 1.5 KB per vector) and
# stream out as they finish, so Ray's default of 30 % of RAM would only take memory from the other processes.
LOCAL_OBJECT_STORE_BYTES = 512 * 2**20
# Documents per `map_batches` call, and texts per forward pass inside it: `bench/index_throughput.py --sweep`,
# one thread as in an actor, 32 abstracts (516 texts), best of 2, on this 2-core machine at load 11-12:
# 16 / 32 / 64 / 128 texts a pass gave 21.6 / 19.8 / 13.7 / 6.5 texts/s (smaller passes pad less and stay in
# cache), and 1 / 4 / 16 / 32 documents a call 7.6 / 5.5 / 13.7 / 12.6 (a call encodes its distinct texts
# together, sorted by length). Past 16 documents nothing is gained, while a bigger batch is more work redone
# when a worker dies and fewer, later results for the streaming writer. Redo the sweep on an idle machine.
DOCS_PER_BATCH = 16
ENCODE_BATCH_SIZE = 16
GCS_CONNECT_SECONDS = 5.0


class DistributedConfig(BaseModel):
    """Where the pipeline runs: `workers` for a local Ray instance, or the `address` of a running cluster
    (there `workers` caps the embedding actors; default: one per CPU of the cluster)."""

    workers: int | None = Field(None, ge=1, le=4096)
    address: str | None = Field(None, min_length=1)
    docs_per_batch: int = Field(DOCS_PER_BATCH, ge=1, le=10_000)
    encode_batch_size: int = Field(ENCODE_BATCH_SIZE, ge=1, le=4096)

    @model_validator(mode="after")
    def _somewhere(self) -> DistributedConfig:
        if self.workers is None and self.address is None:
            raise ValueError("give `workers` (local Ray instance) or `address` (existing cluster)")
        return self


class EmbeddedDocument(NamedTuple):
    """One parsed document and the vectors of its texts: `vectors[i]` (float32, unit length) embeds `texts[i]`.
    A file that could not be read has an `error` (and no texts); `embedded` counts the texts sent to the model."""

    doc_id: str
    document_json: str
    texts: list[str]
    vectors: np.ndarray
    error: str = ""
    embedded: int = 0


def text_digest(text: str) -> bytes:
    """16-byte digest of a text: what the workers receive of the caller's known texts (a set of digests is
    far smaller to ship to every actor than the texts themselves); the same digest as `index.writer.text_hash`."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


@dataclass(frozen=True)
class KnownVectors:
    """Texts the caller already has vectors for: their digests (shipped to the workers, which skip them) and a
    lookup the driver fills the skipped rows from."""

    digests: frozenset[bytes]
    lookup: Callable[[list[bytes]], Mapping[bytes, np.ndarray]]

    @classmethod
    def of(cls, vectors: Mapping[str, np.ndarray]) -> KnownVectors:
        by_digest = {text_digest(t): v for t, v in vectors.items()}
        return cls(frozenset(by_digest), lambda digests: {d: by_digest[d] for d in digests if d in by_digest})


NOTHING_KNOWN = KnownVectors(frozenset(), lambda digests: {})


def import_ray() -> ModuleType:
    """The `ray` module, or `RayNotInstalled` naming the extra to install."""
    try:
        import ray
        import ray.data  # noqa: F401  # the `data` extra (pyarrow, pandas) must be there too
    except ImportError as exc:
        raise RayNotInstalled(
            f"distributed indexing needs Ray ({exc.name or exc}): pip install -e '.[distributed]'"
        ) from exc
    return ray


def preflight(config: DistributedConfig) -> None:
    """Fail before any slow work when Ray is missing or the cluster's address does not answer."""
    import_ray()
    if config.address is not None:
        _check_reachable(config.address)


def _check_reachable(address: str) -> None:
    """Fail fast on a dead address: `ray.init` would retry its GCS connection for minutes."""
    if address in ("auto", "local"):
        return  # ray.init resolves these itself and says at once when there is nothing to join
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=GCS_CONNECT_SECONDS):
            pass
    except (OSError, ValueError) as exc:
        raise RayClusterUnreachable(
            f"cannot reach a Ray cluster at {address!r} ({exc}): start one with `ray start --head` "
            "and pass its address (host:port, port 6379 by default)"
        ) from exc


@contextmanager
def ray_session(config: DistributedConfig) -> Iterator[ModuleType]:
    """Connect this process to Ray for the length of the block.

    `address`: join that cluster, and disconnect afterwards (the cluster keeps running). `workers` alone:
    start a local instance with that many CPUs and shut it down afterwards. If this process is already
    connected (a notebook, a test session), that connection is used and left as it is.
    """
    ray = import_ray()
    if config.address is not None:
        _check_reachable(config.address)
    if ray.is_initialized():
        yield ray
        return
    options: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING,
                               "runtime_env": {"env_vars": WORKER_ENV}}
    if config.address is None:
        options.update(address="local", num_cpus=config.workers, include_dashboard=False,
                       object_store_memory=LOCAL_OBJECT_STORE_BYTES)
    else:
        options.update(address=config.address)
    try:
        ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        hint = "" if config.address is None else (
            " (a cluster started with token authentication, Ray's default when a token exists, also needs "
            "RAY_AUTH_MODE=token here and its token in RAY_AUTH_TOKEN or ~/.ray/auth_token)")
        raise RayClusterUnreachable(f"cannot start or join Ray ({config.address or 'local'}): {exc}{hint}") from exc
    try:
        yield ray
    finally:
        ray.shutdown()


@contextmanager
def _quiet(logger: logging.Logger, progress: bool) -> Iterator[None]:
    """Ray Data's INFO lines (plans, and progress every 10 s when stderr is no terminal) only with `-v`."""
    level = logger.level
    if not (progress and log.isEnabledFor(logging.INFO)):
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _prepare_row(row: dict[str, Any], prepare: Prepare) -> dict[str, Any]:
    """Stage 1: one file to its document and texts, or to an error message (then no texts)."""
    path, doc_id = Path(str(row["path"])), str(row["doc_id"])
    try:
        document_json, texts = prepare(path, doc_id)
    except Exception as exc:  # one unreadable file must not stop the corpus: it is reported, as load_corpus does
        message = str(exc) if path.name in str(exc) else f"{path.name}: {type(exc).__name__}: {exc}"
        return {"doc_id": doc_id, "document_json": "", "texts": [], "error": message}
    return {"doc_id": doc_id, "document_json": document_json, "texts": list(texts), "error": ""}


class EmbedWorker:
    """Stage 2, a Ray Data actor: loads the model once, then embeds the texts of each batch of documents.

    Rows of texts the caller already knows get zero vectors here; the driver puts the known vectors in.
    """

    def __init__(self, model: str, encode_batch_size: int, known: frozenset[bytes]) -> None:
        self.embedder = Embedder(model, batch_size=encode_batch_size, fast_queries=False)  # documents only
        self.known = known

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        texts_per_doc = [[str(t) for t in texts] for texts in batch["texts"]]
        todo = list(dict.fromkeys(t for texts in texts_per_doc for t in texts if text_digest(t) not in self.known))
        fresh = dict(zip(todo, self.embedder.encode(todo), strict=True))
        vectors: list[np.ndarray] = []
        embedded: list[int] = []
        counted: set[str] = set()
        for texts in texts_per_doc:
            out = np.zeros((len(texts), self.embedder.dimension), dtype=np.float32)
            for i, text in enumerate(texts):
                if text in fresh:
                    out[i] = fresh[text]
            vectors.append(out)  # ragged across rows: Ray Data stores them as a variable-shaped tensor column
            new = {t for t in texts if t in fresh} - counted  # each encoded text counted once, in its first row
            embedded.append(len(new))
            counted |= new
        return {"doc_id": batch["doc_id"], "document_json": batch["document_json"], "texts": batch["texts"],
                "error": batch["error"], "vectors": vectors, "embedded": embedded}


def embedding_dataset(ray: ModuleType, sources: Sequence[tuple[Path, str]], prepare: Prepare, model: str,
                      config: DistributedConfig, known_digests: frozenset[bytes] = frozenset(),
                      worker_cls: type[EmbedWorker] = EmbedWorker) -> Any:
    """The lazy `ray.data.Dataset` of the pipeline (nothing runs until it is iterated).

    Fault tolerance is Ray Data's for actor pools, kept as is: actors restart without limit
    (`max_restarts=-1`) and a batch lost with its actor is resubmitted (`max_task_retries=-1`); parse tasks
    retry on worker death (`max_retries=-1`). Map tasks are Ray streaming generators: a retried one runs
    again from its start and Ray keeps one copy of each output by its position in the task's stream, so a
    batch is neither lost nor doubled (tests/index/test_distributed.py kills a worker to check it). Finite
    bounds would go through `**ray_remote_args`, which Ray 2.60 deprecates. Python errors are not retried:
    `prepare`'s become warnings, the model's fail the run.
    """
    if config.workers is not None:
        pool = config.workers
    else:
        pool = max(1, int(ray.cluster_resources().get("CPU", 1)))
    items = [{"path": str(path), "doc_id": doc_id} for path, doc_id in sources]
    # A corpus smaller than pool x docs_per_batch still gets every actor busy: smaller batches, not idle actors.
    per_batch = max(1, min(config.docs_per_batch, -(-len(items) // pool)))
    blocks = max(1, -(-len(items) // per_batch))
    return (
        ray.data.from_items(items, override_num_blocks=blocks)
        # Parsing reserves no CPU: it is a few percent of the work (bench/index_throughput.py), and reserving
        # cores for it would either idle them or leave the actors, which hold one core each, without one.
        .map(functools.partial(_prepare_row, prepare=prepare), num_cpus=0,
             compute=ray.data.TaskPoolStrategy(size=pool), runtime_env={"env_vars": WORKER_ENV})
        # One core per actor (Ray sets OMP_NUM_THREADS to it): N one-thread models beat one N-thread model.
        .map_batches(worker_cls, batch_size=per_batch, num_cpus=1,
                     compute=ray.data.ActorPoolStrategy(size=pool),
                     fn_constructor_kwargs={"model": model, "encode_batch_size": config.encode_batch_size,
                                            "known": known_digests},
                     runtime_env={"env_vars": WORKER_ENV})
    )


def embed_documents(
    sources: Sequence[tuple[Path, str]], prepare: Prepare, model: str, config: DistributedConfig,
    known: KnownVectors = NOTHING_KNOWN, progress: bool = False, worker_cls: type[EmbedWorker] = EmbedWorker,
) -> Iterator[EmbeddedDocument]:
    """Parse and embed `sources` (`(path, doc_id)` pairs) on Ray; yields each document as soon as it is done.

    `prepare` must be a module-level function (or a `functools.partial` of one) importable on the workers;
    `model` is what `Embedder` takes (a packaged model name, or a folder that exists on every node).
    Texts in `known` are not embedded again: the workers skip them and the driver puts in their vectors.
    Documents come in completion order, not corpus order; a file that `prepare` cannot read comes with its
    `error` ("<file>: <why>") and no texts.
    Raises `RayNotInstalled`, `RayClusterUnreachable` or, when the run fails, `DistributedBuildFailed`.
    """
    with ray_session(config) as ray, _quiet(logging.getLogger("ray.data"), progress):
        dataset = embedding_dataset(ray, sources, prepare, model, config, known.digests, worker_cls)
        dataset.context.enable_progress_bars = progress
        try:
            for row in dataset.iter_rows():
                doc_id = str(row["doc_id"])
                if row["error"]:
                    yield EmbeddedDocument(doc_id, "", [], np.zeros((0, 0), np.float32), str(row["error"]))
                    continue
                texts = [str(t) for t in row["texts"]]
                vectors = np.array(row["vectors"], dtype=np.float32)  # a copy: rows may be read-only views
                digests = [text_digest(t) for t in texts]
                found = known.lookup([d for d in digests if d in known.digests])
                for i, digest in enumerate(digests):
                    if digest in found:
                        vectors[i] = found[digest]
                yield EmbeddedDocument(doc_id, str(row["document_json"]), texts, vectors, "", int(row["embedded"]))
        except ray.exceptions.RayError as exc:
            raise DistributedBuildFailed(f"the Ray pipeline failed: {exc}") from exc
