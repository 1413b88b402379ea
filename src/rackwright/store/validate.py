"""Each document kind is checked by the loader that will read it, before a revision is saved.

A scenario is checked as ``rackwright scenario validate`` would without its catalog files (their
ids are checked when a run resolves them); a catalog override is merged over the default catalog;
a BOM file over the default BOM data; a tariff file is merged over the default tariff rules.
Errors name the document (not a temporary path) and the line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from rackwright.errors import InputError, RackwrightError
from rackwright.store.models import DOCUMENT_KINDS


def _scenario(text: str, name: str) -> None:
    from rackwright.scenario import load_scenario_text

    load_scenario_text(text, name)


def _as_file(text: str, name: str, check: Callable[[Path], None]) -> None:
    """Run a path-based loader on ``text`` and report errors under ``name``."""
    with tempfile.TemporaryDirectory(prefix="rackwright-check-") as tmp:
        path = Path(tmp) / "document.toml"
        path.write_text(text, encoding="utf-8")
        try:
            check(path)
        except RackwrightError as exc:
            if exc.file == str(path):
                exc.file = name
                exc.args = (exc.one_line(),)
            raise


def _load_catalog_file(path: Path) -> None:
    from rackwright.catalog import load_catalog

    load_catalog([path])


def _load_bom_file(path: Path) -> None:
    from rackwright.bom.loader import load_supply_data
    from rackwright.catalog import load_catalog

    load_supply_data(load_catalog(), [path])


def _catalog(text: str, name: str) -> None:
    _as_file(text, name, _load_catalog_file)


def _bom(text: str, name: str) -> None:
    _as_file(text, name, _load_bom_file)


def _tariffs(text: str, name: str) -> None:
    from rackwright.tariffs.loader import parse_tariff_text

    parse_tariff_text(text, name)


CHECKS: dict[str, Callable[[str, str], None]] = {
    "scenario": _scenario,
    "catalog": _catalog,
    "bom": _bom,
    "tariffs": _tariffs,
}
assert set(CHECKS) == set(DOCUMENT_KINDS)


def check_document(kind: str, text: str, name: str) -> None:
    """Raise the loader's InputError if ``text`` is not a valid ``kind`` document."""
    if "\x00" in text:
        raise InputError("a document cannot contain NUL characters", file=name)
    CHECKS[kind](text, name)
