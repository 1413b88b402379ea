"""Block-angular models: independent blocks joined by a few coupling rows.

A model whose columns and rows are tagged with a block (``-1`` for the coupling rows and for
columns shared by all blocks) splits into one small model per block plus the coupling rows. With
the coupling rows priced by multipliers ``y`` (Lagrangian relaxation), the blocks can be solved one
at a time and ``y' b + sum_k min_k (c - A_c' y) x`` is a lower bound on the whole model for any
``y`` of the right signs. The split is computed once with numpy; each block is then a slice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from rackwright.optim.model import FloatArray, IntArray, SparseModel

COUPLING = -1


@dataclass(frozen=True)
class BlockAngular:
    """``model`` split into blocks. Block ``k`` (the k-th id in ``blocks``) owns the columns
    ``col_order[col_bounds[k]:col_bounds[k + 1]]`` and the rows likewise; ``p_*`` hold the block
    rows' coefficients column-wise in ``col_order``, with each row numbered within its block."""

    model: SparseModel
    col_block: IntArray
    row_block: IntArray
    blocks: IntArray
    col_order: IntArray
    col_bounds: IntArray
    row_order: IntArray
    row_bounds: IntArray
    p_start: IntArray
    p_index: IntArray
    p_value: FloatArray
    coupling_rows: IntArray
    c_row: IntArray  # coupling coefficients: position in coupling_rows, column, value
    c_col: IntArray
    c_val: FloatArray

    @classmethod
    def split(cls, model: SparseModel, col_block: IntArray, row_block: IntArray) -> BlockAngular:
        """Split ``model``; raises ValueError when a block row touches another block's column."""
        col_of_nz = np.repeat(np.arange(model.num_col), np.diff(model.a_start))
        row_b = row_block[model.a_index]
        inside = row_b != COUPLING
        if np.any(inside & (row_b != col_block[col_of_nz])):
            raise ValueError("a block row has a coefficient on another block's column")
        tagged = np.concatenate(
            [col_block[col_block != COUPLING], row_block[row_block != COUPLING]]
        )
        blocks = np.unique(tagged).astype(np.int64)
        edges = np.append(blocks, blocks[-1] + 1 if blocks.size else 0)
        col_order = np.argsort(col_block, kind="stable").astype(np.int64)
        row_order = np.argsort(row_block, kind="stable").astype(np.int64)
        col_bounds = np.searchsorted(col_block[col_order], edges).astype(np.int64)
        row_bounds = np.searchsorted(row_block[row_order], edges).astype(np.int64)
        # number each row within its block
        sorted_rows = row_block[row_order]
        local_row = np.empty(model.num_row, dtype=np.int64)
        local_row[row_order] = np.arange(model.num_row) - np.searchsorted(sorted_rows, sorted_rows)
        # block coefficients, column-wise in col_order
        rank = np.empty(model.num_col, dtype=np.int64)
        rank[col_order] = np.arange(model.num_col)
        nz = np.flatnonzero(inside)
        nz = nz[np.argsort(rank[col_of_nz[nz]], kind="stable")]
        p_start = np.zeros(model.num_col + 1, dtype=np.int64)
        np.cumsum(np.bincount(rank[col_of_nz[nz]], minlength=model.num_col), out=p_start[1:])
        coupling_rows = np.flatnonzero(row_block == COUPLING).astype(np.int64)
        position = np.full(model.num_row, -1, dtype=np.int64)
        position[coupling_rows] = np.arange(coupling_rows.size)
        out = ~inside
        return cls(
            model=model,
            col_block=col_block,
            row_block=row_block,
            blocks=blocks,
            col_order=col_order,
            col_bounds=col_bounds,
            row_order=row_order,
            row_bounds=row_bounds,
            p_start=p_start,
            p_index=local_row[model.a_index[nz]],
            p_value=model.a_value[nz],
            coupling_rows=coupling_rows,
            c_row=position[model.a_index[out]],
            c_col=col_of_nz[out].astype(np.int64),
            c_val=model.a_value[out],
        )

    @property
    def num_blocks(self) -> int:
        """Number of blocks (the coupling columns not counted)."""
        return int(self.blocks.size)

    def priced_cost(self, y: FloatArray) -> FloatArray:
        """``c - A_c' y``: the column costs with the coupling rows priced at ``y``."""
        shift = np.bincount(
            self.c_col, weights=self.c_val * y[self.c_row], minlength=self.model.num_col
        )
        return self.model.col_cost - shift

    def sign_safe(self, y: FloatArray) -> FloatArray:
        """``y`` with each multiplier clipped to the sign its row's bounds allow."""
        lower = self.model.row_lower[self.coupling_rows]
        upper = self.model.row_upper[self.coupling_rows]
        out = np.asarray(y, dtype=np.float64).copy()
        out[np.isneginf(lower) & (out > 0)] = 0.0
        out[np.isposinf(upper) & (out < 0)] = 0.0
        return out

    def dual_constant(self, y: FloatArray) -> float:
        """``y' b``: each multiplier times the row bound it prices (lower if > 0, else upper)."""
        lower = self.model.row_lower[self.coupling_rows]
        upper = self.model.row_upper[self.coupling_rows]
        active = y != 0
        bound = np.where(y > 0, lower, upper)
        return float((y[active] * bound[active]).sum())

    def block_cols(self, k: int) -> IntArray:
        """Global column indices of the k-th block."""
        return self.col_order[self.col_bounds[k] : self.col_bounds[k + 1]]

    def block_rows(self, k: int) -> IntArray:
        """Global row indices of the k-th block."""
        return self.row_order[self.row_bounds[k] : self.row_bounds[k + 1]]

    def block_model(self, k: int, cost: FloatArray) -> SparseModel:
        """The k-th block alone (its rows, its columns), costs taken from full-length ``cost``."""
        c0, c1 = int(self.col_bounds[k]), int(self.col_bounds[k + 1])
        s0, s1 = int(self.p_start[c0]), int(self.p_start[c1])
        cols, rows = self.col_order[c0:c1], self.block_rows(k)
        m = self.model
        return SparseModel(
            col_cost=cost[cols],
            col_lower=m.col_lower[cols],
            col_upper=m.col_upper[cols],
            row_lower=m.row_lower[rows],
            row_upper=m.row_upper[rows],
            a_start=self.p_start[c0 : c1 + 1] - s0,
            a_index=self.p_index[s0:s1],
            a_value=self.p_value[s0:s1],
            integer=m.integer[cols],
        )

    def coupling_bound(self, cost: FloatArray) -> float:
        """Least priced cost of the shared (COUPLING) columns over their bounds (may be -inf)."""
        cols = np.flatnonzero(self.col_block == COUPLING)
        c = cost[cols]
        at = np.where(c >= 0, self.model.col_lower[cols], self.model.col_upper[cols])
        moving = c != 0
        if np.any(moving & ~np.isfinite(at)):
            return -math.inf
        return float((c[moving] * at[moving]).sum())
