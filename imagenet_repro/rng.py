"""Every random draw of the artifact goes through here: seeded streams and counter-based hashes.

Why one module: a draw must be reproducible from its parameters alone, in any process and in
any order, and two quantities must never share a stream by accident. Two kinds of randomness:

- **streams**: ``rng(seed, *keys)`` is a ``numpy.random.Generator`` seeded by a
  ``SeedSequence`` of the seed and the keys. A key is an int (taken modulo 2**64) or a string
  (its ``text_key``: crc32 of the UTF-8 bytes; Python's ``hash`` is salted per process). The
  keys name the stream: ``rng(seed, "initial-subset", wnid)``. Use a stream for a draw of many
  values at once (a sample, a permutation, a worker pool).
- **counter-based hashes**: ``uniform(*keys)``, ``normal(*keys)``, ``gumbel(*keys)`` give one
  value per element of broadcast integer key arrays (splitmix64 chained over the keys). The
  value of one element does not depend on any other element, so a synset's draws are the same
  whatever else is computed beside it, and everything vectorises. ``cell_uniform`` is the
  32-bit version used per pixel cell by the renderer's textures.

Nothing else in the package seeds a generator by hand.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
from scipy.special import ndtri

from .errors import UserError

_U64 = 1 << 64


def text_key(text: str) -> int:
    """A stable integer for a string: crc32 of its UTF-8 bytes (Python's ``hash`` is salted)."""
    return zlib.crc32(text.encode("utf-8"))


def stream_key(*keys: int | str) -> list[int]:
    """The SeedSequence entropy of a stream: ints modulo 2**64, strings by ``text_key``."""
    out = []
    for k in keys:
        if isinstance(k, str):
            out.append(text_key(k))
        elif isinstance(k, (bool, np.bool_)):
            raise UserError(f"a random-stream key must be an int or a str, got the bool {k!r}")
        else:
            try:
                out.append(int(k) % _U64)
            except (TypeError, ValueError):
                raise UserError(f"a random-stream key must be an int or a str, got {k!r}") from None
    return out


def rng(*keys: int | str) -> np.random.Generator:
    """The Generator of the stream named by ``keys`` (usually the seed first)."""
    return np.random.default_rng(np.random.SeedSequence(stream_key(*keys)))


# ---------------------------------------------------------------- counter-based (64-bit)

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, elementwise on uint64 (wrapping arithmetic)."""
    z = np.asarray(x, dtype=np.uint64) + _GOLD
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def mix(*parts: Any) -> np.ndarray:
    """A 64-bit hash of several integer keys (arrays broadcast), order-sensitive."""
    with np.errstate(over="ignore"):
        h = np.zeros((), dtype=np.uint64)
        for p in parts:
            h = splitmix64(h ^ np.asarray(p).astype(np.uint64, copy=False))
        return h


def uniform(*parts: Any) -> np.ndarray:
    """Uniform in (0, 1), never exactly 0 or 1."""
    return ((mix(*parts) >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 2**53)


def normal(*parts: Any) -> np.ndarray:
    """Standard normal by the inverse CDF of ``uniform``."""
    return ndtri(uniform(*parts))


def gumbel(*parts: Any) -> np.ndarray:
    """Standard Gumbel by the inverse CDF of ``uniform``."""
    return -np.log(-np.log(uniform(*parts)))


# ---------------------------------------------------------------- counter-based (32-bit, per pixel cell)

def cell_uniform(ci: np.ndarray, cj: np.ndarray, seed: int, salt: int) -> np.ndarray:
    """Uniforms in [0, 1) per integer cell (ci, cj), float32: cheap enough to run per pixel."""
    h = (ci.astype(np.uint32) * np.uint32(73856093)) ^ (cj.astype(np.uint32) * np.uint32(19349663))
    h ^= np.uint32((seed * 2654435761 + salt * 40503) & 0xFFFFFFFF)
    h ^= h >> np.uint32(15)
    h *= np.uint32(2246822519)
    h ^= h >> np.uint32(13)
    h *= np.uint32(3266489917)
    h ^= h >> np.uint32(16)
    return (h & np.uint32(0xFFFFFF)).astype(np.float32) / np.float32(1 << 24)
