"""A sparse LP/MILP in the column-wise (CSC) form HiGHS reads, and a vectorized builder.

Variables and rows are added in numpy blocks; coefficients are added as (row, col, value)
triplet arrays and assembled once into CSC with numpy (duplicates summed), so building a model
of a million non-zeros needs no per-element Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

INF = float("inf")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class SparseModel:
    """min c'x + offset  s.t.  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper.

    ``a_start``/``a_index``/``a_value`` hold A column-wise (CSC): column j's entries are
    ``a_index[a_start[j]:a_start[j+1]]``. ``integer`` marks integer columns.
    """

    col_cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    a_start: IntArray
    a_index: IntArray
    a_value: FloatArray
    integer: NDArray[np.bool_]
    offset: float = 0.0

    @property
    def num_col(self) -> int:
        """Number of variables."""
        return int(self.col_cost.shape[0])

    @property
    def num_row(self) -> int:
        """Number of constraint rows."""
        return int(self.row_lower.shape[0])

    @property
    def num_nz(self) -> int:
        """Number of non-zero coefficients."""
        return int(self.a_value.shape[0])

    @property
    def is_mip(self) -> bool:
        """True when any variable is integer."""
        return bool(self.integer.any())

    def row_activity(self, x: FloatArray) -> FloatArray:
        """A x for a column vector ``x`` (numpy only)."""
        counts = np.diff(self.a_start)
        cols = np.repeat(np.arange(self.num_col), counts)
        return np.bincount(
            self.a_index, weights=self.a_value * x[cols], minlength=self.num_row
        ).astype(np.float64)


def _full(n: int, value: ArrayLike) -> FloatArray:
    """``value`` broadcast to a float vector of length ``n``."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()


class ModelBuilder:
    """Accumulates variable blocks, row blocks and coefficient triplets; ``build`` makes CSC."""

    def __init__(self) -> None:
        self._cost: list[FloatArray] = []
        self._lower: list[FloatArray] = []
        self._upper: list[FloatArray] = []
        self._integer: list[NDArray[np.bool_]] = []
        self._row_lower: list[FloatArray] = []
        self._row_upper: list[FloatArray] = []
        self._rows: list[IntArray] = []
        self._cols: list[IntArray] = []
        self._vals: list[FloatArray] = []
        self.num_col = 0
        self.num_row = 0
        self.offset = 0.0

    def add_vars(
        self,
        n: int,
        *,
        cost: ArrayLike = 0.0,
        lower: ArrayLike = 0.0,
        upper: ArrayLike = INF,
        integer: bool = False,
    ) -> IntArray:
        """Add ``n`` variables; returns their column indices."""
        self._cost.append(_full(n, cost))
        self._lower.append(_full(n, lower))
        self._upper.append(_full(n, upper))
        self._integer.append(np.full(n, integer, dtype=np.bool_))
        index = np.arange(self.num_col, self.num_col + n, dtype=np.int64)
        self.num_col += n
        return index

    def add_rows(self, n: int, *, lower: ArrayLike = -INF, upper: ArrayLike = INF) -> IntArray:
        """Add ``n`` rows with bounds; returns their row indices (coefficients come later)."""
        self._row_lower.append(_full(n, lower))
        self._row_upper.append(_full(n, upper))
        index = np.arange(self.num_row, self.num_row + n, dtype=np.int64)
        self.num_row += n
        return index

    def add_coeffs(self, rows: ArrayLike, cols: ArrayLike, values: ArrayLike) -> None:
        """Add coefficients A[rows[k], cols[k]] += values[k] (broadcast together)."""
        r, c, v = np.broadcast_arrays(
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            np.asarray(values, dtype=np.float64),
        )
        self._rows.append(r.ravel().copy())
        self._cols.append(c.ravel().copy())
        self._vals.append(v.ravel().copy())

    def build(self) -> SparseModel:
        """Assemble the CSC matrix (duplicate entries summed, explicit zeros dropped)."""
        empty_f = np.zeros(0, dtype=np.float64)
        empty_i = np.zeros(0, dtype=np.int64)
        rows = np.concatenate(self._rows) if self._rows else empty_i
        cols = np.concatenate(self._cols) if self._cols else empty_i
        vals = np.concatenate(self._vals) if self._vals else empty_f
        if rows.size and (rows.min() < 0 or rows.max() >= self.num_row):
            raise ValueError("a coefficient names a row that was not added")
        if cols.size and (cols.min() < 0 or cols.max() >= self.num_col):
            raise ValueError("a coefficient names a column that was not added")
        key = cols * max(self.num_row, 1) + rows
        unique, inverse = np.unique(key, return_inverse=True)
        summed = np.bincount(inverse, weights=vals, minlength=unique.size)
        keep = summed != 0.0
        unique, summed = unique[keep], summed[keep]
        col_of = unique // max(self.num_row, 1)
        a_index = unique % max(self.num_row, 1)
        a_start = np.zeros(self.num_col + 1, dtype=np.int64)
        np.cumsum(np.bincount(col_of, minlength=self.num_col), out=a_start[1:])
        return SparseModel(
            col_cost=np.concatenate(self._cost) if self._cost else empty_f,
            col_lower=np.concatenate(self._lower) if self._lower else empty_f,
            col_upper=np.concatenate(self._upper) if self._upper else empty_f,
            row_lower=np.concatenate(self._row_lower) if self._row_lower else empty_f,
            row_upper=np.concatenate(self._row_upper) if self._row_upper else empty_f,
            a_start=a_start,
            a_index=a_index.astype(np.int64),
            a_value=summed.astype(np.float64),
            integer=(
                np.concatenate(self._integer) if self._integer else np.zeros(0, dtype=np.bool_)
            ),
            offset=self.offset,
        )


def drop_zero_columns(
    model: SparseModel, keep: NDArray[np.bool_]
) -> tuple[SparseModel, IntArray, IntArray]:
    """``model`` without the columns outside ``keep``, which are taken to be fixed at zero.

    Rows left without a coefficient are dropped too (their activity is zero). Returns the smaller
    model and the original index of each of its columns and rows, so a solution maps back with
    ``x_full[cols] = x_small``. Raises ValueError when a dropped row cannot hold at zero.
    """
    counts = np.diff(model.a_start)
    col_of_nz = np.repeat(np.arange(model.num_col), counts)
    used = np.zeros(model.num_row, dtype=bool)
    used[model.a_index[keep[col_of_nz]]] = True
    if np.any(~used & ((model.row_lower > 1e-9) | (model.row_upper < -1e-9))):
        raise ValueError("a dropped row needs a non-zero activity")
    return fix_columns(model, keep, np.zeros(model.num_col))


def fix_columns(
    model: SparseModel, free: NDArray[np.bool_], x: FloatArray
) -> tuple[SparseModel, IntArray, IntArray]:
    """``model`` with the columns outside ``free`` fixed at their values in ``x``.

    The fixed columns' activity moves into the row bounds and their cost into the offset, so the
    smaller model's objective is the whole plan's cost. Rows left without a free column are
    dropped (the caller checks them: their activity is fixed). Returns the smaller model and the
    original index of each of its columns and rows.
    """
    fixed = ~free
    counts = np.diff(model.a_start)
    col_of_nz = np.repeat(np.arange(model.num_col), counts)
    fixed_nz = fixed[col_of_nz]
    shift = np.bincount(
        model.a_index[fixed_nz],
        weights=model.a_value[fixed_nz] * x[col_of_nz[fixed_nz]],
        minlength=model.num_row,
    )
    used = np.zeros(model.num_row, dtype=bool)
    used[model.a_index[~fixed_nz]] = True
    cols = np.flatnonzero(free).astype(np.int64)
    rows = np.flatnonzero(used).astype(np.int64)
    row_map = np.full(model.num_row, -1, dtype=np.int64)
    row_map[rows] = np.arange(rows.size)
    a_start = np.zeros(cols.size + 1, dtype=np.int64)
    np.cumsum(counts[cols], out=a_start[1:])
    return (
        SparseModel(
            col_cost=model.col_cost[cols],
            col_lower=model.col_lower[cols],
            col_upper=model.col_upper[cols],
            row_lower=model.row_lower[rows] - shift[rows],
            row_upper=model.row_upper[rows] - shift[rows],
            a_start=a_start,
            a_index=row_map[model.a_index[~fixed_nz]],
            a_value=model.a_value[~fixed_nz],
            integer=model.integer[cols],
            offset=model.offset + float(model.col_cost[fixed] @ x[fixed]),
        ),
        cols,
        rows,
    )
