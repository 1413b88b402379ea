"""HTS codes: parse what people write ("8517.62.0090", "85176200") into digits, and print them.

A code is 4, 6, 8 or 10 digits (heading, subheading, tariff line, statistical suffix); dots are
optional and may sit only at the HTSUS positions (after digits 4, 6 and 8). Rules match a code by
its longest listed prefix, so a rule written for "8544.42" covers "8544.42.2000".
"""

from __future__ import annotations

import re

from rackwright.errors import InputError

_DOTTED = re.compile(r"^\d{4}(\.\d{2}(\.\d{2}(\d{2})?)?)?$")
_PLAIN = re.compile(r"^\d{4}(\d{2}){0,3}$")
LENGTHS = (4, 6, 8, 10)


def parse_hts(text: object, *, field: str = "hts", file: str | None = None) -> str:
    """``text`` as a string of 4, 6, 8 or 10 digits; anything else is an InputError."""
    if not isinstance(text, str):
        raise InputError(
            "an HTS code must be a string like '8517.62.0090'", field=field, value=text
        )
    code = text.strip()
    dotted = _DOTTED.match(code) or (
        # "8517.62.00.90" (dotted statistical suffix) is a common way of writing a 10-digit line
        re.match(r"^\d{4}\.\d{2}\.\d{2}\.\d{2}$", code)
    )
    if not (dotted or _PLAIN.match(code)):
        raise InputError(
            "an HTS code is 4, 6, 8 or 10 digits, dotted as 8517.62.0090",
            file=file,
            field=field,
            value=text,
        )
    return code.replace(".", "")


def format_hts(digits: str) -> str:
    """Digits as the HTSUS writes them: 8517, 8517.62, 8517.62.00, 8517.62.0090."""
    if len(digits) <= 4:
        return digits
    text = f"{digits[:4]}.{digits[4:6]}"
    if len(digits) >= 8:
        text += f".{digits[6:]}"
    return text


def longest_prefix(digits: str, prefixes: tuple[str, ...]) -> str | None:
    """The longest of ``prefixes`` that ``digits`` starts with (None when none does)."""
    best: str | None = None
    for prefix in prefixes:
        if digits.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return best
