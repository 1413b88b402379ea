"""Properties of the TTR / TTS analysis on random multi-tier networks (hypothesis).

- more capacity or more inventory anywhere never raises a loss or shortens a TTS;
- a node with no path to demand loses nothing, and the network survives as if it were up;
- a group's loss is at least the loss of each member failing alone.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from rackwright.risk import Edge, Node, RiskAnalysis, SupplyNetwork, analyze
from rackwright.risk.generate import generate_network

TOL = 1e-6

networks = st.builds(
    generate_network,
    nodes=st.integers(6, 28),
    tiers=st.integers(2, 4),
    seed=st.integers(0, 10_000),
)


def _no_worse(before: RiskAnalysis, after: RiskAnalysis) -> None:
    for old, new in zip(before.scenarios, after.scenarios, strict=True):
        assert new.loss <= old.loss + TOL * max(1.0, old.loss), (old.id, old.loss, new.loss)
        assert new.tts >= old.tts - TOL * max(1.0, old.tts), (old.id, old.tts, new.tts)


@settings(max_examples=25, deadline=None)
@given(net=networks, pick=st.integers(0, 10_000), extra=st.floats(0.5, 500.0))
def test_more_capacity_or_inventory_never_hurts(
    net: SupplyNetwork, pick: int, extra: float
) -> None:
    base = analyze(net)
    node = net.nodes[pick % len(net.nodes)]
    more_stock = dataclasses.replace(node, inventory=node.inventory + extra)
    _no_worse(base, analyze(net.replace_nodes({node.id: more_stock})))
    if node.capacity is not None:
        more_capacity = dataclasses.replace(node, capacity=node.capacity + extra)
        _no_worse(base, analyze(net.replace_nodes({node.id: more_capacity})))


@settings(max_examples=25, deadline=None)
@given(net=networks, ttr=st.floats(0.5, 60.0), pick=st.integers(0, 10_000))
def test_a_node_with_no_path_to_demand_loses_nothing(
    net: SupplyNetwork, ttr: float, pick: int
) -> None:
    # a dead-end branch: an existing node feeds SIDE, which feeds SINK, which has no demand
    feeder = net.nodes[pick % len(net.nodes)]
    side = Node("SIDE", "side-part", capacity=5.0, ttr=ttr)
    sink = Node("SINK", "scrap", ttr=ttr)
    grown = SupplyNetwork(
        (*net.nodes, side, sink),
        (*net.edges, Edge(feeder.id, "SIDE", 2.0), Edge("SIDE", "SINK", 1.0)),
        net.groups,
        net.horizon,
        net.period,
    )
    analysis = analyze(grown)
    for dead in ("SIDE", "SINK"):
        result = analysis.scenario(dead)
        assert result.loss == 0.0 and result.products == ()
        assert abs(result.tts - analysis.baseline_tts) <= TOL * max(1.0, result.tts)


@settings(max_examples=25, deadline=None)
@given(net=networks)
def test_a_group_loses_at_least_what_each_member_loses_alone(net: SupplyNetwork) -> None:
    # the generator's country groups have ttr 26 >= every node's ttr (2..26)
    analysis = analyze(net)
    for group in net.groups:
        together = analysis.scenario(group.id)
        for member in group.nodes:
            alone = analysis.scenario(member)
            assert together.loss >= alone.loss - TOL * max(1.0, alone.loss), (group.id, member)
            assert together.tts <= alone.tts + TOL * max(1.0, alone.tts)
