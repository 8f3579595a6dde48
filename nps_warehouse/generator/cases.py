"""Messy cases handed out in shuffled cycles, so that every kind shows up in a small batch.

Rows with a case are numbered in row order (the ordinal of a row among the rows with a case);
ordinals come in cycles of ``kinds`` and each cycle is a random permutation of the kinds, so a
batch with ``kinds`` cases has each kind once.  The ordinal of a row needs the number of cases
before it: counted from the last position asked (chunks are asked in order), or from row 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .rng import CounterRandom
from .text import Pool

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


Values = Sequence[str] | Callable[[np.ndarray, np.ndarray], pa.Array]


@dataclass(frozen=True)
class Case:
    """A messy case of a source: the column it spoils and its values - literals (one picked per
    row), or a function of (rows, uniforms) giving one value per row (a variant of the row's own
    value, say)."""

    name: str
    column: str
    values: Values


def apply_cases(
    rng: CounterRandom,
    streams: tuple[int, int, int],
    keys: np.ndarray,
    rate: float,
    cases: Sequence[Case],
    columns: dict[str, pa.Array],
) -> np.ndarray:
    """Give a share ``rate`` of the rows (keys) one case each, vectorised; returns the case of
    each row (-1 for none)."""
    kind = np.full(len(keys), -1, dtype=np.int64)
    if rate <= 0 or not len(keys):
        return kind
    rows = np.nonzero(rng.uniform(streams[0], keys) < rate)[0]
    if not len(rows):
        return kind
    kind[rows] = rng.below(streams[1], keys[rows], len(cases))
    u = rng.uniform(streams[2], keys[rows])
    by_column: dict[str, list[tuple[np.ndarray, pa.Array]]] = {}
    for k, case in enumerate(cases):
        hit = kind[rows] == k
        if not hit.any():
            continue
        case_rows, case_u = rows[hit], u[hit]
        if callable(case.values):
            values = case.values(case_rows, case_u)
        else:
            values = Pool([list(case.values)]).pick(np.zeros(len(case_rows), dtype=np.int64), case_u)
        by_column.setdefault(case.column, []).append((case_rows, values))
    for column, parts in by_column.items():
        all_rows = np.concatenate([r for r, _ in parts])
        all_values = pa.concat_arrays([v.cast(pa.string()) for _, v in parts])
        order = np.argsort(all_rows, kind="stable")
        mask = np.zeros(len(keys), dtype=bool)
        mask[all_rows] = True
        columns[column] = pc.replace_with_mask(
            columns[column], pa.array(mask), all_values.take(pa.array(order))
        )
    return kind


def padded(
    column: pa.Array, before: str = " ", after: str = "  "
) -> Callable[[np.ndarray, np.ndarray], pa.Array]:
    """Values of a case: the row's own value, padded."""
    return lambda rows, _u: pc.binary_join_element_wise(before, column.take(pa.array(rows)), after, "")


def variants_of(pool: Pool, block: np.ndarray) -> Callable[[np.ndarray, np.ndarray], pa.Array]:
    """Values of a case: a value of the pool's block of each row (block[row])."""
    return lambda rows, u: pool.pick(block[rows], u)
