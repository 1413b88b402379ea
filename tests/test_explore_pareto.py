"""Pareto fronts and top-K against brute force, and the hand-worked cost of a job."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rackwright.explore.economics import SECONDS_PER_YEAR, Economics
from rackwright.explore.pareto import pareto_mask, top_k

# small integer grids make ties and exact duplicates common
points_3d = arrays(
    np.float64, st.tuples(st.integers(0, 60), st.just(3)), elements=st.integers(0, 6)
)


def _dominated_by_any(points: np.ndarray) -> np.ndarray:
    le = np.all(points[:, None, :] <= points[None, :, :], axis=2)
    lt = np.any(points[:, None, :] < points[None, :, :], axis=2)
    dominates = le & lt  # [a, b]: a dominates b
    return dominates.any(axis=0)


@settings(max_examples=200, deadline=None)
@given(points_3d)
def test_front_is_exactly_the_non_dominated_points(points: np.ndarray) -> None:
    assert np.array_equal(pareto_mask(points), ~_dominated_by_any(points))


@settings(max_examples=100, deadline=None)
@given(points_3d)
def test_front_without_duplicates_keeps_one_row_per_front_point(
    points: np.ndarray,
) -> None:
    mask = pareto_mask(points, keep_duplicates=False)
    front = {tuple(p) for p in points[~_dominated_by_any(points)]}
    kept = [tuple(p) for p in points[mask]]
    assert sorted(kept) == sorted(front)
    # the first occurrence (input order) is the one kept
    for i in np.flatnonzero(mask):
        assert not any(tuple(points[j]) == tuple(points[i]) for j in range(i))


def test_front_of_time_cost_trade_off() -> None:
    # (days, cost, MW): the slow cheap run and the fast dear run both stay; the run that is
    # slower and dearer than another goes
    pts = np.array([[10.0, 5.0, 2.0], [20.0, 3.0, 1.0], [25.0, 6.0, 2.0], [10.0, 5.0, 2.0]])
    assert pareto_mask(pts).tolist() == [True, True, False, True]
    assert pareto_mask(pts, keep_duplicates=False).tolist() == [True, True, False, False]


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float64, st.integers(0, 80), elements=st.integers(0, 9)),
    st.integers(0, 20),
)
def test_top_k_is_the_k_smallest_in_sorted_order(values: np.ndarray, k: int) -> None:
    tiebreak = -np.arange(values.shape[0], dtype=np.float64)  # later rows win ties
    idx = top_k(values, k, tiebreak)
    expected = sorted(range(values.shape[0]), key=lambda i: (values[i], tiebreak[i]))[:k]
    assert idx.tolist() == expected


def test_cost_of_a_job_by_hand() -> None:
    # a $3.5M, 72-GPU, 128 kW system, 4-year life, PUE 1.2 at 6.6 cents/kWh
    econ = Economics(
        system_id="x",
        gpus_per_system=72,
        price_usd=3.5e6,
        power_w=128e3,
        pue_ratio=1.2,
        electricity_usd_per_kwh=0.066,
        life_s=4 * SECONDS_PER_YEAR,
    )
    ten_days = np.array([10 * 86400.0])
    # 100 GPUs occupy 2 systems; per system-hour: 3.5e6 / (4 x 8766 h) + 128 kW x 1.2 x 0.066
    per_hour = 3.5e6 / (4 * 8766.0) + 128 * 1.2 * 0.066  # 99.818 + 10.138 = 109.956 USD
    assert econ.cost_usd(np.array([100.0]), ten_days)[0] == pytest.approx(2 * 240 * per_hour)
    assert econ.cost_usd(np.array([100.0]), ten_days)[0] == pytest.approx(52_779, rel=1e-4)
    assert econ.facility_power_w(np.array([100.0]))[0] == pytest.approx(2 * 128e3 * 1.2)
    assert (
        econ.facility_power_w(np.array([144.0]))[0] == econ.facility_power_w(np.array([100.0]))[0]
    )
