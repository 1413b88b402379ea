"""Bad BOM input: one line on stderr naming the file, line, field and bad value; exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunCli, edit, line_of
from rackwright.bom import expand_bom, load_supply_data
from rackwright.bom.qtyexpr import QtyExprError, evaluate
from rackwright.catalog import load_catalog
from rackwright.errors import InputError

GOOD = """\
[[part]]
id = "my-fan"
name = "Tray fan"
subsystem = "cooling"
category = "fan"
sources = ["ABOM01"]
confidence = "E"

[[mpart]]
id = "mp-my-fan"
part = "my-fan"
mpn = "FAN-40"
maker = "Fan Co"
site = "avc-tw"
sources = ["ABOM01"]
confidence = "E"

[[offer]]
id = "of-my-fan"
mpart = "mp-my-fan"
supplier = "Fan Co"
currency = "TWD"
price_breaks = [{ min_qty = 1, unit_price = 600 }]
lead_time = { dist = "lognormal", median_s = "10 weeks", sigma = 0.3 }
capacity = [{ from_year = 2024, units_per_quarter = 10000 }]
sources = ["ABOM01"]
confidence = "E"

[[assembly]]
id = "asm-a"
name = "A"
lines = [{ item = "my-fan", qty = 2 }]
sources = ["ABOM01"]
confidence = "E"
"""


def _id(record: str) -> str:
    return f'id = "{record}"'


def _run(cli: RunCli, tmp_path: Path, text: str, *extra: str | Path) -> tuple[int, list[str], Path]:
    path = tmp_path / "bad_bom.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("bom", "show", "ref-gb200-nvl72", "--bom", path, *extra)
    return result.code, result.err_lines, path


def test_good_user_file_loads(cli: RunCli, tmp_path: Path) -> None:
    code, err, _ = _run(cli, tmp_path, GOOD)
    assert code == 0, err


def test_bom_cycle(cli: RunCli, tmp_path: Path) -> None:
    text = edit(GOOD, 'lines = [{ item = "my-fan", qty = 2 }]', 'lines = [{ item = "asm-b" }]')
    text += '\n[[assembly]]\nid = "asm-b"\nname = "B"\nlines = [{ item = "asm-a" }]\n'
    text += 'sources = ["ABOM01"]\nconfidence = "E"\n'
    code, err, path = _run(cli, tmp_path, text)
    assert code == 2 and len(err) == 1
    assert "BOM cycle: asm-a -> asm-b -> asm-a" in err[0] and str(path) in err[0]


def test_part_without_offer(cli: RunCli, tmp_path: Path) -> None:
    text = GOOD.split("[[mpart]]")[0]
    code, err, path = _run(cli, tmp_path, text)
    assert code == 2 and len(err) == 1
    assert f"{path}:{line_of(text, _id('my-fan'))}" in err[0]
    assert "part 'my-fan' has no supplier offer" in err[0]


def test_negative_quantity(cli: RunCli, tmp_path: Path) -> None:
    text = edit(GOOD, "qty = 2 }", "qty = -2 }")
    code, err, path = _run(cli, tmp_path, text)
    assert code == 2 and len(err) == 1
    assert "negative quantity" in err[0] and "(got -2" in err[0] and str(path) in err[0]


def test_negative_quantity_from_a_component_figure() -> None:
    catalog = load_catalog()
    supply = load_supply_data(catalog)
    expansion = next(e for e in supply.expansions if e.id == "exp-compute-tray")
    bad = expansion.model_copy(
        update={"lines": [expansion.lines[0].model_copy(update={"qty": "gpus_count - 10"})]}
    )
    supply = supply.__class__(**{**supply.__dict__, "expansions": (bad,)})
    with pytest.raises(InputError, match=r"component 'ct-gb200'.*negative quantity \(got -6"):
        expand_bom(catalog.rack("ref-gb200-nvl72"), catalog, supply)


def test_unknown_site_id(cli: RunCli, tmp_path: Path) -> None:
    text = edit(GOOD, 'site = "avc-tw"', 'site = "nowhere-plant"')
    code, err, path = _run(cli, tmp_path, text)
    assert code == 2 and len(err) == 1
    assert f"{path}:{line_of(text, _id('mp-my-fan'))}" in err[0]
    assert "unknown catalog site id" in err[0] and "'nowhere-plant'" in err[0]


def test_unknown_country_code(cli: RunCli, tmp_path: Path) -> None:
    catalog = tmp_path / "sites.toml"
    catalog.write_text(
        '[[site]]\nid = "atlantis-plant"\nname = "Atlantis"\nsources = ["S01"]\n'
        'confidence = "U"\noperator = "X"\ncity = "Atlantis"\ncountry = "XA"\n'
        'site_kind = "cooling"\noperating_from_year = 2020\n',
        encoding="utf-8",
    )
    text = edit(GOOD, 'site = "avc-tw"', 'site = "atlantis-plant"')
    code, err, _ = _run(cli, tmp_path, text, "--catalog", catalog)
    assert code == 2 and len(err) == 1
    assert "site 'atlantis-plant'" in err[0] and "ISO 3166-1 alpha-2" in err[0]
    assert "'XA'" in err[0] and str(catalog) in err[0]


def test_currency_without_rate(cli: RunCli, tmp_path: Path) -> None:
    text = edit(GOOD, 'currency = "TWD"', 'currency = "GBP"')
    code, err, path = _run(cli, tmp_path, text)
    assert code == 2 and len(err) == 1
    assert f"{path}:{line_of(text, _id('of-my-fan'))}" in err[0]
    assert "currency without a rate" in err[0] and "'GBP'" in err[0]


def test_unknown_rack_and_year_without_offers(cli: RunCli) -> None:
    result = cli("bom", "show", "no-such-rack")
    assert result.code == 2 and "'no-such-rack'" in result.err_lines[0]
    result = cli("bom", "domestic", "ref-gb200-nvl72", "--year", "2020")
    assert result.code == 2 and len(result.err_lines) == 1
    assert "no offer able to ship in 2020" in result.err_lines[0]


def test_quantity_expressions_allow_only_arithmetic() -> None:
    assert evaluate("gpus_count / 2 + 1", {"gpus_count": 4}) == 3
    with pytest.raises(QtyExprError, match="unknown figure 'gpus'"):
        evaluate("gpus * 2", {"gpus_count": 4})
    with pytest.raises(QtyExprError, match="only numbers"):
        evaluate("__import__('os')", {})


def test_rack_without_a_part_family(cli: RunCli, tmp_path: Path) -> None:
    catalog = tmp_path / "amd.toml"
    catalog.write_text(
        '[[rack]]\nid = "my-amd-rack"\nname = "AMD rack"\nsources = ["S51"]\nconfidence = "E"\n'
        'generation = 1\nstatus = "next"\nyear_available = 2026\nsystem = "mi355x-8gpu"\n'
        'components = [{ component = "ch-42u-air", qty = 1 }]\ncdu = "cdu-inrack-250kw"\n'
        'air_cooling_capacity_w = "30 kW"\nprice_usd = "2 MUSD"\n',
        encoding="utf-8",
    )
    result = cli("bom", "show", "my-amd-rack", "--catalog", catalog)
    assert result.code == 2 and len(result.err_lines) == 1
    assert (
        "rack 'my-amd-rack' (accelerator 'mi355x') matches no BOM part family"
        in (result.err_lines[0])
    )
