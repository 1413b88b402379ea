"""A battery of bad input through the real CLI: every command, every option kind, every file kind.

Each case must end in exactly one stderr line that names what is wrong (the option or field and
the value given), exit code 2, no traceback, and no output file or folder left behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunCli
from shared_data import SHARED_DATA
from test_bad_input import assert_one_line_error

CAP41 = str(SHARED_DATA / "orlib" / "cap41.txt")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """One file of each bad kind, and an output folder that must stay absent."""
    made = {
        "binary": tmp_path / "blob.dat",
        "latin1": tmp_path / "latin1.toml",
        "empty": tmp_path / "empty.toml",
        "broken": tmp_path / "broken.toml",
        "odd": tmp_path / "odd.toml",
        "folder": tmp_path / "a-folder",
        "missing": tmp_path / "missing.toml",
    }
    made["binary"].write_bytes(b"\x00\x01\x02binary\xff")
    made["latin1"].write_bytes(b"caf\xe9 = 1\n")
    made["empty"].write_text("", encoding="utf-8")
    made["broken"].write_text("a = [\n", encoding="utf-8")
    made["odd"].write_text("x = 1\n", encoding="utf-8")
    made["folder"].mkdir()
    return made


# (file kind, the words the one line must hold)
FILE_KINDS = [
    ("binary", "not UTF-8 text"),
    ("latin1", "not UTF-8 text"),
    ("broken", "malformed TOML"),
    ("folder", "it is a directory"),
    ("missing", "file not found"),
]
# every plan option that names a data file, and what an unrelated TOML table in it says
FILE_OPTIONS = [
    ("--catalog", "unknown catalog kind"),
    ("--bom", "unknown BOM section"),
    ("--rules", "needs a [rules] table"),
    ("--tariffs", "needs [[rule]]"),
    ("--logistics", "[freight] and [qualification]"),
    ("--calibration", "[params."),
]


@pytest.mark.parametrize(("option", "odd_words"), FILE_OPTIONS)
@pytest.mark.parametrize(("kind", "words"), FILE_KINDS)
def test_every_data_file_option_refuses_every_bad_file(
    cli: RunCli,
    files: dict[str, Path],
    tmp_path: Path,
    option: str,
    odd_words: str,
    kind: str,
    words: str,
) -> None:
    out = tmp_path / "out"
    assert_one_line_error(cli("plan", option, files[kind], "--out", out), str(files[kind]), words)
    assert not out.exists()


@pytest.mark.parametrize(("option", "odd_words"), FILE_OPTIONS)
def test_a_file_of_the_wrong_kind_names_what_it_lacks(
    cli: RunCli, files: dict[str, Path], tmp_path: Path, option: str, odd_words: str
) -> None:
    out = tmp_path / "out"
    assert_one_line_error(cli("plan", option, files["odd"], "--out", out), odd_words)
    assert not out.exists()


@pytest.mark.parametrize(
    "command",
    [("scenario", "validate"), ("plan",), ("source",), ("rack", "check", "--scenario")],
)
@pytest.mark.parametrize(("kind", "words"), [*FILE_KINDS, ("empty", "scenario is empty")])
def test_every_command_that_reads_a_scenario_refuses_every_bad_file(
    cli: RunCli, files: dict[str, Path], command: tuple[str, ...], kind: str, words: str
) -> None:
    assert_one_line_error(cli(*command, files[kind]), str(files[kind]), words)


@pytest.mark.parametrize(
    ("kind", "words"), [*FILE_KINDS[:2], FILE_KINDS[3], FILE_KINDS[4], ("empty", "ends early")]
)
def test_bench_refuses_every_bad_instance_file(
    cli: RunCli, files: dict[str, Path], kind: str, words: str
) -> None:
    assert_one_line_error(cli("bench", "cflp", files[kind]), str(files[kind]), words)


# (argv, words the one line must hold): one case per option kind and command
OPTION_CASES = [
    # integers: zero, negative, not a number, beyond a bound
    (("catalog", "fabric", "ib-ndr", "--gpus", "0"), ("--gpus", "'0'")),
    (("catalog", "fabric", "ib-ndr", "--gpus", "abc"), ("--gpus", "'abc'")),
    (("catalog", "fabric", "ib-ndr", "--gpus", "99999999999"), ("99999999999",)),
    (("bom", "show", "ref-gb200-nvl72", "--volume", "0"), ("--volume", "'0'")),
    (("bom", "show", "ref-gb200-nvl72", "--volume", "1e9"), ("--volume", "'1e9'")),
    (("bom", "show", "ref-gb200-nvl72", "--year", "99999"), ("--year", "'99999'")),
    (("bom", "domestic", "ref-gb200-nvl72", "--year", "1800"), ("--year", "'1800'")),
    (("plan", "--seed", "-1"), ("--seed", "'-1'")),
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--top", "0"), ("top", "0")),
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--workers", "0"), ("workers", "0")),
    # floats: nan, inf, negative, out of a share's range
    (("bom", "show", "ref-gb200-nvl72", "--racks-per-quarter", "inf"), ("'inf'", "finite")),
    (("bom", "show", "ref-gb200-nvl72", "--racks-per-quarter", "-1"), ("'-1'",)),
    (("bench", "cflp", CAP41, "--capacity", "nan"), ("--capacity", "'nan'")),
    (("bench", "cflp", CAP41, "--time-limit", "-1"), ("--time-limit", "'-1'")),
    (("source", "--time-limit", "nan"), ("time-limit", "nan")),
    (("source", "--time-limit", "-1"), ("time-limit", "-1.0")),
    (("source", "--gap", "2"), ("gap", "2.0")),
    (("source", "--domestic-floor", "1.5"), ("domestic-floor", "1.5")),
    (("source", "--dual-share", "0.9"), ("dual-share", "0.9")),
    # quantities with units
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--tokens", "1e400 tok"), ("tokens", "finite")),
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--tokens", "12 parsecs"), ("tokens",)),
    (("explore", "-m", "llama3-8b", "--gpus", "8..4"), ("gpus", "'8..4'")),
    # choices
    (("bom", "show", "ref-gb200-nvl72", "--policy", "fancy"), ("--policy", "fancy")),
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--objective", "fastest"), ("fastest",)),
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--executor", "nope"), ("executor", "nope")),
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--precision", "fp7"), ("precision", "fp7")),
    (("source", "--policy", "no-such-policy"), ("policy", "no-such-policy")),
    (("plan", "--policy", "no-such-policy"), ("--policy", "no-such-policy", "semis-232-phase2")),
    (("plan", "--only", "nope"), ("--only", "'nope'")),
    (("catalog", "list", "--kind", "gadget"), ("kind", "gadget")),
    # unknown ids
    (("catalog", "show", "nope"), ("'nope'",)),
    (("catalog", "fabric", "no-fabric", "--gpus", "64"), ("fabric", "no-fabric")),
    (("rack", "check", "no-rack"), ("rack", "no-rack")),
    (("bom", "show", "no-rack"), ("rack", "no-rack")),
    (("bom", "offers", "no-part"), ("part", "no-part")),
    (("explore", "-m", "no-model", "--gpus", "8"), ("model", "no-model")),
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--system", "no-sys"), ("system", "no-sys")),
    (("explore", "-m", "llama3-8b", "--gpus", "8", "--facility", "no-fac"), ("facility", "no-fac")),
    # missing and unknown arguments, commands and options
    (("catalog", "show"), ("Missing argument",)),
    (("rack", "check"), ("RACK_ID",)),
    (("rack", "check", "ref-gb200-nvl72", "--scenario"), ("drop --scenario", "ref-gb200-nvl72")),
    (("no-such-command",), ("No such command", "no-such-command")),
    (("plan", "--no-such-option"), ("No such option", "--no-such-option")),
]


@pytest.mark.parametrize(
    ("argv", "words"), OPTION_CASES, ids=[" ".join(a) for a, _ in OPTION_CASES]
)
def test_every_option_kind_gives_one_line_naming_option_and_value(
    cli: RunCli, argv: tuple[str, ...], words: tuple[str, ...]
) -> None:
    assert_one_line_error(cli(*argv), *words)


def test_an_output_path_that_is_a_file_is_refused_before_any_work(
    cli: RunCli, files: dict[str, Path]
) -> None:
    assert_one_line_error(
        cli("plan", "--out", files["binary"]), str(files["binary"]), "not a directory"
    )
    assert_one_line_error(
        cli("plan", "--out", files["binary"] / "sub"), "cannot create output directory"
    )
