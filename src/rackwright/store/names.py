"""Names people give records: letters, digits, spaces and ``._-``, so they are safe as file names
(workspace export) and in messages; anything else is refused before it reaches the database."""

from __future__ import annotations

import re

from rackwright.errors import InputError

MAX_NAME = 100
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")


def check_name(name: str, field: str = "name") -> str:
    """``name`` unchanged, or InputError naming the field and the rule it breaks."""
    if not isinstance(name, str) or not name:
        raise InputError("a name is required", field=field)
    if len(name) > MAX_NAME:
        raise InputError(f"a name has at most {MAX_NAME} characters", field=field)
    if not _NAME.match(name) or ".." in name or name != name.strip():
        raise InputError(
            "a name starts with a letter or digit and holds only letters, digits, spaces and "
            "'.', '_', '-' (no '..', no leading or trailing space)",
            field=field,
        )
    return name
