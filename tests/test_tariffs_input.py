"""Bad tariff input ends in one line naming the file, the rule and the value, and exit code 2.

Covers the issue's list (an HTS code of the wrong form, an unknown country code, overlapping
periods of one rule, a metal share outside 0-1) in a user's ``--tariffs`` file and on the
command line, and the retired per-country table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.errors import InputError
from rackwright.tariffs import load_tariff_rules, parse_hts
from tariff_fakes import RULE

PART = """
[[part]]
id = "pcb-gb300"
hts = "8534.00.00"
description = "bare board"
guidance = "HTSUS 8534"
sources = ["TR-HTSUS"]
confidence = "S"
[part.facts]
copper_value_share = 0.1
"""

BAD = [
    # (what, file text, words of the message, field, line)
    ("HTS code", RULE.replace('"8534.00.00"', '"85A4.00"'), "HTS code", "rule.my-duty.hts", 10),
    (
        "country",
        RULE.replace('["TW"]', '["XX"]'),
        "unknown country code",
        "rule.my-duty.origins",
        9,
    ),
    (
        "overlap",
        RULE.replace("from = 2026-07-01", "from = 2026-06-01"),
        "periods overlap: 2026-01-01 to 2026-06-30 and from 2026-06-01",
        "rule.my-duty.period",
        15,
    ),
    (
        "share",
        PART.replace("0.1", "1.4"),
        "between 0 and 1",
        "part.pcb-gb300.copper_value_share",
        10,
    ),
    (
        "rate",
        RULE.replace("rate = 0.20", "rate = 20"),
        "write 25% as 0.25",
        "rule.my-duty.rate",
        17,
    ),
    ("key", RULE.replace("basis =", "basys ="), "unknown key", "rule.my-duty.basys", 6),
    ("source", RULE.replace('"T-A11"', '"NOPE"'), "unknown source", "rule.my-duty.sources", 7),
    (
        "short part code",
        PART.replace('hts = "8534.00.00"', 'hts = "8534"'),
        "8 or 10 digits",
        "part.pcb-gb300.hts",
        4,
    ),
]


@pytest.mark.parametrize(("what", "text", "words", "field", "line"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_tariff_file_names_file_entry_and_value(
    tmp_path: Path, what: str, text: str, words: str, field: str, line: int | None
) -> None:
    path = tmp_path / "tariffs.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=words) as caught:
        load_tariff_rules(path)
    assert caught.value.file == str(path)
    assert caught.value.field == field
    assert caught.value.has_value
    if line is not None:
        assert caught.value.line == line
    assert "\n" not in caught.value.one_line()


def test_the_retired_per_country_table_is_refused_with_a_pointer(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text("[policy.current]\ndefault_rate = 0.1\n", encoding="utf-8")
    with pytest.raises(InputError, match="retired per-country tariff table") as caught:
        load_tariff_rules(path)
    assert caught.value.line == 1 and "tariffs/data/rules.toml" in caught.value.message


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--hts", "8517.6", "--origin", "TW"), ("--hts", "'8517.6'")),
        (("--hts", "8517.62.0090", "--origin", "XX"), ("--origin", "'XX'")),
        (
            ("--hts", "8544.42.20", "--origin", "CN", "--copper-share", "1.5"),
            ("--copper-share", "'1.5'"),
        ),
        (
            ("--hts", "8544.42.20", "--origin", "CN", "--date", "2026-13-01"),
            ("--date", "2026-13-01"),
        ),
        (("--hts", "8544.42.20", "--origin", "CN", "--scenario", "nope"), ("scenario", "'nope'")),
        (
            (
                "--part",
                "no-such-part",
            ),
            ("unknown part id", "no-such-part"),
        ),
        (
            (
                "--hts",
                "8544.42.20",
            ),
            ("--origin",),
        ),
    ],
)
def test_bad_show_options_end_in_one_line_and_exit_2(
    cli: RunCli, argv: tuple[str, ...], words: tuple[str, ...]
) -> None:
    result = cli("tariffs", "show", *argv)
    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err


def test_a_bad_tariff_file_through_the_cli_names_the_file(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(RULE.replace('["TW"]', '["XX"]'), encoding="utf-8")
    result = cli("tariffs", "show", "--hts", "8534.00.00", "--origin", "TW", "--tariffs", path)
    assert result.code == 2 and len(result.err_lines) == 1
    assert (
        f"{path}:9" in result.err and "rule.my-duty.origins" in result.err and "'XX'" in result.err
    )


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("8517", "8517"),
        ("8517.62", "851762"),
        ("8517.62.00", "85176200"),
        ("8517.62.0090", "8517620090"),
        ("8517.62.00.90", "8517620090"),
        ("8517620090", "8517620090"),
    ],
)
def test_hts_codes_are_read_in_the_forms_people_write(text: str, digits: str) -> None:
    assert parse_hts(text) == digits


@pytest.mark.parametrize(
    "text", ["851", "85176", "8517.6", "8517..62", "8517.62.009", "HTS8517", ""]
)
def test_hts_codes_of_the_wrong_form_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="4, 6, 8 or 10 digits"):
        parse_hts(text)


ISSUE_CASES = {"HTS code": "'85A4.00'", "country": "'XX'", "overlap": "2026-06-01", "share": "1.4"}


@pytest.mark.parametrize("what", list(ISSUE_CASES))
def test_each_bad_file_of_the_issue_ends_the_cli_in_one_line_and_exit_2(
    cli: RunCli, tmp_path: Path, what: str
) -> None:
    """The issue's four cases through ``--tariffs``: one stderr line with the file, the entry
    (rule or part) and the bad value; exit 2; no traceback."""
    _, text, _, field, _ = next(b for b in BAD if b[0] == what)
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("tariffs", "show", "--hts", "8534.00.00", "--origin", "TW", "--tariffs", path)
    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert "Traceback" not in result.err
    for word in (str(path), field, ISSUE_CASES[what]):
        assert word in result.err
