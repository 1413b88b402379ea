"""Mitigation sizing: hand-worked buffers and second sources, their costs and ranking, and
that applying a buffer really clears the red flag."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.risk import (
    Edge,
    Group,
    MitigationCosts,
    MitigationKind,
    Node,
    SupplyNetwork,
    analyze,
    load_network,
    size_mitigations,
)
from shared_data import SHARED_DATA

CASE = SHARED_DATA / "risk" / "teaching_case.toml"


def priced_case() -> SupplyNetwork:
    net = load_network(CASE)
    return net.replace_nodes(
        {
            "S2": dataclasses.replace(net.node("S2"), unit_cost=100.0),
            "S3": dataclasses.replace(net.node("S3"), unit_cost=200.0),
        }
    )


def test_buffers_cover_exactly_the_shortfall_of_the_teaching_case() -> None:
    net = load_network(CASE)
    plan = size_mitigations(net, analyze(net))
    sizes = {(m.scenario, m.kind): m.nodes for m in plan.mitigations}
    # S3 out 2 periods: 55 units short -> 55 units of its material on hand, or a second
    # source of 27.5 a period; S2: 25 units, 12.5 a period
    (s3,) = sizes[("S3", MitigationKind.BUFFER)]
    assert (s3.node, s3.buffer_units, s3.rate) == ("S3", pytest.approx(55.0), pytest.approx(27.5))
    assert s3.buffer_periods == pytest.approx(55.0 / 60.0)
    (s2,) = sizes[("S2", MitigationKind.SECOND_SOURCE)]
    assert s2.rate == pytest.approx(12.5)
    assert "S1" not in {m.scenario for m in plan.mitigations}  # not a red flag
    assert all(m.annual_cost is None for m in plan.mitigations)  # no unit costs in the file


def test_applying_each_buffer_lifts_tts_to_ttr() -> None:
    net = load_network(CASE)
    plan = size_mitigations(net, analyze(net))
    for m in plan.mitigations:
        if m.kind is not MitigationKind.BUFFER:
            continue
        stocked = net.replace_nodes(
            {
                n.node: dataclasses.replace(
                    net.node(n.node), inventory=net.node(n.node).inventory + n.buffer_units
                )
                for n in m.nodes
            }
        )
        after = analyze(stocked).scenario(m.scenario)
        assert after.red_flag is False
        assert after.loss == 0.0
        assert after.tts == pytest.approx(after.ttr)


def test_costs_and_ranking_by_exposure_removed_per_dollar() -> None:
    net = priced_case()
    plan = size_mitigations(net, analyze(net), MitigationCosts(0.25, 0.10))
    costs = {(m.scenario, m.kind.value): m.annual_cost for m in plan.mitigations}
    # buffer: units x unit cost x 25 % a year; second source: rate x 52 weeks x cost x 10 %
    assert costs[("S2", "buffer")] == pytest.approx(25 * 100 * 0.25)
    assert costs[("S3", "buffer")] == pytest.approx(55 * 200 * 0.25)
    assert costs[("S2", "second_source")] == pytest.approx(12.5 * 52 * 100 * 0.10)
    assert costs[("S3", "second_source")] == pytest.approx(27.5 * 52 * 200 * 0.10)
    # per dollar: S2 buffer 200, S3 buffer 100, S2 second 19.2, S3 second 9.6
    assert [(m.scenario, m.kind.value) for m in plan.mitigations] == [
        ("S2", "buffer"),
        ("S3", "buffer"),
        ("S2", "second_source"),
        ("S3", "second_source"),
    ]
    assert plan.mitigations[0].per_dollar == pytest.approx(125000 / 625)


def test_a_group_is_mitigated_at_its_cheapest_member() -> None:
    # A1 (50 a unit) and A2 (10 a unit) both make a; both down 1 week. P2 (2 a per unit, 10 a
    # week, nothing on hand) needs 20 a; P1's 30 on hand cover its 20: 20 units at A2.
    nodes = (
        Node("A1", "a", capacity=40, ttr=6, unit_cost=50.0),
        Node("A2", "a", capacity=20, ttr=2, unit_cost=10.0),
        Node("P1", "p1", inventory=30, demand=20, loss_weight=10),
        Node("P2", "p2", demand=10, loss_weight=50),
    )
    edges = (Edge("A1", "P1"), Edge("A2", "P1"), Edge("A1", "P2", 2), Edge("A2", "P2", 2))
    net = SupplyNetwork(nodes, edges, (Group("ALL", ("A1", "A2"), ttr=1),))
    plan = size_mitigations(net, analyze(net))
    buffer = next(
        m for m in plan.mitigations if m.scenario == "ALL" and m.kind is MitigationKind.BUFFER
    )
    assert [(n.node, n.buffer_units) for n in buffer.nodes] == [("A2", pytest.approx(20.0))]
    assert buffer.annual_cost == pytest.approx(20 * 10 * 0.25)


def test_a_shortfall_elsewhere_is_unmitigable() -> None:
    # P needs one s and one t; T can only make 5 of the 10 a week: no stock of s fixes that
    nodes = (
        Node("S", "s", capacity=100, ttr=2),
        Node("T", "t", capacity=5),
        Node("P", "p", demand=10),
    )
    net = SupplyNetwork(nodes, (Edge("S", "P"), Edge("T", "P")))
    plan = size_mitigations(net, analyze(net))
    assert plan.unmitigable == ("S",)
    assert plan.mitigations == ()


def test_mitigate_cli(cli: RunCli, tmp_path: Path) -> None:
    result = cli("risk", "mitigate", CASE, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["holding_rate_per_year"] == 0.25 and data["second_source_premium"] == 0.1
    assert {(m["scenario"], m["kind"]) for m in data["mitigations"]} == {
        ("S2", "buffer"),
        ("S2", "second_source"),
        ("S3", "buffer"),
        ("S3", "second_source"),
    }
    table = cli("risk", "mitigate", CASE, "--holding-rate", "0.3")
    assert table.code == 0 and "S3" in table.out
    weird = tmp_path / "net.toml"
    weird.write_text(
        CASE.read_text(encoding="utf-8").replace('period = "week"', 'period = "sprint"'),
        encoding="utf-8",
    )
    bad = cli("risk", "mitigate", weird)
    assert bad.code == 2 and "sprint" in bad.err_lines[0]
