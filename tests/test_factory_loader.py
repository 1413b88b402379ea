"""The factory data file: the packaged default loads and cites its sources; bad input is one line
naming the station (or site) and the value, exit code 2, from the loader and the engine alike."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.catalog import load_catalog
from rackwright.errors import InputError
from rackwright.factory.distributions import deterministic
from rackwright.factory.loader import load_factory
from rackwright.factory.network import Network, StationNode, check_network

DEFAULT = resources.files("rackwright.factory.data").joinpath("factory.toml").read_text("utf-8")


def _edit(station: str, old: str, new: str) -> str:
    """The default file with ``old`` replaced by ``new`` inside one station's table."""
    start = DEFAULT.index(f'id = "{station}"')
    end = DEFAULT.find("[[", start)
    block = DEFAULT[start:end]
    assert old in block, (station, old)
    return DEFAULT[:start] + block.replace(old, new, 1) + DEFAULT[end:]


def test_the_packaged_factory_loads_and_every_figure_cites_a_source() -> None:
    catalog = load_catalog([])
    data = load_factory(None, catalog)
    assert set(data.sites) == {
        "foxconn-houston-tx",
        "foxconn-mount-pleasant-wi",
        "foxconn-lordstown-oh",
    }
    stations = [s.id for s in data.line_types["ai-rack-line"].station]
    for level_station in ("l6-board", "l10-tray", "l11-rack", "leak-test", "power-on", "burn-in"):
        assert level_station in stations
    for rack in ("rw-gen1-gb300-nvl72", "rw-gen2-vr-nvl144", "rw-gen3-kyber-nvl576"):
        assert data.profile_for(rack).racks
    cited = {s for lt in data.line_types.values() for st in lt.station for s in st.sources}
    cited |= {s for p in data.profiles.values() for s in p.sources}
    cited |= set(data.costs.sources)
    known = set(data.sources) | set(catalog.sources)
    assert cited <= known
    assert all(data.sources[s].title for s in cited if s.startswith(("AFAC", "XFAC")))


CASES = [
    ("zero servers", _edit("l11-rack", "servers = 4", "servers = 0"), "l11-rack", "(got 0)"),
    ("yield above 1", _edit("leak-test", "yield = 0.97", "yield = 1.2"), "leak-test", "1.2"),
    (
        "negative cycle time",
        _edit("l11-rack", 'cycle_time_s = "8 h"', 'cycle_time_s = "-8 h"'),
        "l11-rack",
        "-28800",
    ),
    (
        "no path to shipping",
        _edit("burn-in", 'next = "ship"', 'next = "scrap"'),
        "burn-in",
        "no path to shipping",
    ),
    (
        "cycle without an exit",
        _edit("power-on", 'next = "burn-in"', 'next = "rack-debug"'),
        "power-on",
        "cycle without an exit",
    ),
    (
        "unknown route",
        _edit("l10-tray", 'next = "l11-rack"', 'next = "l12-magic"'),
        "l10-tray",
        "l12-magic",
    ),
    (
        "site override of zero servers",
        DEFAULT.replace("station_servers = { burn-in = 24,", "station_servers = { burn-in = 0,"),
        "burn-in",
        "(got 0)",
    ),
    (
        "profile yield below 0",
        DEFAULT.replace(
            "[profile.station.power-on]\nyield = 0.93", "[profile.station.power-on]\nyield = -0.1"
        ),
        "power-on",
        "-0.1",
    ),
    (
        "unknown catalog site",
        DEFAULT.replace('site = "foxconn-lordstown-oh"', 'site = "foxconn-atlantis"'),
        "foxconn-atlantis",
        "unknown catalog site",
    ),
    ("malformed TOML", DEFAULT.replace("[costs]", "[costs"), "factory.toml", "malformed TOML"),
]


@pytest.mark.parametrize(("label", "text", "names", "value"), CASES, ids=[c[0] for c in CASES])
def test_bad_factory_data_is_one_line_naming_the_station_and_value(
    cli: RunCli, tmp_path: Path, label: str, text: str, names: str, value: str
) -> None:
    assert text != DEFAULT, label
    path = tmp_path / "factory.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("factory", "simulate", "--factory", path, "--weeks", "4", "--replications", "2")
    assert result.code == 2, (label, result.out, result.err)
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("error: ") and str(path) in line
    assert names in line and value in line, line
    assert "Traceback" not in result.err


def test_the_engine_rejects_the_same_mistakes_in_a_network_built_by_hand() -> None:
    good = StationNode("bench", 2, (deterministic(1.0),), (0.9,), on_fail=1)
    rework = StationNode("repair", 1, (deterministic(1.0),), (1.0,), on_pass=0)
    check_network(Network((good, rework)))
    bad = [
        (StationNode("bench", 0, (deterministic(1.0),), (1.0,)), "needs at least one server"),
        (StationNode("bench", 1, (deterministic(-2.0),), (1.0,)), "-2.0"),
        (StationNode("bench", 1, (deterministic(1.0),), (1.5,)), "yield must be between 0 and 1"),
    ]
    for station, needle in bad:
        with pytest.raises(InputError, match="station 'bench'") as err:
            check_network(Network((station,)))
        assert needle in str(err.value)
    # passing never, failing into a repair bench that sends it back: a cycle with no way out
    trap = StationNode("bench", 1, (deterministic(1.0),), (0.0,), on_fail=1)
    with pytest.raises(InputError, match="cycle without an exit"):
        check_network(Network((trap, rework)))


def test_the_error_points_at_the_line_of_the_bad_value(cli: RunCli, tmp_path: Path) -> None:
    text = _edit("l11-rack", "servers = 4", "servers = 0")
    start = text.index('id = "l11-rack"')
    line = text[: text.index("servers = 0", start)].count("\n") + 1
    path = tmp_path / "factory.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("factory", "ramp", "--factory", path)
    assert result.code == 2
    assert f"{path}:{line}," in result.err_lines[0]
