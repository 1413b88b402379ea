"""Exact loss-versus-duration curves for one disrupted set, by the sandwich method.

For a fixed set of failed nodes the least loss over a window of length t is a convex,
piecewise-linear function of t that is 0 at t = 0 (the LP's right-hand sides are affine in t),
so it is nondecreasing. Between two points where it is known, with a supporting line at each
(the LP's slope), the two lines meet at m; if the function equals the lines there it is linear
on both sides, otherwise m is a new point and both halves are refined. The points found are the
curve's kinks, so interpolating between them is exact; a Monte Carlo trial with one event then
costs one ``np.interp`` instead of an LP. Between two points the unmet units are interpolated
too: the same combination of the two LP solutions is feasible and optimal in between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rackwright.optim.model import FloatArray, IntArray
from rackwright.risk.solver import DisruptionSolver, LossSolution

MAX_POINTS = 400
"""Refinement stops here (a safeguard; real curves have a handful of kinks)."""

TOLERANCE = 1e-9


@dataclass(frozen=True)
class LossCurve:
    """Loss and unmet units at increasing windows ``t`` (from 0); linear in between."""

    t: FloatArray
    loss: FloatArray
    units: FloatArray
    exact: bool  # False only when MAX_POINTS stopped the refinement

    def loss_at(self, durations: FloatArray) -> FloatArray:
        """Loss for each duration (linear beyond the last point is never needed: it is the top)."""
        return np.interp(durations, self.t, self.loss)

    def units_at(self, durations: FloatArray) -> FloatArray:
        """Unmet units for each duration."""
        return np.interp(durations, self.t, self.units)


_Point = tuple[float, float, float, float]  # t, loss, slope, units


def _refine(
    evaluate: Callable[[float], _Point], a: _Point, b: _Point, points: list[_Point], scale: float
) -> bool:
    """Add the kinks between ``a`` and ``b`` to ``points``; False when the cap was hit."""
    stack = [(a, b)]
    while stack:
        left, right = stack.pop()
        (ta, fa, ga, _), (tb, fb, gb, _) = left, right
        if tb - ta <= TOLERANCE * max(tb, 1.0) or ga >= gb - TOLERANCE * max(abs(gb), 1.0):
            continue  # no room, or the supporting lines are parallel: linear already
        m = (fb - gb * tb - fa + ga * ta) / (ga - gb)
        if not ta < m < tb:
            continue  # the lines meet at an end: the chord is one of them, linear already
        if len(points) >= MAX_POINTS:
            return False
        mid = evaluate(m)
        points.append(mid)
        if mid[1] - (fa + ga * (m - ta)) <= TOLERANCE * scale:
            continue  # the function touches both lines at m: linear on both sides
        stack.extend([(left, mid), (mid, right)])
    return True


def loss_curve(solver: DisruptionSolver, down: IntArray, t_max: float) -> LossCurve:
    """The exact loss curve of ``down`` failing for 0..``t_max`` periods."""

    def evaluate(t: float) -> _Point:
        solution: LossSolution = solver.loss(down, t, slope=True)
        return (t, solution.loss, solution.slope, float(solution.lost_units.sum()))

    top = evaluate(t_max)
    origin: _Point = (0.0, 0.0, 0.0, 0.0)  # loss >= 0 = the line through (0, 0) with slope 0
    if top[1] <= TOLERANCE * max(top[1], 1.0):
        return LossCurve(np.array([0.0, t_max]), np.zeros(2), np.zeros(2), exact=True)
    points = [origin, top]
    exact = _refine(evaluate, origin, top, points, scale=max(top[1], 1.0))
    points.sort(key=lambda p: p[0])
    return LossCurve(
        t=np.array([p[0] for p in points]),
        loss=np.maximum.accumulate(np.array([p[1] for p in points])),
        units=np.array([p[3] for p in points]),
        exact=exact,
    )
