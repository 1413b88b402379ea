"""The fast TTR / TTS path against the README's LP solved plainly, one fresh LP per scenario.

``analyze`` solves a reduced model (supply pools in one row each, rates instead of totals) and
skips the LPs whose answer its screens already know. Here every scenario of random networks is
also solved as the README writes the model: totals over the window, one shipment variable per
edge, a new LP per question. The networks are the generator's with some edges dropped and some
ratios changed, so that pools, pieces that are not pools and single suppliers all occur.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rackwright.optim import INF, ModelBuilder, SolveStatus, solve
from rackwright.risk import Edge, SupplyNetwork, analyze, network_scenarios
from rackwright.risk.generate import generate_network
from rackwright.risk.pools import find_pools

TOL = 1e-8  # relative; the figures are reported to 12 significant digits


def readme_lp(net: SupplyNetwork, down: set[str], window: float | None) -> float:
    """The README's model in totals: the least loss over ``window``, or (None) the longest
    window with no unmet demand, capped at the horizon."""
    b = ModelBuilder()
    n = len(net.nodes)
    upper = [0.0 if node.id in down else INF for node in net.nodes]
    u = b.add_vars(n, upper=upper)
    y = b.add_vars(len(net.edges))
    t = b.add_vars(1, lower=window or 0.0, upper=window or net.horizon, cost=0 if window else -1)
    demand = [j for j, node in enumerate(net.nodes) if node.demand > 0]
    weights = [net.nodes[j].loss_weight for j in demand]
    lost = b.add_vars(len(demand), cost=weights, upper=INF if window else 0.0)
    for j, node in enumerate(net.nodes):
        if node.capacity is not None:  # u_j <= capacity_j t
            b.add_coeffs(b.add_rows(1, upper=0.0), [u[j], t[0]], [1.0, -node.capacity])
    by_pair: dict[tuple[int, str], list[int]] = {}
    for k, edge in enumerate(net.edges):
        key = (net.index(edge.customer), net.node(edge.supplier).material)
        by_pair.setdefault(key, []).append(k)
    for (j, _), ks in by_pair.items():  # u_j <= sum_i y_ij / ratio_ij per input material
        ratios = [net.edges[k].ratio for k in ks]
        row = b.add_rows(1, upper=0.0)
        b.add_coeffs(row, [u[j], *y[ks]], [1.0, *(-1.0 / r for r in ratios)])
    for i, node in enumerate(net.nodes):  # sum_j y_ij <= u_i + inventory_i
        ks = [k for k, e in enumerate(net.edges) if e.supplier == node.id]
        if ks:
            row = b.add_rows(1, upper=node.inventory)
            b.add_coeffs(row, [*y[ks], u[i]], [*([1.0] * len(ks)), -1.0])
    for m, j in enumerate(demand):  # u_j + inventory_j + l_j >= demand_j t
        row = b.add_rows(1, lower=-net.nodes[j].inventory)
        b.add_coeffs(row, [u[j], lost[m], t[0]], [1.0, 1.0, -net.nodes[j].demand])
    result = solve(b.build())
    assert result.status is SolveStatus.OPTIMAL
    return result.objective if window else -result.objective


def _close(engine: float, plain: float, scale: float) -> bool:
    return abs(engine - plain) <= TOL * max(1.0, abs(plain), scale)


@st.composite
def networks(draw: st.DrawFn) -> SupplyNetwork:
    """A generated network with some edges dropped and some ratios changed."""
    net = generate_network(
        draw(st.integers(6, 30)), draw(st.integers(2, 4)), seed=draw(st.integers(0, 10_000))
    )
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    keep = rng.random(len(net.edges)) >= draw(st.sampled_from([0.0, 0.15, 0.3]))
    bent = rng.random(len(net.edges)) < draw(st.sampled_from([0.0, 0.2]))
    edges = tuple(
        Edge(e.supplier, e.customer, e.ratio + 0.5) if b else e
        for e, k, b in zip(net.edges, keep, bent, strict=True)
        if k
    )
    return dataclasses.replace(net, edges=edges)


@settings(max_examples=30, deadline=None)
@given(net=networks())
def test_every_scenario_matches_the_readme_lp_solved_plainly(net: SupplyNetwork) -> None:
    analysis = analyze(net)
    top = max(s.loss for s in analysis.scenarios)
    for scenario, result in zip(network_scenarios(net), analysis.scenarios, strict=True):
        down = set(scenario.nodes)
        loss = readme_lp(net, down, scenario.ttr)
        tts = readme_lp(net, down, None)
        assert _close(result.loss, loss, top), (scenario.id, result.loss, loss)
        assert _close(result.tts, tts, 0.0), (scenario.id, result.tts, tts)
        assert (result.loss == 0) == (loss <= TOL * max(1.0, top)), scenario.id
        assert result.red_flag == (tts < scenario.ttr * (1 - TOL)), scenario.id
        lost_value = sum(p.loss for p in result.products)
        assert _close(lost_value, result.loss, top), scenario.id
    assert _close(analysis.baseline_tts, readme_lp(net, set(), None), 0.0)


def test_screens_skip_lps_on_the_generated_network() -> None:
    net = generate_network(300, 5, seed=11)
    analysis = analyze(net)
    scenarios = len(analysis.scenarios)
    # one baseline per chunk and the final one, one TTS per scenario, TTR only where it loses
    survivors = sum(1 for s in analysis.scenarios if s.tts >= s.ttr)
    assert survivors > 0
    assert analysis.lp_solves <= 2 + 2 * scenarios - survivors


def test_a_complete_uniform_piece_is_a_pool_and_others_are_not() -> None:
    # suppliers 0, 1 of one material; pairs 0, 1 (two customers' inputs of that material)
    src = np.array([0, 1, 0, 1])
    pair = np.array([0, 0, 1, 1])
    ratio = np.array([2.0, 2.0, 3.0, 3.0])
    assert find_pools(src, pair, ratio, nodes=4).pool.tolist() == [0, 0, 0, 0]
    # supplier 1 ships to pair 0 at another ratio: proportional shipping no longer works
    bent = find_pools(src, pair, np.array([2.0, 2.5, 3.0, 3.0]), nodes=4)
    assert bent.pool.tolist() == [-1, -1, -1, -1] and bent.count == 0
    # supplier 1 does not serve pair 1: not every supplier reaches every customer
    partial = find_pools(src[:3], pair[:3], ratio[:3], nodes=4)
    assert partial.pool.tolist() == [-1, -1, -1]
    # two separate single-supplier pieces are two pools
    two = find_pools(np.array([0, 1]), np.array([0, 1]), np.array([1.0, 4.0]), nodes=4)
    assert two.pool.tolist() == [0, 1] and two.count == 2


def test_ctrl_c_stops_a_long_analysis() -> None:
    script = """
import os, signal, threading, time
from rackwright.risk import analyze
from rackwright.risk.generate import generate_network
net = generate_network(3000, 5, seed=5)
sent = []
def ctrl_c():
    sent.append(time.perf_counter())
    os.kill(os.getpid(), signal.SIGINT)
threading.Timer(1.0, ctrl_c).start()  # by then analyze is solving LPs
try:
    analyze(net)
    print("finished")
except KeyboardInterrupt:
    print(f"interrupted {time.perf_counter() - sent[0]:.2f}")
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.stdout.startswith("interrupted"), (out.stdout, out.stderr)
    assert float(out.stdout.split()[1]) < 1.0
