"""Hand-worked networks in the exchange format: tiers, BOM ratios above 1, alternative
suppliers, several input materials, groups. Each expected figure is worked out in the comments
from the README's LP semantics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.risk import analyze, country_scenarios, load_network

# Three tiers, ratio 2: R (raw) -> C (2 R per C) -> P (product).
TIERS = """\
horizon = 999
period = "week"

[[node]]
id = "R"
material = "raw"
country = "CN"
capacity = 100
inventory = 8
ttr = 4

[[node]]
id = "C"
material = "component"
country = "TW"
capacity = 30
inventory = 10
ttr = 3

[[node]]
id = "P"
material = "rack"
country = "US"
inventory = 20
demand = 10
loss_weight = 100

[[edge]]
from = "R"
to = "C"
ratio = 2

[[edge]]
from = "C"
to = "P"
ratio = 1
"""

# Two alternative suppliers of one material, two products (P2 takes 2 a per unit), groups.
ALTERNATIVES = """\
horizon = 999

[[node]]
id = "A1"
material = "a"
country = "TW"
capacity = 40
ttr = 6

[[node]]
id = "A2"
material = "a"
country = "US"
capacity = 20
ttr = 2

[[node]]
id = "P1"
material = "p1"
country = "US"
inventory = 30
demand = 20
loss_weight = 10

[[node]]
id = "P2"
material = "p2"
country = "US"
demand = 10
loss_weight = 50

[[edge]]
from = "A1"
to = "P1"
ratio = 1

[[edge]]
from = "A2"
to = "P1"
ratio = 1

[[edge]]
from = "A1"
to = "P2"
ratio = 2

[[edge]]
from = "A2"
to = "P2"
ratio = 2

[[group]]
id = "TW"
nodes = ["A1"]
ttr = 26

[[group]]
id = "ALL"
nodes = ["A1", "A2"]
ttr = 1
"""

# C needs one x and three y; y has two sites; a group takes both y sites down.
TWO_INPUTS = """\
[[node]]
id = "X1"
material = "x"
capacity = 10
ttr = 2

[[node]]
id = "Y1"
material = "y"
capacity = 100
inventory = 30
ttr = 3

[[node]]
id = "Y2"
material = "y"
capacity = 100

[[node]]
id = "C"
material = "c"

[[node]]
id = "P"
material = "p"
demand = 5
loss_weight = 1000

[[node]]
id = "ORPHAN"
material = "spare"
capacity = 10
ttr = 5

[[edge]]
from = "X1"
to = "C"
ratio = 1

[[edge]]
from = "Y1"
to = "C"
ratio = 3

[[edge]]
from = "Y2"
to = "C"
ratio = 3

[[edge]]
from = "C"
to = "P"

[[group]]
id = "Ys"
nodes = ["Y1", "Y2"]
ttr = 4
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _rows(cli: RunCli, path: Path) -> dict[str, dict[str, object]]:
    result = cli("bench", "ttr", path, "--json")
    assert result.code == 0, result.err
    return {row["id"]: row for row in json.loads(result.out)["scenarios"]}


def test_three_tiers_with_a_bom_ratio(cli: RunCli, tmp_path: Path) -> None:
    rows = _rows(cli, _write(tmp_path, TIERS))
    # R down 4 weeks: R's 8 on hand make 4 C (2 R each), plus C's 10 on hand, plus P's 20:
    # 34 racks against 40 demanded -> 6 lost at 100 = 600. Dry when 10 t > 34: TTS 3.4.
    assert rows["R"]["loss"] == pytest.approx(600.0)
    assert rows["R"]["tts"] == pytest.approx(3.4)
    assert rows["R"]["red_flag"] is True
    # C down 3 weeks: its 10 on hand and P's 20 cover exactly 3 weeks of 10: no loss, TTS 3,
    # and TTS = TTR is not a red flag.
    assert rows["C"]["loss"] == pytest.approx(0.0, abs=1e-9)
    assert rows["C"]["tts"] == pytest.approx(3.0)
    assert rows["C"]["red_flag"] is False
    assert rows["R"]["rei"] == pytest.approx(1.0)
    assert rows["C"]["rei"] == 0.0
    assert "P" not in rows  # no ttr: never fails alone


def test_alternative_suppliers_and_groups(cli: RunCli, tmp_path: Path) -> None:
    rows = _rows(cli, _write(tmp_path, ALTERNATIVES))
    # A1 down 6 weeks: A2's 20 a week all go to P2 (50 per unit over 2 a = 25 per a, P1 earns
    # 10 per a), so P2 is served; P1 gets nothing: 120 demanded - 30 on hand = 90 lost = 900.
    # TTS: 20 t of a must serve 20 t (P2) + (20 t - 30) (P1): t <= 1.5.
    assert rows["A1"]["loss"] == pytest.approx(900.0)
    assert rows["A1"]["tts"] == pytest.approx(1.5)
    # A2 down: A1's 40 a week is exactly the need (20 + 2 x 10): never runs dry.
    assert rows["A2"]["loss"] == pytest.approx(0.0, abs=1e-9)
    assert rows["A2"]["tts"] == pytest.approx(999.0)
    assert rows["A2"]["red_flag"] is False
    # TW (A1) down 26 weeks: P1 loses 520 - 30 = 490 -> 4900, the largest loss.
    assert rows["TW"]["loss"] == pytest.approx(4900.0)
    assert rows["TW"]["disrupted"] == ["A1"]
    # ALL down 1 week: P1's 30 on hand cover its 20; P2 has nothing: 10 x 50 = 500; TTS 0.
    assert rows["ALL"]["loss"] == pytest.approx(500.0)
    assert rows["ALL"]["tts"] == pytest.approx(0.0, abs=1e-9)
    assert rows["ALL"]["red_flag"] is True
    assert rows["A1"]["rei"] == pytest.approx(900 / 4900)
    assert rows["ALL"]["rei"] == pytest.approx(500 / 4900)
    assert list(rows) == ["A1", "A2", "TW", "ALL"]  # nodes in file order, then groups


def test_products_losing_in_the_alternatives_case(tmp_path: Path) -> None:
    analysis = analyze(load_network(_write(tmp_path, ALTERNATIVES)))
    a1 = analysis.scenario("A1")
    assert [(p.node, p.lost_units, p.loss) for p in a1.products] == [
        ("P1", pytest.approx(90.0), pytest.approx(900.0))
    ]
    assert a1.lost_units == pytest.approx(90.0)
    everything = analysis.scenario("ALL")
    assert [(p.node, p.lost_units) for p in everything.products] == [("P2", pytest.approx(10.0))]


def test_several_input_materials_and_an_orphan(cli: RunCli, tmp_path: Path) -> None:
    rows = _rows(cli, _write(tmp_path, TWO_INPUTS))
    # X1 down 2 weeks: no x, no C, no rack: 10 lost x 1000; nothing on hand: TTS 0.
    assert rows["X1"]["loss"] == pytest.approx(10000.0)
    assert rows["X1"]["tts"] == pytest.approx(0.0, abs=1e-9)
    # Y1 down: Y2's 100 a week covers the 15 y a week needed.
    assert rows["Y1"]["loss"] == pytest.approx(0.0, abs=1e-9)
    assert rows["Y1"]["tts"] == pytest.approx(999.0)
    # Both y sites down 4 weeks: Y1's 30 on hand make 10 C -> 10 of 20 racks: 10000;
    # 15 t <= 30: TTS 2.
    assert rows["Ys"]["loss"] == pytest.approx(10000.0)
    assert rows["Ys"]["tts"] == pytest.approx(2.0)
    assert rows["Ys"]["rei"] == pytest.approx(1.0) and rows["X1"]["rei"] == pytest.approx(1.0)
    # ORPHAN feeds nothing that has demand: no loss, and the network never runs dry.
    assert rows["ORPHAN"]["loss"] == 0.0
    assert rows["ORPHAN"]["tts"] == pytest.approx(999.0)
    assert rows["ORPHAN"]["red_flag"] is False


def test_country_scenarios_take_every_site_of_a_country_down(tmp_path: Path) -> None:
    net = load_network(_write(tmp_path, ALTERNATIVES))
    scenarios = {s.id: s for s in country_scenarios(net, {"US": 2})}
    # TW has A1 (ttr 6); US has A2, P1, P2 (given 2 weeks)
    assert scenarios["country:TW"].nodes == ("A1",) and scenarios["country:TW"].ttr == 6
    assert scenarios["country:US"].nodes == ("A2", "P1", "P2")
    analysis = analyze(net, tuple(scenarios.values()))
    # every U.S. node down 2 weeks: P1 sells its 30 on hand of 40 demanded, P2 nothing:
    # 10 x 10 + 20 x 50 = 1100
    assert analysis.scenario("country:US").loss == pytest.approx(1100.0)
    assert analysis.scenario("country:TW").loss == pytest.approx(20 * 6 * 10 - 300)


def test_analyze_cli_adds_country_scenarios(cli: RunCli, tmp_path: Path) -> None:
    path = _write(tmp_path, ALTERNATIVES)
    result = cli("risk", "analyze", path, "--country-ttr", "US=2", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    ids = [s["id"] for s in data["scenarios"]]
    assert ids == ["A1", "A2", "TW", "ALL", "country:TW", "country:US"]
    us = next(s for s in data["scenarios"] if s["id"] == "country:US")
    assert us["kind"] == "country" and us["loss"] == pytest.approx(1100.0)
    assert data["red_flags"][0] == "TW"  # ranked by loss: TW (4900) before country:US (1100)
    bad = cli("risk", "analyze", path, "--country-ttr", "FR=3")
    assert bad.code == 2 and len(bad.err_lines) == 1 and "'FR'" in bad.err_lines[0]
    bad = cli("risk", "analyze", path, "--country-ttr", "US")
    assert bad.code == 2 and "--country-ttr" in bad.err_lines[0]
