"""Bad input to demand, tco and evaluate: one stderr line naming the file or field, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunCli
from test_bad_input import assert_one_line_error

KINDS = [
    ("binary", b"\x00\x01\x02binary\xff", "not UTF-8 text"),
    ("latin1", b"caf\xe9 = 1\n", "not UTF-8 text"),
    ("broken", b"a = [\n", "malformed TOML"),
    ("missing", None, "file not found"),
]


@pytest.mark.parametrize(("kind", "data", "words"), KINDS)
@pytest.mark.parametrize("command", [("demand",), ("tco",), ("evaluate",), ("tco", "--evaluation")])
def test_every_new_command_refuses_every_bad_file(
    cli: RunCli,
    tmp_path: Path,
    command: tuple[str, ...],
    kind: str,
    data: bytes | None,
    words: str,
) -> None:
    path = tmp_path / f"{kind}.toml"
    if data is not None:
        path.write_bytes(data)
    assert_one_line_error(cli(*command, path), str(path), words)


def test_an_empty_program_names_what_it_lacks(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("")
    result = cli("evaluate", path)
    assert result.code == 2 and len(result.err_lines) == 1 and "program" in result.err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--steps", "0"], "steps"),
        (["--years", "-1"], "years"),
        (["--strike", "abc"], "--strike"),
    ],
)
def test_bench_option_bad_values_name_the_option(cli: RunCli, args: list[str], words: str) -> None:
    base = {"--spot": "100", "--strike": "100", "--rate": "0.05", "--vol": "0.2", "--years": "1"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = [x for pair in base.items() for x in pair]
    result = cli("bench", "option", *argv)
    assert result.code == 2 and len(result.err_lines) == 1 and words in result.err
