"""Load the catalog: package data first, then a user's own files merged on top by id.

A user file may add entries or replace one; replacing an existing id needs ``override = true`` on
the new entry, otherwise the clash is an error that names both files.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import KIND_MODELS, Entry, Source
from rackwright.catalog.tomlpos import locate
from rackwright.errors import CatalogError, InputError, UnitError
from rackwright.fileio import read_text

DATA_PACKAGE = "rackwright.catalog.data"


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file; errors name the file and line."""
    text = read_text(path)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            f"malformed TOML: {_toml_message(exc)}", file=path, line=_toml_line(exc)
        ) from None


_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)|\(at end of document\)")


def _toml_line(exc: tomllib.TOMLDecodeError) -> int | None:
    # Python 3.11's TOMLDecodeError has no lineno attribute; the line is only in the message.
    line = getattr(exc, "lineno", None)
    if isinstance(line, int):
        return line
    match = _AT_LINE.search(str(exc))
    return int(match.group(1)) if match and match.group(1) else None


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return _AT_LINE.sub("", str(exc)).strip()


def validation_error(
    exc: ValidationError,
    *,
    file: str | Path,
    text: str | None,
    base: tuple[str | int, ...],
    loc: tuple[str | int, ...] | None = None,
) -> InputError:
    """Turn the first pydantic error into a one-line InputError naming file, line and field.

    ``loc`` replaces pydantic's own location when the caller reshaped the input.
    """
    first = exc.errors()[0]
    loc = tuple(first["loc"]) if loc is None else loc
    field = ".".join(str(p) for p in (*base, *loc))
    line = locate(text, (*base, *loc)) if text else None
    kind = first["type"]
    ctx_error = (first.get("ctx") or {}).get("error")
    if isinstance(ctx_error, UnitError):
        return UnitError(
            ctx_error.message,
            file=file,
            line=line,
            field=field,
            value=first.get("input"),
            has_value=True,
        )
    messages = {
        "extra_forbidden": "unknown key",
        "missing": "missing required field",
    }
    message = messages.get(kind, first["msg"])
    has_value = kind != "missing"
    return InputError(
        message,
        file=file,
        line=line,
        field=field,
        value=first.get("input") if has_value else None,
        has_value=has_value,
    )


def _entries_from(data: dict[str, Any], text: str, path: str) -> Iterable[tuple[Entry, int | None]]:
    for kind, rows in data.items():
        model = KIND_MODELS.get(kind)
        if model is None:
            raise CatalogError(
                f"unknown catalog kind; use one of {', '.join(sorted(KIND_MODELS))}",
                file=path,
                line=locate(text, (kind,)) or locate(text, (kind, 0)),
                field=kind,
                value=kind,
            )
        if not isinstance(rows, list):
            raise CatalogError(
                f"'{kind}' must be an array of tables ([[{kind}]])",
                file=path,
                line=locate(text, (kind,)),
                field=kind,
            )
        for index, row in enumerate(rows):
            try:
                entry = model.model_validate(row)
            except ValidationError as exc:
                raise validation_error(exc, file=path, text=text, base=(kind, index)) from None
            except UnitError as exc:
                raise _unit_error(exc, row, file=path, text=text, base=(kind, index)) from None
            yield entry, locate(text, (kind, index, "id"))


def _unit_error(
    exc: UnitError, row: Any, *, file: str, text: str, base: tuple[str | int, ...]
) -> UnitError:
    """Place a unit error (raised by a quantity validator, which knows no field) on its key."""
    key = exc.field
    if key is None and isinstance(row, dict):
        key = next((k for k, v in row.items() if v is exc.value or v == exc.value), None)
    path = (*base, key) if key is not None else base
    return UnitError(
        exc.message,
        file=file,
        line=locate(text, path),
        field=".".join(str(p) for p in path),
        value=exc.value,
        has_value=True,
    )


def _package_files() -> list[tuple[str, str]]:
    root = resources.files(DATA_PACKAGE)
    found = sorted(
        (item.name, item.read_text(encoding="utf-8"))
        for item in root.iterdir()
        if item.name.endswith(".toml")
    )
    return [(f"<catalog>/{name}", text) for name, text in found]


def _package_sources() -> dict[str, Source]:
    text = resources.files(DATA_PACKAGE).joinpath("sources.csv").read_text(encoding="utf-8")
    sources: dict[str, Source] = {}
    for row in csv.DictReader(text.splitlines()):
        sources[row["source_id"]] = Source(
            id=row["source_id"],
            kind=row["kind"],
            title=row["title"],
            url=row.get("url") or "",
            notes=row.get("notes") or "",
        )
    return sources


def load_catalog(extra_files: Sequence[Path] = ()) -> Catalog:
    """The default catalog with ``extra_files`` merged on top (later files win with override)."""
    catalog = Catalog(sources=_package_sources())
    texts: dict[str, str] = {}
    for name, text in _package_files():
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"malformed package TOML: {exc}", file=name) from None
        texts[name] = text
        _merge(catalog, data, text, name)
    for path in extra_files:
        data, text = read_toml(path)
        texts[str(path)] = text
        _merge(catalog, data, text, str(path))
    try:
        catalog.check_references()
    except CatalogError as exc:
        # check_references knows the entry's id line; point at the offending key instead.
        origin_text = texts.get(exc.file or "")
        if origin_text is not None and exc.line is not None and exc.field is not None:
            where = _key_line(origin_text, exc.line, exc.field, str(exc.value))
            exc.line = where or exc.line
            exc.args = (exc.one_line(),)
        raise
    return catalog


_KEY_AT = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _key_line(text: str, inside: int, key: str, value: str) -> int | None:
    """The line in the table around line ``inside`` (1-based) that sets ``key`` to ``value``.

    Falls back to a line quoting ``value`` (a provenance source), then to the ``key`` line.
    """
    lines = text.splitlines()
    start = inside - 1
    while start > 0 and not lines[start].lstrip().startswith("["):
        start -= 1
    key_line: int | None = None
    quoted_line: int | None = None
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line.lstrip().startswith("["):
            break
        match = _KEY_AT.match(line)
        quoted = f'"{value}"' in line
        if match and match.group(1) == key:
            if quoted:
                return number + 1
            key_line = key_line or number + 1
        elif quoted and quoted_line is None:
            quoted_line = number + 1
    return quoted_line or key_line


def _merge(catalog: Catalog, data: dict[str, Any], text: str, name: str) -> None:
    raw_sources = data.pop("source", [])
    if not isinstance(raw_sources, list):
        raise CatalogError(
            "'source' must be an array of tables ([[source]])",
            file=name,
            line=locate(text, ("source",)),
            field="source",
        )
    for index, row in enumerate(raw_sources):
        try:
            source = Source.model_validate(row)
        except ValidationError as exc:
            raise validation_error(exc, file=name, text=text, base=("source", index)) from None
        catalog.sources[source.id] = source
    for entry, line in _entries_from(data, text, name):
        catalog.add(entry, origin=name, line=line)
