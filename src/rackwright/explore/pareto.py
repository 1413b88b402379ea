"""Pareto fronts (all objectives minimised) and top-K selection on numpy arrays."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def pareto_mask(points: NDArray[np.float64], *, keep_duplicates: bool = True) -> NDArray[np.bool_]:
    """True for each row of ``points`` (n x k) that no other row dominates.

    Row a dominates b when a <= b in every objective and a < b in one. Rows are visited in
    lexicographic order, so the first remaining row is always non-dominated; it then removes every
    row it dominates in one vectorised comparison. Cost is O(n x front size) comparisons, done
    in numpy. Exact duplicates of a front point are all kept, or only the first in input order
    when ``keep_duplicates`` is False (the sort is stable).
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2:
        raise ValueError("points must be a 2-D array (rows x objectives)")
    n = pts.shape[0]
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    order = np.lexsort(pts.T[::-1])
    remaining = order
    while remaining.size:
        head = pts[remaining[0]]
        keep[remaining[0]] = True
        rest = pts[remaining[1:]]
        dominated = np.all(head <= rest, axis=1) & np.any(head < rest, axis=1)
        duplicate = np.all(head == rest, axis=1)
        if keep_duplicates:
            keep[remaining[1:][duplicate]] = True
        remaining = remaining[1:][~(dominated | duplicate)]
    return keep


def top_k(values: NDArray[np.float64], k: int, *tiebreaks: NDArray[np.float64]) -> NDArray[np.intp]:
    """Indices of the ``k`` smallest ``values``, in order; ties by ``tiebreaks``, then index."""
    n = values.shape[0]
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.intp)
    if n > k:
        # keep every row tied with the k-th value so the tie-break sees all of them
        kth = np.partition(values, k - 1)[k - 1]
        idx = np.flatnonzero(values <= kth)
    else:
        idx = np.arange(n)
    keys = [idx, *(t[idx] for t in reversed(tiebreaks)), values[idx]]
    order = np.lexsort(keys)
    return idx[order][:k]
