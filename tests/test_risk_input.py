"""Bad network and events files: one line naming the file, line, entry and value; exit 2.
And the writer: what it writes reads back as the same network."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunCli, edit, line_of
from rackwright.risk import (
    Edge,
    Group,
    NetworkError,
    Node,
    SupplyNetwork,
    analyze,
    load_network,
    network_to_toml,
    save_network,
)
from rackwright.risk.generate import generate_network
from shared_data import SHARED_DATA

GOOD = """\
horizon = 52
period = "week"

[[node]]
id = "A"
material = "a"
capacity = 10
ttr = 2

[[node]]
id = "B"
material = "b"
demand = 3

[[edge]]
from = "A"
to = "B"
ratio = 1

[[group]]
id = "G"
nodes = ["A"]
ttr = 4
"""

BAD = [
    # (what to change, into what, text that names the entry, the value, the line's needle)
    ('to = "B"', 'to = "Z"', "edge[0].to", "'Z'", 'to = "Z"'),
    ("ratio = 1", "ratio = 0", "edge[0].ratio", "0", "ratio = 0"),
    ("ratio = 1", "ratio = -2", "edge[0].ratio", "-2", "ratio = -2"),
    ('nodes = ["A"]', 'nodes = ["A", "Q"]', "group[0].nodes[1]", "'Q'", 'nodes = ["A", "Q"]'),
    ("capacity = 10", "capacity = -1", "node[0].capacity", "-1", "capacity = -1"),
    ("ttr = 2", "ttr = 0", "node[0].ttr", "0", "ttr = 0"),
    ("demand = 3", "demand = -3", "node[1].demand", "-3", "demand = -3"),
    ('id = "B"', 'id = "A"  # again', "node[1].id", "'A'", "# again"),
    ('id = "G"', 'id = "A"  # again', "group[0].id", "'A'", "# again"),
    ("capacity = 10", 'capacity = "lots"', "node[0].capacity", "'lots'", "capacity = "),
    ("ttr = 2", "ttr = 2\ncolour = 3", "node[0].colour", "'colour'", "colour = 3"),
]


@pytest.mark.parametrize(("old", "new", "entry", "value", "needle"), BAD)
def test_bad_network_is_one_line_with_file_line_entry_value(
    cli: RunCli, tmp_path: Path, old: str, new: str, entry: str, value: str, needle: str
) -> None:
    text = edit(GOOD, old, new)
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    for command in (("bench", "ttr"), ("risk", "analyze"), ("risk", "mitigate")):
        result = cli(*command, path)
        assert result.code == 2, (command, result.out)
        assert len(result.err_lines) == 1, result.err
        line = result.err_lines[0]
        expected_line = line_of(text, needle)
        assert f"{path}:" in line and entry in line and value in line, line
        assert f"{path}:{expected_line}" in line, (line, expected_line)
        assert "Traceback" not in result.err


def test_a_cycle_names_its_first_edge_and_the_loop(cli: RunCli, tmp_path: Path) -> None:
    text = GOOD + '\n[[edge]]\nfrom = "B"\nto = "A"\n'
    path = tmp_path / "loop.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("bench", "ttr", path)
    assert result.code == 2 and len(result.err_lines) == 1
    line = result.err_lines[0]
    assert "cycle" in line and "edge[0]" in line and "'A -> B -> A'" in line
    assert f"{path}:{line_of(text, '[[edge]]')}" in line


def test_longer_cycles_and_self_loops_are_caught() -> None:
    nodes = tuple(Node(n, n.lower()) for n in "ABCD")
    with pytest.raises(NetworkError, match="cycle") as info:
        SupplyNetwork(nodes, (Edge("A", "B"), Edge("B", "C"), Edge("C", "D"), Edge("D", "B")))
    assert info.value.value == "B -> C -> D -> B"
    assert info.value.field == "edge[1]"
    with pytest.raises(NetworkError, match="cycle"):
        SupplyNetwork(nodes, (Edge("C", "C"),))


def test_unreadable_and_malformed_files(cli: RunCli, tmp_path: Path) -> None:
    missing = cli("bench", "ttr", tmp_path / "nope.toml")
    assert missing.code == 2 and "file not found" in missing.err_lines[0]
    broken = tmp_path / "broken.toml"
    broken.write_text("[[node]\nid = ", encoding="utf-8")
    result = cli("risk", "analyze", broken)
    assert result.code == 2 and len(result.err_lines) == 1 and "malformed TOML" in result.err


def test_group_without_ttr_takes_its_members_longest() -> None:
    nodes = (Node("A", "a", ttr=3), Node("B", "a", ttr=7), Node("P", "p", demand=1))
    edges = (Edge("A", "P"), Edge("B", "P"))
    net = SupplyNetwork(nodes, edges, (Group("G", ("A", "B")),))
    assert analyze(net).scenario("G").ttr == 7
    with pytest.raises(NetworkError, match="no ttr"):
        SupplyNetwork((Node("A", "a"),), (), (Group("G", ("A",)),))


def test_writer_round_trips_the_teaching_case_and_a_generated_network(tmp_path: Path) -> None:
    for net in (
        load_network(SHARED_DATA / "risk" / "teaching_case.toml"),
        generate_network(60, 4, seed=5),
    ):
        path = save_network(tmp_path / "out.toml", net, header="written by a test")
        again = load_network(path)
        assert again == net
        assert path.read_text(encoding="utf-8").startswith("# written by a test")
    text = network_to_toml(load_network(SHARED_DATA / "risk" / "teaching_case.toml"))
    assert "ttr = 2\n" in text and "capacity = 30\n" in text  # whole numbers stay integers
    assert "loss_weight = 5000" in text


def test_bad_events_file_is_one_line(cli: RunCli, tmp_path: Path) -> None:
    net = tmp_path / "net.toml"
    net.write_text(GOOD, encoding="utf-8")
    cases = [
        ('[[event]]\nid = "e"\ntarget = "nowhere"\nprobability = 0.1\n', "event[0].target"),
        ('[[event]]\nid = "e"\ntarget = "A"\nprobability = 1.5\n', "event[0].probability"),
        (
            '[[event]]\nid = "e"\ntarget = "A"\nprobability = 0.1\n'
            'duration = { kind = "weibull", value = 2 }\n',
            "event[0].duration.kind",
        ),
        ('[[event]]\nid = "e"\nnodes = ["A", "X"]\nprobability = 0.1\n', "event[0].nodes[1]"),
        (
            '[[event]]\nid = "e"\ntarget = "A"\nprobability = 0.1\n'
            'duration = { kind = "triangular", low = 5, mode = 2, high = 1 }\n',
            "event[0].duration",
        ),
    ]
    for text, entry in cases:
        events = tmp_path / "events.toml"
        events.write_text(text, encoding="utf-8")
        result = cli("risk", "montecarlo", net, "--trials", "10", "--seed", "1", "--events", events)
        assert result.code == 2, text
        assert len(result.err_lines) == 1 and entry in result.err_lines[0], result.err
        assert f"{events}:" in result.err_lines[0]


def test_bad_options_name_the_option(cli: RunCli, tmp_path: Path) -> None:
    net = tmp_path / "net.toml"
    net.write_text(GOOD, encoding="utf-8")
    for args, option in (
        (("risk", "montecarlo", net, "--trials", "0", "--seed", "1"), "trials"),
        (("risk", "montecarlo", net, "--trials", "5", "--seed", "-1"), "seed"),
        (("risk", "montecarlo", net, "--trials", "5", "--seed", "1", "--level", "1.5"), "level"),
        (("risk", "mitigate", net, "--holding-rate", "-0.1"), "holding-rate"),
        (("risk", "analyze", net, "--executor", "cloud"), "executor"),
    ):
        result = cli(*args)
        assert result.code == 2 and len(result.err_lines) == 1, result.err
        assert option in result.err_lines[0]
