"""Supply pools: groups of BOM edges whose shipments the disruption LP need not name one by one.

Take one input material k and the edges that carry it. Link a supplier of k to each (customer,
k) pair it serves; the connected pieces of that bipartite graph are independent transportation
problems. A piece in which every supplier serves every pair, and each pair's BOM ratio is the
same whichever supplier ships, is a *pool*: suppliers with supplies a_i = u_i + inventory_i
ship to pairs needing b_j = ratio_j u_j. A complete bipartite transportation problem is
feasible exactly when the supplies cover the needs (ship every supplier's amount to the pairs
in proportion to their needs), so the pool's shipment variables, its suppliers' shipment rows
and its pairs' BOM rows are replaced by one exact row, sum_j ratio_j u_j <= sum_i a_i. Pieces
that are not pools keep their per-edge shipments.

A pair with a single supplier is the smallest pool; on the generated networks (every site of a
material serves every site of the materials that use it) every piece is a pool.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.optim.model import FloatArray, IntArray


@dataclass(frozen=True)
class Pools:
    """``pool``: the pool (row) number of each edge, -1 outside pools; ``count`` pools."""

    pool: IntArray
    count: int

    @property
    def pooled(self) -> NDArray[np.bool_]:
        """True for each edge inside a pool."""
        mask: NDArray[np.bool_] = self.pool >= 0
        return mask


def _find(parent: list[int], a: int) -> int:
    root = a
    while parent[root] != root:
        root = parent[root]
    while parent[a] != root:  # path compression
        parent[a], a = root, parent[a]
    return root


def _pieces(src: IntArray, pair: IntArray, nodes: int) -> IntArray:
    """Connected piece of each edge in the graph linking suppliers to (customer, k) pairs."""
    parent = list(range(nodes + (int(pair.max()) + 1 if pair.size else 0)))
    for s, p in zip(src.tolist(), pair.tolist(), strict=True):
        a, b = _find(parent, s), _find(parent, nodes + p)
        if a != b:
            parent[a] = b
    roots = np.array([_find(parent, s) for s in src.tolist()], dtype=np.int64)
    _, piece = np.unique(roots, return_inverse=True)
    return piece.astype(np.int64).ravel()


def _ratio_per_pair(pair: IntArray, ratio: FloatArray) -> NDArray[np.bool_]:
    """True for each edge whose pair has one ratio across all its suppliers."""
    pairs = int(pair.max()) + 1
    low = np.full(pairs, np.inf)
    high = np.full(pairs, -np.inf)
    np.minimum.at(low, pair, ratio)
    np.maximum.at(high, pair, ratio)
    same: NDArray[np.bool_] = (low == high)[pair]
    return same


def find_pools(src: IntArray, pair: IntArray, ratio: FloatArray, nodes: int) -> Pools:
    """The pools among edges ``src -> pair`` (a pair is one customer's one input material).

    Edges are assumed distinct (one edge per supplier and customer) and every supplier makes
    one material, so a supplier's edges all carry the same material.
    """
    if not src.size:
        return Pools(np.zeros(0, dtype=np.int64), 0)
    piece = _pieces(src, pair, nodes)
    count = int(piece.max()) + 1
    edges = np.bincount(piece, minlength=count)
    suppliers = np.zeros(count, dtype=np.int64)
    pairs = np.zeros(count, dtype=np.int64)
    first_src = np.unique(src, return_index=True)[1]
    first_pair = np.unique(pair, return_index=True)[1]
    np.add.at(suppliers, piece[first_src], 1)
    np.add.at(pairs, piece[first_pair], 1)
    uniform = np.ones(count, dtype=bool)
    np.logical_and.at(uniform, piece, _ratio_per_pair(pair, ratio))
    is_pool = (edges == suppliers * pairs) & uniform
    number = np.full(count, -1, dtype=np.int64)
    number[is_pool] = np.arange(int(is_pool.sum()), dtype=np.int64)
    return Pools(number[piece], int(is_pool.sum()))
