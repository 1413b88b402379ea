"""A ``ModelBuilder`` that records which part each column and row belongs to.

The sourcing MILP is block-diagonal by part except for a few coupling rows (domestic floor,
country caps); knowing the blocks is what lets ``decompose`` solve one part at a time.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from rackwright.optim import ModelBuilder
from rackwright.optim.model import FloatArray, IntArray

COUPLING = -1  # the part index of rows and columns shared by every part
ROW_RANGE = 1e4  # a scaled row's activity stays within about this many of its units


def row_unit(magnitude: ArrayLike) -> FloatArray:
    """The unit a row is written in so that its activity is at most about ``ROW_RANGE``.

    Rows in raw USD (1e10 a quarter) cannot be met to HiGHS's absolute tolerance in double
    precision, and rows divided by the whole spend have coefficients below the 1e-9 HiGHS drops.
    """
    return np.maximum(np.asarray(magnitude, dtype=np.float64) / ROW_RANGE, 1.0)


class PartBlocks:
    """Adds columns and rows through a ``ModelBuilder``, each tagged with its part."""

    def __init__(self) -> None:
        self.builder = ModelBuilder()
        self._col_part: list[IntArray] = []
        self._row_part: list[IntArray] = []

    def vars(
        self,
        n: int,
        part: ArrayLike,
        *,
        cost: ArrayLike = 0.0,
        upper: ArrayLike = np.inf,
        integer: bool = False,
    ) -> IntArray:
        """``n`` columns of part(s) ``part``; see ``ModelBuilder.add_vars``."""
        self._col_part.append(_ints(n, part))
        return self.builder.add_vars(n, cost=cost, upper=upper, integer=integer)

    def rows(
        self, n: int, part: ArrayLike, *, lower: ArrayLike = -np.inf, upper: ArrayLike = np.inf
    ) -> IntArray:
        """``n`` rows of part(s) ``part``; see ``ModelBuilder.add_rows``."""
        self._row_part.append(_ints(n, part))
        return self.builder.add_rows(n, lower=lower, upper=upper)

    def coeffs(self, rows: ArrayLike, cols: ArrayLike, values: ArrayLike) -> None:
        """A[rows, cols] += values."""
        self.builder.add_coeffs(rows, cols, values)

    def parts(self) -> tuple[IntArray, IntArray]:
        """Part of every column and of every row, in the order they were added."""
        empty = np.zeros(0, dtype=np.int64)
        cols = np.concatenate(self._col_part) if self._col_part else empty
        rows = np.concatenate(self._row_part) if self._row_part else empty
        return cols, rows


def _ints(n: int, value: ArrayLike) -> IntArray:
    return np.broadcast_to(np.asarray(value, dtype=np.int64), (n,)).copy()
