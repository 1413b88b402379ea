"""Field-by-field differences between two TOML documents (or two JSON-able values).

Nested tables become dotted paths (``scenario.horizon.end_year``); an array of tables whose items
share a unique key (``id``, ``name``, ``site``, ``rack``, ``year`` or ``period``, the first that
fits) is matched by that key (``workload[id=pretrain].tokens``), so inserting one workload does not
mark every later one as changed; other arrays are matched by position.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from rackwright.errors import InputError

KEY_CANDIDATES = ("id", "name", "site", "rack", "year", "period")
Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its path, what happened, and the values before and after."""

    field: str
    change: Change
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        """The change as a JSON-able dict."""
        return {"field": self.field, "change": self.change, "old": self.old, "new": self.new}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _table_key(items: list[Any]) -> str | None:
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in KEY_CANDIDATES:
        values = [item.get(key) for item in items]
        if all(isinstance(v, str | int) for v in values) and len(set(values)) == len(values):
            return key
    return None


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Every leaf of ``value`` by its path."""
    if isinstance(value, dict):
        if not value and path:
            return {path: {}}
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(value, list):
        key = _table_key(value)
        if key is None:
            if not value or not any(isinstance(v, dict | list) for v in value):
                return {path: [_plain(v) for v in value]}
            return _merge_items(path, [(f"[{i}]", item) for i, item in enumerate(value)])
        return _merge_items(path, [(f"[{key}={item[key]}]", item) for item in value])
    return {path: _plain(value)}


def _merge_items(path: str, items: list[tuple[str, Any]]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for label, item in items:
        flat.update(flatten(item, f"{path}{label}"))
    return flat


def diff_values(old: Any, new: Any) -> list[FieldChange]:
    """Changes from ``old`` to ``new``, in a stable order (old document's order, then additions)."""
    before, after = flatten(old), flatten(new)
    changes: list[FieldChange] = []
    for path, value in before.items():
        if path not in after:
            changes.append(FieldChange(path, "removed", value, None))
        elif after[path] != value or type(after[path]) is not type(value):
            changes.append(FieldChange(path, "changed", value, after[path]))
    changes += [FieldChange(p, "added", None, v) for p, v in after.items() if p not in before]
    return changes


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """Parsed TOML, or InputError naming the document and line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"malformed TOML: {exc}", file=name) from None


def diff_toml(old_text: str, new_text: str, name: str = "document") -> list[FieldChange]:
    """Field changes between two TOML texts."""
    return diff_values(parse_toml(old_text, name), parse_toml(new_text, name))
