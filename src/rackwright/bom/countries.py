"""ISO 3166-1 alpha-2 country codes, for validating where a site or offer says it is."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

_DATA = "rackwright.bom.data"


@cache
def country_names() -> dict[str, str]:
    """Every assigned ISO 3166-1 alpha-2 code and its English short name.

    The list is package data copied from the iso-codes project (iso_3166-1.json, v4.15.0).
    """
    text = resources.files(_DATA).joinpath("iso3166_alpha2.csv").read_text(encoding="utf-8")
    return {row["alpha_2"]: row["name"] for row in csv.DictReader(text.splitlines())}


def is_country(code: str) -> bool:
    """True when ``code`` is an assigned ISO 3166-1 alpha-2 code (upper case)."""
    return code in country_names()
