"""A stand-in for the embedding model on corpora too large to embed here: mixes of real sample vectors.

Embedding a million passages with the real model takes hours on a laptop CPU. `DerivedEmbedder` has the
interface of `index.embedder.Embedder` (`name`, `dimension`, `encode`, `encode_query`) and returns, for each
text, a deterministic function of the text's hash: a weighted mix of two or three vectors of a sample the
real model embedded, plus noise drawn with the sample's own covariance, renormalised. Mixing keeps the
vectors on the sample's manifold and spread between its points (a continuous distribution, not clusters of
near-copies of the sample); the weights and the noise level are chosen so that the nearest-neighbour cosines
of derived vectors resemble those of the real sample (`compare` measures both). Its `name` is the real
model's, so the index it builds loads with the real model, and questions are encoded by the real model.
"""

from __future__ import annotations

import hashlib

import numpy as np

NOISE_BANK = 8192  # shaped Gaussian noise vectors; each text mixes two of them
NOISE = 0.6  # noise norm relative to the mix of sample vectors (chosen by the nearest-neighbour check)
SECOND_WEIGHT = (0.1, 0.5)  # weight range of the second and third sample vector (the first weighs 1)
THIRD_SHARE = 0.5  # share of texts mixing three sample vectors instead of two
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _unit(x: np.ndarray) -> np.ndarray:
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=np.float32)


def _splitmix(x: np.ndarray) -> np.ndarray:
    """A 64-bit integer hash (splitmix64), vectorised: ids -> well-mixed bits."""
    with np.errstate(over="ignore"):
        z = (x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)) & _MASK64
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK64
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK64
        return z ^ (z >> np.uint64(31))


class DerivedEmbedder:
    """Deterministic derived vectors from a real sample (see the module docstring)."""

    def __init__(self, sample: np.ndarray, name: str, seed: int = 0, noise: float = NOISE,
                 second_weight: tuple[float, float] = SECOND_WEIGHT) -> None:
        self.sample = _unit(np.asarray(sample, dtype=np.float32))
        self.name = name
        self.dimension = int(self.sample.shape[1])
        self.seed = seed
        self.noise = noise
        self.second_weight = second_weight
        rng = np.random.default_rng(seed)
        centred = self.sample - self.sample.mean(axis=0)
        _, s, vt = np.linalg.svd(centred / np.sqrt(len(centred)), full_matrices=False)
        bank = rng.standard_normal((NOISE_BANK, len(s))).astype(np.float32) @ (s[:, None] * vt).astype(np.float32)
        # Scaled so that a unit of `noise` has the norm of a typical sample vector's spread around the mean.
        self.bank = np.asarray(bank / np.sqrt(np.mean(np.sum(bank**2, axis=1))), dtype=np.float32)

    def _hashes(self, texts: list[str]) -> np.ndarray:
        key = self.seed.to_bytes(8, "little")
        digests = b"".join(hashlib.blake2b(t.encode("utf-8"), digest_size=32, key=key).digest() for t in texts)
        return np.frombuffer(digests, dtype=np.uint32).reshape(len(texts), 8)

    def from_hashes(self, h: np.ndarray) -> np.ndarray:
        """Vectors from 8 random 32-bit words per row (a text's hash, or an id's)."""
        n = len(self.sample)
        u = (h[:, 3:8] >> np.uint32(8)).astype(np.float64) / float(1 << 24)  # five uniforms in [0, 1)
        lo, hi = self.second_weight
        w2 = lo + (hi - lo) * u[:, 0]
        w3 = np.where(u[:, 1] < THIRD_SHARE, lo + (hi - lo) * u[:, 2], 0.0)
        mix = self.sample[h[:, 0] % n] + w2[:, None] * self.sample[h[:, 1] % n] + w3[:, None] * self.sample[h[:, 2] % n]
        mix = _unit(mix)
        a = 2 * np.pi * u[:, 3]
        bank = self.bank
        noise = np.cos(a)[:, None] * bank[h[:, 3] % NOISE_BANK] + np.sin(a)[:, None] * bank[h[:, 4] % NOISE_BANK]
        return _unit(mix + self.noise * noise.astype(np.float32))

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """One unit-length float32 vector per text, a function of the text alone."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.from_hashes(self._hashes(texts))

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def encode_ids(self, start: int, count: int) -> np.ndarray:
        """Vectors for the ids start..start+count-1 (no text: for vector-only benchmarks)."""
        ids = np.arange(start, start + count, dtype=np.uint64) * np.uint64(4) + np.uint64(self.seed << 40)
        words = np.stack([_splitmix(ids + np.uint64(k)) for k in range(4)], axis=1)
        return self.from_hashes(words.view(np.uint32).reshape(count, 8))


def nearest_cosines(vectors: np.ndarray, others: np.ndarray | None = None, block: int = 2048) -> np.ndarray:
    """Each vector's cosine to its nearest neighbour in `others` (itself excluded when `others` is None)."""
    base = vectors if others is None else others
    out = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), block):
        sims = vectors[start : start + block] @ base.T
        if others is None:
            np.fill_diagonal(sims[:, start : start + block], -np.inf)
        out[start : start + block] = sims.max(axis=1)
    return out


def quantiles(values: np.ndarray) -> dict[str, float]:
    """p5/p25/p50/p75/p95 and the mean, rounded, for a report."""
    qs = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {"p5": round(float(qs[0]), 3), "p25": round(float(qs[1]), 3), "p50": round(float(qs[2]), 3),
            "p75": round(float(qs[3]), 3), "p95": round(float(qs[4]), 3), "mean": round(float(values.mean()), 3)}
