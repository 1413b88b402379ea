"""The one error shape: what the CLI prints as one line and the service will return as JSON."""

from __future__ import annotations

import json

from rackwright.errors import InputError, RackwrightError, ScenarioError, UnknownIdError


def test_the_json_error_shape_is_pinned() -> None:
    exc = ScenarioError(
        "unknown key", file="plan.toml", line=12, field="workload[0].deadlne", value=30
    )
    assert exc.to_dict() == {
        "error": "ScenarioError",
        "message": "plan.toml:12, field 'workload[0].deadlne': unknown key (got 30)",
        "file": "plan.toml",
        "line": 12,
        "field": "workload[0].deadlne",
    }
    json.dumps(exc.to_dict())  # plain JSON types only


def test_every_error_kind_has_the_same_keys() -> None:
    kinds: list[RackwrightError] = [
        InputError("bad"),
        UnknownIdError("no such rack", field="rack", value="x"),
        ScenarioError("empty", file="s.toml"),
    ]
    for exc in kinds:
        shape = exc.to_dict()
        assert list(shape) == ["error", "message", "file", "line", "field"]
        assert shape["message"] == exc.one_line()
        assert "\n" not in shape["message"]


def test_a_multi_line_message_is_folded_into_one_line() -> None:
    exc = InputError("first line\n   second line", field="x", value="v\nw")
    assert "\n" not in exc.one_line().replace("\\n", "")
    assert exc.one_line() == "field 'x': first line second line (got 'v\\nw')"
