"""``rackwright catalog``: list, show, sources and fabric, as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import RunCli
from rackwright.catalog import load_catalog
from rackwright.cli.app import app

runner = CliRunner()
README = Path(__file__).resolve().parents[1] / "README.md"

USER_FILE = """\
[[fabric]]
id = "my-fabric"
name = "My 128-port fabric"
family = "ethernet"
switch_product = "Radix-128"
switch_radix_count = 128
port_bits_per_s = "400 Gb/s"
switch_power_w = "2 kW"
switch_price_usd = "50 kUSD"
switch_rack_units_u = 2
optic_price_usd = "700 USD"
optic_power_w = "9 W"
sources = ["A06"]
confidence = "E"
"""


def invoke_json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_every_kind_as_json() -> None:
    rows = invoke_json("catalog", "list")
    assert isinstance(rows, list)
    kinds = {row["kind"] for row in rows}
    assert {"accelerator", "system", "fabric", "site", "facility"} <= kinds
    h100 = next(row for row in rows if row["id"] == "h100-sxm5")
    # Its per-GPU peaks come from an expert's table of NVIDIA's datasheet, not an NVIDIA page: S.
    assert h100["confidence"] == "S"
    assert "989.4 TFLOP/s" in h100["key_figures"] and "700 W" in h100["key_figures"]


def test_list_one_kind_as_a_table() -> None:
    result = runner.invoke(app, ["catalog", "list", "--kind", "facility"])
    assert result.exit_code == 0, result.output
    assert "us-tx" in result.stdout and "6.60 c/kWh" in result.stdout
    assert "h100-sxm5" not in result.stdout


def test_list_includes_a_user_catalog_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    rows = invoke_json("catalog", "list", "--kind", "fabric", "--catalog", str(path))
    assert isinstance(rows, list)
    mine = next(row for row in rows if row["id"] == "my-fabric")
    assert mine["origin"] == f"{path}:2"
    assert len(rows) == len(load_catalog().all("fabric")) + 1


def test_show_gives_every_figure_with_unit_source_and_confidence() -> None:
    info = invoke_json("catalog", "show", "h100-sxm5")
    assert isinstance(info, dict)
    assert (info["id"], info["kind"]) == ("h100-sxm5", "accelerator")
    assert info["origin"].startswith("<catalog>/accelerators.toml:")
    figures = {fig["field"]: fig for fig in info["figures"]}
    bf16 = figures["bf16_flops_per_s"]
    assert bf16["value"] == 989.4e12 and bf16["unit"] == "FLOP/s"
    assert bf16["display"] == "989.4 TFLOP/s"
    assert bf16["sources"] == ["S20", "S28"] and bf16["confidence"] == "S"
    assert figures["hbm_bytes"]["unit"] == "B" and figures["tdp_w"]["unit"] == "W"
    assert set(figures[name]["note"] for name in figures) == {""}
    titles = {src["id"]: src["title"] for src in info["sources"]}
    assert titles["S20"].startswith("Glenn Lockwood (expert notes citing NVIDIA's H100 datasheet")


def test_show_reports_field_provenance_and_assumption_titles() -> None:
    info = invoke_json("catalog", "show", "tpu-v5p")
    assert isinstance(info, dict)
    tdp = next(fig for fig in info["figures"] if fig["field"] == "tdp_w")
    assert (tdp["sources"], tdp["confidence"], tdp["note"]) == (["A01"], "E", "TDP not published")
    titles = {src["id"]: src["title"] for src in info["sources"]}
    assert "TPU v5p 500 W" in titles["A01"]


def test_show_table_names_units_and_source_titles() -> None:
    result = runner.invoke(app, ["catalog", "show", "gb300-nvl72"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "142 kW" in result.stdout
    assert "NVIDIA docs: Enterprise RA, NVL72 AI Factory components" in result.stdout


def test_sources_lists_assumptions() -> None:
    rows = invoke_json("catalog", "sources")
    assert isinstance(rows, list)
    ids = [row["id"] for row in rows]
    assert "S01" in ids and "A01" in ids and "X01" in ids
    assert ids.index("S01") < ids.index("S02") < ids.index("S10")


def test_fabric_sizing_command() -> None:
    data = invoke_json("catalog", "fabric", "ib-ndr", "--gpus", "4096", "--system", "dgx-b200")
    assert isinstance(data, dict)
    counts = (
        data["leaf_switches_count"],
        data["spine_switches_count"],
        data["core_switches_count"],
    )
    assert counts == (128, 128, 64)
    assert data["optics_count"] == 6 * 4096


def test_unknown_id_is_one_line_and_exit_2(cli: RunCli) -> None:
    result = cli("catalog", "show", "h100sxm5")
    assert result.code == 2
    assert result.err_lines == [
        "error: field 'id': no catalog entry with id 'h100sxm5'; did you mean h100-sxm5, "
        "h200-sxm? (got 'h100sxm5')"
    ]
    assert result.out == ""


def test_unknown_kind_is_one_line_and_exit_2(cli: RunCli) -> None:
    result = cli("catalog", "list", "--kind", "gpu")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "unknown kind" in result.err and "(got 'gpu')" in result.err


def test_bad_user_catalog_is_one_line_and_exit_2(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(USER_FILE.replace("switch_radix_count = 128", "switch_radix_count = -4"))
    result = cli("catalog", "list", "--catalog", path)
    assert result.code == 2
    assert result.err_lines == [
        f"error: {path}:6, field 'fabric.0.switch_radix_count': "
        "Input should be greater than 0 (got -4)"
    ]


def test_unknown_fabric_is_exit_2(cli: RunCli) -> None:
    result = cli("catalog", "fabric", "ib-zdr", "--gpus", "8")
    assert result.code == 2
    assert "unknown fabric id 'ib-zdr'" in result.err


def test_compound_units_are_not_misread() -> None:
    rack_id = next(e.id for e in load_catalog().all("rack"))
    info = invoke_json("catalog", "show", rack_id)
    assert isinstance(info, dict)
    units = {fig["field"]: fig["unit"] for fig in info["figures"]}
    assert units["coolant_cp_j_per_kg_k"] == "J/(kg*K)"
    assert units["coolant_density_kg_per_m3"] == "kg/m3"
    assert units["coolant_delta_t_k"] == "K"


def _readme_catalog_example() -> str:
    """The TOML block of the README's section on overriding the catalog, as a user copies it."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The catalog and its provenance") :]
    section = section[: section.index("\n## ", 1)]
    block = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the catalog section shows no TOML example"
    return block.group(1)


def test_readme_catalog_override_example_runs_as_written(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(_readme_catalog_example(), encoding="utf-8")
    result = cli("catalog", "show", "us-tx", "--catalog", path, "--json")
    assert result.code == 0, result.err
    info = json.loads(result.out)
    assert info["origin"].startswith(str(path))
    figures = {fig["field"]: fig for fig in info["figures"]}
    assert figures["electricity_usd_per_kwh"]["value"] == pytest.approx(0.052)
    assert figures["pue_ratio"]["value"] == pytest.approx(1.15)
    cited = set(figures["pue_ratio"]["sources"])
    titles = {src["id"]: src["title"] for src in info["sources"]}
    assert cited == {"A99"} and titles["A99"].startswith("Texas tariff")
    # The same file without its [[source]] table is refused on one line naming the unknown id.
    bare = tmp_path / "bare.toml"
    without_source = "[[facility]]" + _readme_catalog_example().split("[[facility]]", 1)[1]
    bare.write_text(without_source, encoding="utf-8")
    refused = cli("catalog", "show", "us-tx", "--catalog", bare)
    assert refused.code == 2 and len(refused.err_lines) == 1 and "A99" in refused.err
