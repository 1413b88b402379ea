"""The shared HiGHS layer: model assembly, statuses, limits, and hand-checked optima."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rackwright.optim import INF, ModelBuilder, SolveOptions, SolveStatus, solve


def test_builder_sums_duplicates_and_makes_csc() -> None:
    b = ModelBuilder()
    x = b.add_vars(3)
    r = b.add_rows(2, upper=10.0)
    b.add_coeffs([r[0], r[0], r[1]], [x[2], x[2], x[0]], [1.5, 2.5, 3.0])
    model = b.build()
    assert model.a_start.tolist() == [0, 1, 1, 2]
    assert model.a_index.tolist() == [1, 0]
    assert model.a_value.tolist() == [3.0, 4.0]
    assert model.row_activity(np.array([1.0, 5.0, 2.0])).tolist() == [8.0, 3.0]


def test_coefficient_on_unknown_row_is_refused() -> None:
    b = ModelBuilder()
    x = b.add_vars(1)
    b.add_coeffs([3], x, 1.0)
    with pytest.raises(ValueError, match="row"):
        b.build()


def test_lp_optimum_and_duals() -> None:
    # max 3x + 2y  s.t. x + y <= 4, x + 3y <= 9, x <= 3  ->  x=3, y=1, objective 11
    b = ModelBuilder()
    v = b.add_vars(2, cost=[-3.0, -2.0], upper=[3.0, INF])
    r = b.add_rows(2, upper=[4.0, 9.0])
    b.add_coeffs([r[0], r[0], r[1], r[1]], [v[0], v[1], v[0], v[1]], [1.0, 1.0, 1.0, 3.0])
    result = solve(b.build())
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(-11.0)
    assert result.x.tolist() == pytest.approx([3.0, 1.0])
    assert result.row_dual[0] == pytest.approx(-2.0)  # one more unit of row 0 is worth 2
    assert result.mip_gap == 0.0


def test_knapsack_mip_optimum() -> None:
    # values 10, 13, 7, 8; weights 5, 7, 4, 3; capacity 10 -> items 0 and 2 and ... best 21
    b = ModelBuilder()
    z = b.add_vars(4, cost=[-10.0, -13.0, -7.0, -8.0], upper=1.0, integer=True)
    r = b.add_rows(1, upper=10.0)
    b.add_coeffs(r[0], z, [5.0, 7.0, 4.0, 3.0])
    result = solve(b.build())
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(-21.0)  # items 1 and 3: weight 10, value 21
    assert np.round(result.x).tolist() == [0.0, 1.0, 0.0, 1.0]


def test_infeasible_and_unbounded_are_named() -> None:
    b = ModelBuilder()
    x = b.add_vars(1, upper=1.0, integer=True)
    r = b.add_rows(1, lower=2.0)
    b.add_coeffs(r, x, 1.0)
    infeasible = solve(b.build())
    assert infeasible.status is SolveStatus.INFEASIBLE
    assert not infeasible.has_solution and not infeasible.ok
    assert math.isnan(infeasible.objective)

    b = ModelBuilder()
    b.add_vars(1, cost=-1.0)
    assert solve(b.build()).status is SolveStatus.UNBOUNDED


def test_time_limit_reports_gap() -> None:
    # A hard-ish random multi-knapsack with a tiny time limit stops on the limit.
    rng = np.random.default_rng(7)
    n, m = 300, 30
    b = ModelBuilder()
    z = b.add_vars(n, cost=-rng.integers(10, 100, n), upper=1.0, integer=True)
    r = b.add_rows(m, upper=rng.integers(500, 1000, m))
    rows, cols = np.meshgrid(r, z, indexing="ij")
    b.add_coeffs(rows, cols, rng.integers(5, 60, (m, n)))
    result = solve(b.build(), SolveOptions(time_limit_s=0.05, mip_rel_gap=0.0))
    assert result.status is SolveStatus.TIME_LIMIT
    if result.has_solution:
        assert result.mip_gap > 0
        assert result.ok
    else:
        assert result.mip_gap == math.inf


def test_empty_model_keeps_offset() -> None:
    b = ModelBuilder()
    b.offset = 5.0
    result = solve(b.build())
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == 5.0
