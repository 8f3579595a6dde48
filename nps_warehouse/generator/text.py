"""Vectorised text: pools of strings picked per row, numbers rendered as digits, padding.

Columns are built as pyarrow string arrays straight from numpy byte matrices or by ``take`` on
small pools, never one Python string per row (only the few messy values are built one by one).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Values that are empty after trimming (an empty field, spaces, a tab).
EMPTY_VALUES: tuple[str, ...] = ("", "", "", " ", "  ", "\t")
#: (before, after) paddings of a padded value.
PADS: tuple[tuple[str, str], ...] = ((" ", ""), ("", " "), (" ", " "), ("\t", ""), ("  ", "  "))


class Pool:
    """A string array made of blocks; pick(block, u) takes a uniformly chosen value of each block."""

    def __init__(self, blocks: Sequence[Sequence[str]]) -> None:
        values: list[str] = []
        offsets: list[int] = []
        for block in blocks:
            if not block:
                raise ValueError("empty pool block")
            offsets.append(len(values))
            values.extend(block)
        self.values = values
        self.array = pa.array(values, pa.string())
        self.offsets = np.array(offsets, dtype=np.int64)
        self.counts = np.array([len(b) for b in blocks], dtype=np.int64)

    def pick_index(self, block: np.ndarray | int, u: np.ndarray) -> np.ndarray:
        """Positions in values of a uniformly chosen value of each block."""
        counts = self.counts[block]
        return self.offsets[block] + np.minimum((u * counts).astype(np.int64), counts - 1)

    def pick(self, block: np.ndarray | int, u: np.ndarray) -> pa.Array:
        return self.array.take(pa.array(self.pick_index(block, u)))


def case_and_padding_variants(code: str) -> list[str]:
    """Spellings of a lower-case code that trim and lower-case back to it."""
    return [code.upper(), code.title(), f" {code}", f"{code} ", f"\t{code}", f" {code.upper()} ", f"{code}  "]


# The four ASCII digits of 0000 .. 9999, each as one uint32 (so that a lookup moves 4 bytes).
_DIGIT_GROUPS = np.frombuffer(b"".join(f"{k:04d}".encode("ascii") for k in range(10_000)), dtype=np.uint32)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII digits of non-negative integers, zero-padded to width: uint8 matrix (n, width)."""
    values = np.asarray(values, dtype=np.int64)
    groups = -(-width // 4)
    packed = np.empty((len(values), groups), dtype=np.uint32)
    for g in range(groups):
        packed[:, groups - 1 - g] = _DIGIT_GROUPS[(values // 10 ** (4 * g)) % 10_000]
    return packed.view(np.uint8)[:, 4 * groups - width :]


def literal(n: int, text: str) -> np.ndarray:
    return np.broadcast_to(np.frombuffer(text.encode("ascii"), dtype=np.uint8), (n, len(text)))


def assemble(n: int, pieces: Sequence[tuple[np.ndarray, np.ndarray]]) -> pa.StringArray:
    """Build a string array of n values from (row positions, uint8 matrix) pieces covering all rows."""
    if n == 0:
        return pa.array([], pa.string())
    if len(pieces) == 1 and len(pieces[0][0]) == n:
        matrix = np.ascontiguousarray(pieces[0][1])
        width = matrix.shape[1]
        offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(matrix))
    max_width = max(matrix.shape[1] for _, matrix in pieces)
    lengths = np.zeros(n, dtype=np.int32)
    padded = np.zeros((n, max_width), dtype=np.uint8)
    for rows, matrix in pieces:
        lengths[rows] = matrix.shape[1]
        padded[rows, : matrix.shape[1]] = matrix
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = padded[np.arange(max_width) < lengths[:, None]]
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def prefixed_numbers(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """``prefix`` followed by the zero-padded numbers (ids such as C00001234)."""
    n = len(numbers)
    rows = np.arange(n)
    return assemble(n, [(rows, np.concatenate([literal(n, prefix), digits(numbers, width)], axis=1))])


def prefixed_numbers_where(prefix: str, numbers: np.ndarray, mask: np.ndarray, width: int) -> pa.StringArray:
    """Like prefixed_numbers where mask, empty elsewhere (rendering only the rows of the mask)."""
    n = len(numbers)
    rows = np.nonzero(mask)[0]
    m = len(rows)
    if m == n:
        return prefixed_numbers(prefix, numbers, width)
    matrix = np.concatenate([literal(m, prefix), digits(np.asarray(numbers)[rows], width)], axis=1)
    empty = np.nonzero(~np.asarray(mask))[0]
    return assemble(n, [(rows, matrix), (empty, np.zeros((len(empty), 0), dtype=np.uint8))])


def pick_with_kinds(
    pool: Pool,
    u_kind: np.ndarray,
    thresholds: np.ndarray,
    blocks: Sequence[int | np.ndarray],
    u_pick: np.ndarray,
) -> pa.Array:
    """Block blocks[k] where k is the first threshold above u_kind (the last block otherwise)."""
    kind = np.searchsorted(thresholds, u_kind, side="right")
    block = np.select([kind == k for k in range(len(blocks) - 1)], list(blocks[:-1]), default=blocks[-1])
    return pool.pick(np.asarray(block, dtype=np.int64), u_pick)


def blank_or_pad(values: pa.Array, blank: np.ndarray, pad: np.ndarray, pad_u: np.ndarray) -> pa.Array:
    """Values emptied where blank, surrounded by spaces or tabs where pad."""
    pad = pad & ~blank
    if pad.any():
        rows = np.nonzero(pad)[0]
        which = (pad_u[rows] * len(PADS)).astype(np.int64)
        padded = [
            f"{PADS[w][0]}{v}{PADS[w][1]}"
            for w, v in zip(which.tolist(), values.take(pa.array(rows)).to_pylist(), strict=True)
        ]
        values = pc.replace_with_mask(values, pa.array(pad), pa.array(padded, pa.string()))
    if blank.any():
        values = pc.if_else(pa.array(blank), "", values)
    return values


def replace_rows(values: pa.Array, rows: np.ndarray, new_values: Sequence[str]) -> pa.Array:
    """values with rows (sorted positions) replaced by new_values."""
    if not len(rows):
        return values
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(values, pa.array(mask), pa.array(list(new_values), pa.string()))


def where(mask: np.ndarray, values: pa.Array, other: pa.Array | str) -> pa.Array:
    """values where mask, other elsewhere."""
    return pc.if_else(pa.array(mask), values, other)
