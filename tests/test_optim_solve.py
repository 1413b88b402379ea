"""The shared HiGHS layer: model assembly, statuses, limits, and hand-checked optima."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rackwright.optim import (
    INF,
    BlockAngular,
    ModelBuilder,
    SolveOptions,
    SolveProgress,
    SolveStatus,
    SparseModel,
    WarmLp,
    solve,
    solve_many,
)
from rackwright.optim.model import drop_zero_columns


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


def _knapsacks(seed: int = 7, n: int = 300, m: int = 30) -> SparseModel:
    """A hard-ish random multi-knapsack (maximise value, minimised as its negative)."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    z = b.add_vars(n, cost=-rng.integers(10, 100, n), upper=1.0, integer=True)
    r = b.add_rows(m, upper=rng.integers(500, 1000, m))
    rows, cols = np.meshgrid(r, z, indexing="ij")
    b.add_coeffs(rows, cols, rng.integers(5, 60, (m, n)))
    return b.build()


def test_node_limit_stops_at_the_same_point_every_run() -> None:
    options = SolveOptions(mip_rel_gap=0.0, max_nodes=40, threads=1)
    first, second = solve(_knapsacks(), options), solve(_knapsacks(), options)
    assert first.status is SolveStatus.NODE_LIMIT and first.ok
    assert (first.objective, first.dual_bound) == (second.objective, second.dual_bound)
    assert first.dual_bound <= first.objective


def test_progress_reports_elapsed_incumbent_bound_and_gap() -> None:
    seen: list[SolveProgress] = []
    options = SolveOptions(mip_rel_gap=0.0, max_nodes=300, progress=seen.append, progress_every_s=0)
    result = solve(_knapsacks(), options)
    assert seen, "no progress was reported"
    elapsed = [p.elapsed_s for p in seen]
    assert elapsed == sorted(elapsed)
    with_plan = [p for p in seen if not math.isnan(p.incumbent)]
    assert with_plan and all(p.bound <= p.incumbent + 1e-6 for p in with_plan)
    assert with_plan[-1].incumbent >= result.objective - 1e-6  # incumbents only improve


def test_ctrl_c_stops_a_running_solve_with_keyboard_interrupt() -> None:
    # HiGHS checks for the interrupt between simplex iterations and nodes; inside its root
    # heuristics a check can be a second or two away, hence the 3 s allowance
    script = """
import os, signal, threading, time
from rackwright.optim import SolveOptions, solve
import test_optim_solve as t
model = t._knapsacks(seed=3, n=2000, m=60)
sent = []
def ctrl_c():
    sent.append(time.perf_counter())
    os.kill(os.getpid(), signal.SIGINT)
threading.Timer(1.5, ctrl_c).start()
try:
    solve(model, SolveOptions(mip_rel_gap=0.0, threads=1))
except KeyboardInterrupt:
    print(f"interrupted {time.perf_counter() - sent[0]:.2f}")
"""
    tests = Path(__file__).parent
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tests, capture_output=True, text=True, timeout=120
    )
    assert out.stdout.startswith("interrupted"), out.stderr
    assert float(out.stdout.split()[1]) < 3.0


def test_warm_lp_resolves_after_bound_changes() -> None:
    # min x + 2y  s.t. x + y >= 4, x <= 3 -> x=3, y=1 (5); with x <= 1 -> x=1, y=3 (7)
    b = ModelBuilder()
    v = b.add_vars(2, cost=[1.0, 2.0], upper=[3.0, INF])
    r = b.add_rows(1, lower=4.0)
    b.add_coeffs(r[0], v, 1.0)
    warm = WarmLp(b.build(), SolveOptions())
    assert warm.solve().objective == pytest.approx(5.0)
    warm.set_bounds(np.array([0]), np.array([0.0]), np.array([1.0]))
    assert warm.solve().objective == pytest.approx(7.0)


def test_block_split_prices_coupling_rows_into_a_lagrangian_bound() -> None:
    # two blocks, each: choose z_k in {0,1}, cost c_k; coupling: z_0 + z_1 >= 1
    b = ModelBuilder()
    z = b.add_vars(2, cost=[3.0, 5.0], upper=1.0, integer=True)
    r = b.add_rows(1, lower=1.0)
    b.add_coeffs(r[0], z, 1.0)
    model = b.build()
    blocks = BlockAngular.split(model, np.array([0, 1]), np.array([-1]))
    assert blocks.num_blocks == 2 and blocks.coupling_rows.tolist() == [0]
    for y, expected in ((0.0, 0.0), (3.0, 3.0), (4.0, 3.0)):  # L(y) = y + min(0,3-y) + min(0,5-y)
        cost = blocks.priced_cost(np.array([y]))
        bound = blocks.dual_constant(np.array([y])) + sum(
            solve(blocks.block_model(k, cost)).objective for k in range(2)
        )
        assert bound == pytest.approx(expected)
        assert bound <= solve(model).objective  # never above the optimum (3)


def test_dropping_zero_columns_keeps_the_rest_of_the_model() -> None:
    b = ModelBuilder()
    v = b.add_vars(3, cost=[1.0, 1.0, 1.0])
    r = b.add_rows(2, lower=[1.0, 0.0])
    b.add_coeffs([r[0], r[0], r[1]], [v[0], v[1], v[2]], [1.0, 1.0, 1.0])
    small, cols, rows = drop_zero_columns(b.build(), np.array([True, False, False]))
    assert cols.tolist() == [0] and rows.tolist() == [0]
    assert solve(small).objective == pytest.approx(1.0)


def _knapsack(capacity: float) -> SparseModel:
    b = ModelBuilder()
    x = b.add_vars(3, cost=[-5.0, -4.0, -3.0], upper=1.0, integer=True)
    r = b.add_rows(1, upper=capacity)
    b.add_coeffs([r[0]] * 3, x, [2.0, 3.0, 1.0])
    return b.build()


def test_solve_many_on_two_processes_gives_each_models_own_result() -> None:
    models = [_knapsack(c) for c in (1.0, 3.0, 4.0, 6.0)]
    options = SolveOptions(threads=1)
    alone = [solve(m, options) for m in models]
    pooled = list(solve_many(models, SolveOptions(threads=1, workers=2)))
    assert (
        [r.objective for r in pooled] == [r.objective for r in alone] == [-3.0, -8.0, -8.0, -12.0]
    )
    assert all(np.array_equal(p.x, a.x) for p, a in zip(pooled, alone, strict=True))


def test_a_mip_stops_at_an_incumbent_that_meets_the_callers_target() -> None:
    model = _knapsack(4.0)  # optimum -8 (items 0 and 2, or 1 and 2)
    plain = solve(model, SolveOptions(threads=1))
    reached = solve(model, SolveOptions(threads=1, stop_at_objective=-7.0))
    assert reached.has_solution and reached.objective <= -7.0
    assert reached.status in (SolveStatus.OPTIMAL, SolveStatus.NODE_LIMIT)
    # a target below the optimum is never met: the search runs to its gap as without one
    unreachable = solve(model, SolveOptions(threads=1, stop_at_objective=-100.0))
    assert unreachable.status is SolveStatus.OPTIMAL
    assert unreachable.objective == plain.objective == -8.0
