"""LpSession: a loaded LP re-solved after bound and cost changes agrees with a fresh solve."""

from __future__ import annotations

import numpy as np
import pytest

from rackwright.errors import SolverError
from rackwright.optim import INF, ModelBuilder, SolveStatus, solve
from rackwright.optim.model import SparseModel
from rackwright.optim.session import LpSession


def _lp(
    upper0: float = 3.0, row0: float = 4.0, cost: tuple[float, float] = (-3.0, -2.0)
) -> SparseModel:
    # max 3x + 2y  s.t. x + y <= row0, x + 3y <= 9, x <= upper0
    b = ModelBuilder()
    v = b.add_vars(2, cost=list(cost), upper=[upper0, INF])
    r = b.add_rows(2, upper=[row0, 9.0])
    b.add_coeffs([r[0], r[0], r[1], r[1]], [v[0], v[1], v[0], v[1]], [1.0, 1.0, 1.0, 3.0])
    return b.build()


def test_resolves_match_fresh_solves_after_each_change() -> None:
    session = LpSession(_lp())
    first = session.resolve()
    assert first.ok and first.objective == pytest.approx(-11.0)  # x = 3, y = 1
    assert session.values([0, 1]).tolist() == pytest.approx([3.0, 1.0])
    session.set_col_bounds([0], 0.0, 1.0)
    assert session.resolve().objective == pytest.approx(solve(_lp(upper0=1.0)).objective)
    session.set_row_bounds([0], -INF, 2.0)
    assert session.resolve().objective == pytest.approx(solve(_lp(1.0, 2.0)).objective)
    session.set_costs([1], -5.0)
    fresh = solve(_lp(1.0, 2.0, (-3.0, -5.0)))
    again = session.solve()
    assert again.objective == pytest.approx(fresh.objective)
    assert again.x.tolist() == pytest.approx(fresh.x.tolist())


def test_reduced_cost_is_the_rate_of_change_of_a_bound() -> None:
    session = LpSession(_lp())
    session.resolve()
    # x at its upper bound 3: one more unit of bound is worth 3 - 2 (y gives way on row 0)
    assert session.reduced_costs([0])[0] == pytest.approx(-1.0)
    session.set_col_bounds([0], 0.0, 3.5)
    assert session.resolve().objective == pytest.approx(-11.5)


def test_infeasible_resolve_is_named_and_mips_are_refused() -> None:
    session = LpSession(_lp())
    session.set_row_bounds([1], 20.0, INF)  # x + 3y >= 20 with x + y <= 4, x <= 3: impossible
    outcome = session.resolve()
    assert outcome.status is SolveStatus.INFEASIBLE and not outcome.ok
    assert np.isnan(outcome.objective)
    b = ModelBuilder()
    b.add_vars(1, upper=1.0, integer=True)
    with pytest.raises(SolverError, match="integers"):
        LpSession(b.build())
