"""One precision type: every command and file classifies a precision name the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BASE_SCENARIO, RunCli, edit, line_of
from rackwright.errors import InputError
from rackwright.precision import Precision, PrecisionClass, parse_precision
from test_bad_input import assert_one_line_error


@pytest.mark.parametrize(
    ("name", "klass", "weight_bytes"),
    [
        ("bf16", PrecisionClass.BF16, 2.0),
        ("FP16", PrecisionClass.BF16, 2.0),
        ("fp8-cs", PrecisionClass.FP8, 1.0),
        ("fp8-mx", PrecisionClass.FP8, 1.0),
        ("nvfp4", PrecisionClass.FP4, 0.5625),
        ("MXFP4", PrecisionClass.FP4, 0.5625),
    ],
)
def test_names_map_to_one_class_and_storage_size(
    name: str, klass: PrecisionClass, weight_bytes: float
) -> None:
    p = parse_precision(name)
    assert p.klass is klass
    assert p.weight_bytes == weight_bytes
    assert p.is_low == (klass is not PrecisionClass.BF16)


def test_an_unknown_precision_is_an_error_not_bf16() -> None:
    with pytest.raises(InputError, match="unknown precision") as info:
        parse_precision("fp7", field="workload[0].precision")
    assert "'fp7'" in info.value.one_line()
    assert "workload[0].precision" in info.value.one_line()


@pytest.mark.parametrize(
    "argv",
    [
        ("perf", "train", "-m", "llama3-8b", "-s", "dgx-h100", "-n", "8", "--gbs", "8"),
        ("perf", "infer", "-m", "llama3-8b", "-s", "dgx-h100"),
        ("explore", "-m", "llama3-8b", "-s", "dgx-h100", "--gpus", "8"),
    ],
)
def test_every_command_rejects_an_unknown_precision_in_one_line(
    cli: RunCli, argv: tuple[str, ...]
) -> None:
    assert_one_line_error(cli(*argv, "--precision", "fp7"), "unknown precision", "'fp7'")


def test_a_scenario_with_an_unknown_precision_names_the_workload(
    cli: RunCli, write_scenario: Callable[[str], Path]
) -> None:
    text = edit(BASE_SCENARIO, "deadline_days = 60", 'deadline_days = 60\nprecision = "fp7"')
    path = write_scenario(text)
    line = assert_one_line_error(
        cli("scenario", "validate", path), f"{path}:{line_of(text, 'fp7')}", "precision"
    )
    assert "fp7" in line


def test_the_enum_values_are_the_names_users_type() -> None:
    assert [p.value for p in Precision] == [
        "bf16", "fp16", "fp8", "fp8-cs", "fp8-mx", "fp4", "nvfp4", "mxfp4"
    ]  # fmt: skip
