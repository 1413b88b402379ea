"""Loading user catalog files over the default: merges, overrides, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from rackwright.catalog import load_catalog
from rackwright.errors import CatalogError, InputError, RackwrightError, UnitError, UnknownIdError

CHIP = """\
[[accelerator]]
id = "my-chip"
name = "My chip"
vendor = "Me"
architecture = "X1"
bf16_flops_per_s = "100 TFLOP/s"
hbm_bytes = "10 GB"
hbm_bw_bytes_per_s = "1 TB/s"
tdp_w = "300 W"
scaleup_bidir_bytes_per_s = "100 GB/s"
scaleup_domain_max_count = 8
year_available = 2024
sources = ["A01"]
confidence = "E"
"""

SYSTEM = """\
[[system]]
id = "my-system"
name = "My system"
vendor = "Me"
accelerator = "h100-sxm5"
gpus_count = 8
scaleup_domain_count = 8
scaleout_fabric = "ib-ndr"
scaleout_nic_bits_per_s = "400 Gb/s"
cpu = "any"
cpus_count = 2
host_memory_bytes = "1 TB"
power_typical_w = "8 kW"
power_max_w = "10 kW"
rack_units_u = 8
cooling = "air"
price_usd = "250 kUSD"
year_available = 2024
sources = ["S28"]
confidence = "S"
"""


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def error_of(*paths: Path) -> RackwrightError:
    with pytest.raises(RackwrightError) as info:
        load_catalog(list(paths))
    message = info.value.one_line()
    assert "\n" not in message
    return info.value


def test_user_file_adds_an_entry_with_si_values(tmp_path: Path) -> None:
    path = write(tmp_path, CHIP)
    catalog = load_catalog([path])
    chip = catalog.accelerator("my-chip")
    assert chip.bf16_flops_per_s == pytest.approx(100e12)
    assert chip.hbm_bw_bytes_per_s == pytest.approx(1e12)
    assert catalog.origins[("accelerator", "my-chip")] == f"{path}:2"
    # The default entries are still there.
    assert catalog.accelerator("h100-sxm5").tdp_w == pytest.approx(700.0)


def test_user_file_may_bring_its_own_sources(tmp_path: Path) -> None:
    text = (
        '[[source]]\nid = "Q01"\nkind = "quote"\ntitle = "Vendor quote, 2026"\n\n'
        + CHIP.replace('sources = ["A01"]', 'sources = ["Q01"]')
    )
    catalog = load_catalog([write(tmp_path, text)])
    assert catalog.source_title("Q01") == "Vendor quote, 2026"


def test_clash_without_override_names_both_files(tmp_path: Path) -> None:
    text = CHIP.replace('"my-chip"', '"h100-sxm5"')
    path = write(tmp_path, text)
    err = error_of(path)
    assert isinstance(err, CatalogError)
    message = err.one_line()
    assert f"{path}:2" in message
    assert "<catalog>/accelerators.toml" in message
    assert "override = true" in message
    assert "'h100-sxm5'" in message and "field 'id'" in message


def test_override_replaces_the_default_entry(tmp_path: Path) -> None:
    text = CHIP.replace('"my-chip"', '"h100-sxm5"') + "override = true\n"
    path = write(tmp_path, text)
    catalog = load_catalog([path])
    assert catalog.accelerator("h100-sxm5").tdp_w == pytest.approx(300.0)
    assert catalog.origins[("accelerator", "h100-sxm5")].startswith(str(path))
    # Systems built on it now see the override.
    assert catalog.accelerator(catalog.system("dgx-h100").accelerator).name == "My chip"


def test_later_user_file_overrides_an_earlier_one(tmp_path: Path) -> None:
    first = write(tmp_path, CHIP, "a.toml")
    second = write(tmp_path, CHIP.replace('"300 W"', '"350 W"') + "override = true\n", "b.toml")
    assert load_catalog([first, second]).accelerator("my-chip").tdp_w == pytest.approx(350.0)


def test_duplicate_id_in_one_file(tmp_path: Path) -> None:
    text = CHIP + "\n" + CHIP
    path = write(tmp_path, text)
    err = error_of(path)
    assert isinstance(err, CatalogError)
    assert err.line == 17
    assert err.one_line().startswith(f"{path}:17, field 'id'")
    assert "same file" in err.one_line() and "'my-chip'" in err.one_line()


def test_id_used_by_another_kind(tmp_path: Path) -> None:
    text = CHIP.replace('"my-chip"', '"ib-ndr"')
    err = error_of(write(tmp_path, text))
    assert "already a fabric" in err.one_line()


def test_unknown_key(tmp_path: Path) -> None:
    text = CHIP.replace('tdp_w = "300 W"\n', 'tdp_w = "300 W"\ntdp_watts = 300\n')
    path = write(tmp_path, text)
    err = error_of(path)
    assert err.one_line() == (
        f"{path}:{line_of(text, 'tdp_watts')}, field 'accelerator.0.tdp_watts': "
        "unknown key (got 300)"
    )


def test_missing_field(tmp_path: Path) -> None:
    text = CHIP.replace('tdp_w = "300 W"\n', "")
    path = write(tmp_path, text)
    err = error_of(path)
    assert err.field == "accelerator.0.tdp_w"
    assert err.line == 1  # the [[accelerator]] table that lacks it
    assert "missing required field" in err.one_line()
    assert err.one_line().startswith(f"{path}:1")


def test_wrong_type(tmp_path: Path) -> None:
    text = CHIP.replace("scaleup_domain_max_count = 8", 'scaleup_domain_max_count = "eight"')
    path = write(tmp_path, text)
    err = error_of(path)
    line = line_of(text, "scaleup_domain_max_count")
    assert err.one_line().startswith(
        f"{path}:{line}, field 'accelerator.0.scaleup_domain_max_count'"
    )
    assert "(got 'eight')" in err.one_line()


def test_negative_value(tmp_path: Path) -> None:
    text = CHIP.replace('tdp_w = "300 W"', 'tdp_w = "-300 W"')
    path = write(tmp_path, text)
    err = error_of(path)
    assert err.one_line() == (
        f"{path}:{line_of(text, 'tdp_w')}, field 'accelerator.0.tdp_w': "
        "Input should be greater than 0 (got -300.0)"
    )


def test_unknown_unit(tmp_path: Path) -> None:
    text = CHIP.replace('hbm_bw_bytes_per_s = "1 TB/s"', 'hbm_bw_bytes_per_s = "1 TB/h"')
    path = write(tmp_path, text)
    err = error_of(path)
    assert isinstance(err, UnitError)
    line = line_of(text, "hbm_bw_bytes_per_s")
    message = err.one_line()
    assert message.startswith(f"{path}:{line}, field 'accelerator.0.hbm_bw_bytes_per_s'")
    assert "unknown unit 'TB/h'" in message and "(got '1 TB/h')" in message


def test_unit_of_the_wrong_dimension(tmp_path: Path) -> None:
    text = CHIP.replace('tdp_w = "300 W"', 'tdp_w = "300 GB"')
    err = error_of(write(tmp_path, text))
    assert isinstance(err, UnitError)
    assert err.field == "accelerator.0.tdp_w" and "for power" in err.one_line()


def test_unknown_reference_id(tmp_path: Path) -> None:
    text = SYSTEM.replace('accelerator = "h100-sxm5"', 'accelerator = "h900"')
    path = write(tmp_path, text)
    err = error_of(path)
    assert isinstance(err, UnknownIdError)
    assert err.file == str(path) and err.line == line_of(text, 'accelerator = "h900"')
    assert err.field == "accelerator"
    assert "unknown accelerator 'h900'" in err.one_line() and "(got 'h900')" in err.one_line()


def test_unknown_source_id(tmp_path: Path) -> None:
    text = SYSTEM.replace('sources = ["S28"]', 'sources = ["S999"]')
    path = write(tmp_path, text)
    err = error_of(path)
    assert err.file == str(path) and err.field == "sources"
    assert err.line == line_of(text, "S999")
    assert "unknown source 'S999'" in err.one_line()


def test_unknown_source_in_field_provenance_names_its_line(tmp_path: Path) -> None:
    text = SYSTEM + 'provenance.price_usd = { sources = ["Q404"], confidence = "E", note = "x" }\n'
    path = write(tmp_path, text)
    err = error_of(path)
    assert err.one_line().startswith(f"{path}:{line_of(text, 'Q404')}, field 'sources'")
    assert "(got 'Q404')" in err.one_line()


def test_unknown_kind(tmp_path: Path) -> None:
    text = CHIP.replace("[[accelerator]]", "[[accelerators]]")
    path = write(tmp_path, text)
    err = error_of(path)
    assert err.one_line().startswith(f"{path}:1, field 'accelerators'")
    assert "unknown catalog kind" in err.one_line()


def test_malformed_toml_names_its_line(tmp_path: Path) -> None:
    text = CHIP.replace('tdp_w = "300 W"', 'tdp_w "300 W"')
    path = write(tmp_path, text)
    err = error_of(path)
    assert isinstance(err, InputError)
    assert err.line == line_of(text, "tdp_w")
    assert err.one_line().startswith(f"{path}:{err.line}: malformed TOML")


def test_missing_file(tmp_path: Path) -> None:
    err = error_of(tmp_path / "nope.toml")
    assert err.one_line() == f"{tmp_path / 'nope.toml'}: file not found"


def test_unreadable_file(tmp_path: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert error_of(binary).one_line() == f"{binary}: cannot read file: not UTF-8 text (byte 0)"
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert error_of(folder).one_line().startswith(f"{folder}: cannot read file")
