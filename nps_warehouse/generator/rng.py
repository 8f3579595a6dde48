"""Counter-based random numbers: every draw is a hash of (seed, stream, key).

Nothing is carried from one draw to the next, so any row, customer, agent or interaction can be
recomputed on its own: the output does not depend on the chunk size, a later batch can look up
an earlier batch's customer, and memory does not grow with the row count.

Stream ids are small integers, unique across the generator's modules (each module owns a range,
listed below), and below 1000: a stream's further draws on the same keys use ``stream + 1000 k``
(``normal``, ``noise``, the second pick of a value):

=========  =====================
  1 - 99   responses (historical ids; 20, 30-32 and 40 drawn by customers.py and agents.py)
100 - 199  responses: the CX programme columns
200 - 299  customers
300 - 399  agents
400 - 499  interactions
500 - 599  invitations
600 - 699  agent engagement
=========  =====================
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_MASK64 = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
_MUL1 = 0xBF58476D1CE4E5B9
_MUL2 = 0x94D049BB133111EB
_NP_MUL1, _NP_MUL2 = np.uint64(_MUL1), np.uint64(_MUL2)
_NP_S30, _NP_S27, _NP_S31, _NP_S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO_POW_MINUS_53 = 2.0**-53
_SQRT3 = 1.7320508075688772


def mix64(x: int) -> int:
    """splitmix64's finaliser of one integer."""
    x = (x + _GAMMA) & _MASK64
    x = ((x ^ (x >> 30)) * _MUL1) & _MASK64
    x = ((x ^ (x >> 27)) * _MUL2) & _MASK64
    return x ^ (x >> 31)


class CounterRandom:
    """Stateless random numbers (splitmix64 over numpy uint64 arrays): each draw is a hash of
    (seed, stream, key), keys being row slots, response, customer, agent or interaction numbers."""

    def __init__(self, seed: int) -> None:
        self._base = mix64(seed & _MASK64)
        self._keys: dict[int, np.uint64] = {}

    def bits(self, stream: int, keys: np.ndarray) -> np.ndarray:
        key = self._keys.get(stream)
        if key is None:
            key = np.uint64(mix64(self._base ^ ((stream * 0xD1B54A32D192ED03) & _MASK64)))
            self._keys[stream] = key
        x = keys.astype(np.uint64)
        x += key
        x ^= x >> _NP_S30
        x *= _NP_MUL1
        x ^= x >> _NP_S27
        x *= _NP_MUL2
        x ^= x >> _NP_S31
        return x

    def uniform(self, stream: int, keys: np.ndarray) -> np.ndarray:
        """Floats in [0, 1)."""
        return (self.bits(stream, keys) >> _NP_S11).astype(np.float64) * _TWO_POW_MINUS_53

    def below(self, stream: int, keys: np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """Integers in [0, n) (n may vary per key)."""
        return np.minimum((self.uniform(stream, keys) * n).astype(np.int64), np.asarray(n) - 1)

    def choice(self, stream: int, keys: np.ndarray, weights: Sequence[float] | np.ndarray) -> np.ndarray:
        """Indexes into weights, drawn with the given (unnormalised) weights."""
        cum = np.cumsum(np.asarray(weights, dtype=np.float64))
        cum /= cum[-1]
        return np.minimum(np.searchsorted(cum, self.uniform(stream, keys), side="right"), len(cum) - 1)

    def noise(self, stream: int, keys: np.ndarray) -> np.ndarray:
        """Cheaper noise of mean 0 and variance 1 (triangular: the sum of two uniforms)."""
        return (self.uniform(stream, keys) + self.uniform(stream + 1000, keys) - 1.0) * 2.449489742783178

    def normal(self, stream: int, keys: np.ndarray) -> np.ndarray:
        """Approximately standard normal (Irwin-Hall of four uniforms): arithmetic only."""
        total = self.uniform(stream, keys)
        for k in range(1, 4):
            total += self.uniform(stream + 1000 * k, keys)
        return (total - 2.0) * _SQRT3


def pair_keys(first: np.ndarray, second: np.ndarray | int, width: int = 1 << 20) -> np.ndarray:
    """One key per (first, second) pair, second in [0, width): for draws about, say, a customer's
    n-th move or the j-th interaction of a slot."""
    return np.asarray(first, dtype=np.int64) * width + second
