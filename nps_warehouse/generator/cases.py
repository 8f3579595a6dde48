"""Messy cases handed out in shuffled cycles, so that every kind shows up in a small batch.

Rows with a case are numbered in row order (the ordinal of a row among the rows with a case);
ordinals come in cycles of ``kinds`` and each cycle is a random permutation of the kinds, so a
batch with ``kinds`` cases has each kind once.  The ordinal of a row needs the number of cases
before it: counted from the last position asked (chunks are asked in order), or from row 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pyarrow as pa

from .rng import CounterRandom
from .text import Pool, replace_rows

_COUNT_BLOCK = 1_000_000


def cycled_kinds(rng: CounterRandom, stream: int, kinds: np.ndarray, ordinal: np.ndarray) -> np.ndarray:
    """Kind of the ordinal-th case: kinds in shuffled cycles holding each kind once."""
    length = len(kinds)
    if not len(ordinal):
        return np.zeros(0, dtype=kinds.dtype)
    cycle, position = np.divmod(ordinal, length)
    cycles, inverse = np.unique(cycle, return_inverse=True)
    keys = cycles[:, None] * length + np.arange(length)
    order = np.argsort(rng.bits(stream, keys.ravel()).reshape(keys.shape), axis=1)
    return kinds[order[inverse, position]]


class CaseCycler:
    """Case kinds 0 .. kinds-1 for the rows of [0, total) where ``has_case(rows)`` is true."""

    def __init__(
        self,
        rng: CounterRandom,
        stream: int,
        kinds: int,
        has_case: Callable[[np.ndarray], np.ndarray],
    ) -> None:
        self.rng = rng
        self.stream = stream
        self.kinds = np.arange(kinds, dtype=np.int64)
        self.has_case = has_case
        self._cursor = (0, 0)

    def _count_before(self, start: int) -> int:
        position, count = self._cursor
        if position > start:
            position, count = 0, 0
        for a in range(position, start, _COUNT_BLOCK):
            count += int(self.has_case(np.arange(a, min(a + _COUNT_BLOCK, start), dtype=np.int64)).sum())
        return count

    def assign(self, start: int, stop: int) -> np.ndarray:
        """Kind of each row of [start, stop), -1 where the row has no case."""
        before = self._count_before(start)
        has = self.has_case(np.arange(start, stop, dtype=np.int64))
        rows = np.nonzero(has)[0]
        kind = np.full(stop - start, -1, dtype=np.int64)
        kind[rows] = cycled_kinds(self.rng, self.stream, self.kinds, before + np.arange(len(rows)))
        self._cursor = (stop, before + len(rows))
        return kind


class Edits:
    """Messy values collected row by row, then written into their columns at once."""

    def __init__(self) -> None:
        self._edits: dict[str, tuple[list[int], list[str]]] = {}

    def add(self, column: str, row: int, value: str) -> None:
        rows, values = self._edits.setdefault(column, ([], []))
        rows.append(row)
        values.append(value)

    def apply(self, columns: dict[str, pa.Array]) -> None:
        for column, (rows, values) in self._edits.items():
            order = np.argsort(np.array(rows), kind="stable")
            columns[column] = replace_rows(
                columns[column], np.array(rows)[order], [values[k] for k in order.tolist()]
            )


def choose(values: Sequence[str], u: float) -> str:
    """The value at fraction u of values."""
    return values[min(int(u * len(values)), len(values) - 1)]


def variant(pool: Pool, block: int, u: float) -> str:
    """The value at fraction u of a pool's block."""
    return pool.values[int(pool.pick_index(np.array([block]), np.array([u]))[0])]


def messy_rows(
    rng: CounterRandom, streams: tuple[int, int, int], keys: np.ndarray, rate: float, kinds: int
) -> Iterator[tuple[int, int, float]]:
    """(row, kind, u) of the rows with a messy case: a share ``rate`` of the keys, the kind and a
    uniform to pick a value hashed from the key."""
    if rate <= 0 or not len(keys):
        return
    rows = np.nonzero(rng.uniform(streams[0], keys) < rate)[0]
    kind = rng.below(streams[1], keys[rows], kinds)
    u = rng.uniform(streams[2], keys[rows])
    yield from zip(rows.tolist(), kind.tolist(), u.tolist(), strict=True)
