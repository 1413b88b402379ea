"""Monte Carlo: exact loss curves, hand-checkable trials, VaR/CVaR, seeds and executors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from conftest import RunCli
from rackwright.explore.executors import LocalExecutor
from rackwright.explore.ray_executor import RayExecutor
from rackwright.risk import (
    Distribution,
    Duration,
    DurationKind,
    RiskEvent,
    default_events,
    load_network,
    simulate,
)
from rackwright.risk.curves import loss_curve
from rackwright.risk.generate import generate_network
from rackwright.risk.lp import build_disruption_lp
from rackwright.risk.solver import DisruptionSolver
from shared_data import SHARED_DATA

CASE = SHARED_DATA / "risk" / "teaching_case.toml"


def fixed(periods: float) -> Duration:
    return Duration(DurationKind.FIXED, value=periods)


def test_loss_curve_matches_the_lp_at_every_duration() -> None:
    for net in (load_network(CASE), generate_network(40, 4, seed=11)):
        solver = DisruptionSolver(build_disruption_lp(net))
        for k in range(min(len(net.nodes), 12)):
            curve = loss_curve(solver, np.array([k]), 60.0)
            assert curve.exact
            for t in np.linspace(0.0, 60.0, 23)[1:]:
                direct = solver.loss([k], float(t))
                assert curve.loss_at(np.array([t]))[0] == pytest.approx(
                    direct.loss, rel=1e-7, abs=1e-6
                )
                assert curve.units_at(np.array([t]))[0] == pytest.approx(
                    direct.lost_units.sum(), rel=1e-6, abs=1e-6
                )


def test_teaching_case_curve_has_its_kink_at_the_tts() -> None:
    # S3 down: 75 a period + 45 on hand against 125: loss 0 up to 0.9, then 5000 (50 t - 45)
    # while P1 alone absorbs the shortfall (up to its 75 t - 20 demand net of stock)
    net = load_network(CASE)
    curve = loss_curve(DisruptionSolver(build_disruption_lp(net)), np.array([2]), 4.0)
    assert curve.loss_at(np.array([0.5, 0.9, 2.0, 3.0])) == pytest.approx(
        [0.0, 0.0, 275000.0, 5000 * (150 - 45)]
    )
    assert any(abs(t - 0.9) < 1e-9 for t in curve.t)


def test_certain_events_give_every_trial_the_lp_loss() -> None:
    net = load_network(CASE)
    s3 = RiskEvent("S3 fire", ("S3",), 1.0, fixed(2.0))
    result = simulate(net, [s3], trials=500, seed=1)
    assert result.loss.mean == pytest.approx(275000.0)
    assert all(
        t.var == pytest.approx(275000.0) and t.cvar == pytest.approx(275000.0)
        for t in result.loss.tails
    )
    assert result.lost_units.mean == pytest.approx(55.0)
    assert result.multi_event_trials == 0 and result.events[0].occurrences == 500


def test_simultaneous_events_compound_with_their_own_durations() -> None:
    net = load_network(CASE)
    both = [RiskEvent("S2", ("S2",), 1.0, fixed(2.0)), RiskEvent("S3", ("S3",), 1.0, fixed(2.0))]
    # only S1 (30 a period): 60 + 45 on hand = 105 of 250 -> 145 short: P1 loses all it can,
    # 130 (150 demanded - 20 on hand) x 5000, P2 the other 15 x 6500
    result = simulate(net, both, trials=50, seed=2)
    assert result.loss.mean == pytest.approx(130 * 5000 + 15 * 6500)
    assert result.multi_event_trials == 50
    staggered = [
        RiskEvent("S2", ("S2",), 1.0, fixed(1.0)),
        RiskEvent("S3", ("S3",), 1.0, fixed(2.0)),
    ]
    # S2 back after 1 of the 2 periods: 60 + 45 + 45 on hand = 150 of 250 -> 100 short, all P1
    assert simulate(net, staggered, trials=5, seed=2).loss.mean == pytest.approx(500000.0)


def test_var_and_cvar_follow_their_stated_definition() -> None:
    values = np.array([0.0] * 8 + [10.0, 20.0])
    dist = Distribution.of(values, [0.8, 0.9])
    # N = 10: VaR_0.8 is the 8th smallest (0), CVaR the mean of ranks 8..10 = (0 + 10 + 20) / 3
    assert (dist.tails[0].var, dist.tails[0].cvar) == (0.0, pytest.approx(10.0))
    assert (dist.tails[1].var, dist.tails[1].cvar) == (10.0, pytest.approx(15.0))
    assert dist.mean == pytest.approx(3.0) and dist.probability_positive == pytest.approx(0.2)
    assert sum(dist.histogram_counts) == 10


def test_occurrences_follow_the_probabilities() -> None:
    net = load_network(CASE)
    events = [RiskEvent("S1", ("S1",), 0.3, fixed(1.0)), RiskEvent("S2", ("S2",), 0.0, fixed(1.0))]
    result = simulate(net, events, trials=20000, seed=5)
    hits = result.events[0].occurrences
    assert abs(hits - 6000) < 5 * math.sqrt(20000 * 0.3 * 0.7)
    assert result.events[1].occurrences == 0


def test_default_events_share_one_network_wide_rate() -> None:
    net = generate_network(30, 3, seed=4)
    events = default_events(net)
    assert len(events) == sum(n.ttr is not None for n in net.nodes) + len(net.groups)
    # expected events a year: sum of -ln(1 - p) = 1 / 3.7 (MGI 2020)
    assert sum(-math.log(1 - e.probability) for e in events) == pytest.approx(1 / 3.7)
    group = next(e for e in events if e.id == net.groups[0].id)
    assert group.nodes == net.groups[0].nodes
    assert group.duration.mode == 26.0 and group.duration.high == 52.0


def test_same_seed_same_numbers_on_every_executor(ray_cluster: None) -> None:
    net = generate_network(40, 4, seed=8)
    events = [
        RiskEvent(e.id, e.nodes, min(1.0, e.probability * 3), e.duration)
        for e in default_events(net)
    ]  # busier than the default so that trials with several events occur
    runs = [
        simulate(net, events, trials=20_000, seed=42),
        simulate(net, events, trials=20_000, seed=42, executor=LocalExecutor(2, processes=True)),
    ]
    executor = RayExecutor()
    runs.append(simulate(net, events, trials=20_000, seed=42, executor=executor))
    executor.close()
    first = runs[0].to_json()
    assert runs[0].multi_event_trials > 0 and runs[0].loss.mean > 0
    for other in runs[1:]:
        assert other.to_json() == first
    different = simulate(net, events, trials=20_000, seed=43)
    assert different.loss.mean != runs[0].loss.mean


def test_montecarlo_cli_json_and_events_file(cli: RunCli, tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(
        'include_defaults = false\n\n[[event]]\nid = "S3 fire"\ntarget = "S3"\n'
        'probability = 1.0\nduration = { kind = "fixed", value = 2 }\n',
        encoding="utf-8",
    )
    result = cli(
        "risk",
        "montecarlo",
        CASE,
        "--trials",
        "1000",
        "--seed",
        "9",
        "--events",
        events,
        "--level",
        "0.9",
        "--json",
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["trials"] == 1000 and data["seed"] == 9
    assert data["loss"]["mean"] == pytest.approx(275000.0)
    assert [t["level"] for t in data["loss"]["tails"]] == [0.9]
    assert [e["id"] for e in data["events"]] == ["S3 fire"]
    again = cli("risk", "montecarlo", CASE, "--trials", "3000", "--seed", "9", "--json")
    assert again.code == 0
    repeat = cli("risk", "montecarlo", CASE, "--trials", "3000", "--seed", "9", "--json")
    strip = ("seconds",)
    assert {k: v for k, v in json.loads(again.out).items() if k not in strip} == {
        k: v for k, v in json.loads(repeat.out).items() if k not in strip
    }
    table = cli("risk", "montecarlo", CASE, "--trials", "3000", "--seed", "9")
    assert table.code == 0 and "CVaR 0.99" in table.out


def test_zero_length_events_cost_nothing() -> None:
    net = load_network(CASE)
    instant = Duration(DurationKind.UNIFORM, low=0.0, high=0.0)
    events = [RiskEvent("S2", ("S2",), 1.0, instant), RiskEvent("S3", ("S3",), 1.0, instant)]
    result = simulate(net, events, trials=20, seed=3)
    assert result.loss.maximum == 0.0 and result.multi_event_trials == 20
