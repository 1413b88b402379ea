"""Bad input to ``rackwright perf`` and ``explore``: one stderr line naming the option (or file)
and the value, exit 2, no traceback, nothing written. One case per kind, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RunCli
from test_bad_input import assert_one_line_error

INFER = ("perf", "infer", "--model", "llama3-8b", "--system", "dgx-h100")
TRAIN = ("perf", "train", "--model", "llama3-8b", "--system", "dgx-h100", "--gpus", "8")


@pytest.mark.parametrize(
    ("args", "parts"),
    [
        ((*INFER, "--ttft-limit", "-1"), ("--ttft-limit", "-1")),
        ((*INFER, "--tpot-limit", "nan"), ("--tpot-limit", "nan")),
        ((*INFER, "--tpot-limit", "0"), ("--tpot-limit", "'0'")),
        ((*INFER, "--tpot-limit", "40 parsecs"), ("--tpot-limit", "parsecs")),
        ((*INFER, "--gpus", "8", "--tp", "2"), ("--gpus", "8", "instances")),
        ((*INFER, "--isl", "0"), ("--isl", "'0'")),
        ((*INFER, "--osl", "2.5"), ("--osl", "2.5")),
        ((*INFER, "--rate", "nan"), ("--rate", "nan")),
        ((*INFER, "--rate", "inf"), ("--rate", "inf")),
        ((*INFER, "--rate", "0"), ("--rate", "'0'")),
        ((*INFER, "--tp", "zero"), ("--tp", "zero")),
        ((*INFER, "--attn-dp"), ("--attn-dp",)),
        ((*INFER, "--precision", "fp3"), ("--precision", "fp3")),
        (
            (
                "perf",
                "train",
                "--model",
                "llama3-8b",
                "--system",
                "dgx-h100",
                "--gpus",
                "0",
                "--gbs",
                "8",
            ),
            ("--gpus", "'0'"),
        ),
        ((*TRAIN, "--gbs", "1e20"), ("--gbs", "1e20")),
        ((*TRAIN, "--gbs", "100000000000000000000"), ("--gbs",)),
        ((*TRAIN, "--gbs", "64", "--tp", "-2"), ("--tp", "-2")),
        ((*TRAIN, "--gbs", "64", "--cp-comm", "ring"), ("--cp-comm", "ring")),
        ((*TRAIN, "--gbs", "64", "--seq", "1e9"), ("--seq",)),
        (("explore", "--model", "llama3-8b", "--gpus", "8", "--top", "0"), ("--top", "'0'")),
        (
            ("explore", "--model", "llama3-8b", "--gpus", "8", "--min-mfu-share", "2"),
            ("--min-mfu-share", "2"),
        ),
        (
            ("explore", "--model", "llama3-8b", "--gpus", "8", "--max-cost-ratio", "0.5"),
            ("--max-cost-ratio", "0.5"),
        ),
        (("perf", "validate", "--cv", "--source", "nobody"), ("--source", "nobody")),
    ],
)
def test_bad_option_is_one_line_naming_it(
    cli: RunCli, args: tuple[str, ...], parts: tuple[str, ...]
) -> None:
    assert_one_line_error(cli(*args), *parts)


def _header() -> str:
    from rackwright.perf.reference import packaged_calibration_csv

    return packaged_calibration_csv().read_text().splitlines()[0]


@pytest.mark.parametrize("command", ["validate", "calibrate"])
@pytest.mark.parametrize("kind", ["directory", "binary", "missing", "header only", "no columns"])
def test_unreadable_data_file_is_one_line(
    cli: RunCli, tmp_path: Path, command: str, kind: str
) -> None:
    path = tmp_path / "data.csv"
    if kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 8)
    elif kind == "header only":
        path.write_text(_header() + "\n")
    elif kind == "no columns":
        path.write_text("a,b\n1,2\n")
    out = tmp_path / "cal.toml"
    extra = ("--out", str(out)) if command == "calibrate" else ()
    assert_one_line_error(cli("perf", command, "--data", path, *extra), str(path))
    assert not out.exists()


def test_a_row_validate_cannot_read_is_unsupported_and_the_others_still_run(
    cli: RunCli, tmp_path: Path
) -> None:
    from rackwright.perf.reference import packaged_calibration_csv

    lines = packaged_calibration_csv().read_text().splitlines()
    cols = lines[0].split(",")
    bad = lines[1].split(",")
    bad[cols.index("gpus")] = "0"
    bad[cols.index("id")] = "ZERO-GPUS"
    worse = lines[2].split(",")
    worse[cols.index("value")] = "fast"
    worse[cols.index("id")] = "WORDS"
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join([lines[0], ",".join(bad), ",".join(worse), lines[3]]) + "\n")
    result = cli("perf", "validate", "--data", path, "--json")
    assert result.code == 0, result.err
    rows = {r["id"]: r for r in json.loads(result.out)["rows"]}
    assert rows["ZERO-GPUS"]["status"] == "unsupported" and "gpus" in rows["ZERO-GPUS"]["reason"]
    assert rows["WORDS"]["status"] == "unsupported" and "value" in rows["WORDS"]["reason"]
    assert rows[lines[3].split(",")[0]]["status"] == "ok"


def test_unwritable_calibrate_out_fails_before_the_fit(
    cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rackwright.cli import perf_cmd

    def no_fit(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fit ran before the output was checked")

    monkeypatch.setattr(perf_cmd, "fit_efficiency", no_fit)
    result = cli("perf", "calibrate", "--out", tmp_path / "missing" / "cal.toml")
    assert_one_line_error(result, "--out", "folder")
    assert_one_line_error(cli("perf", "calibrate", "--out", tmp_path), "--out", "directory")
