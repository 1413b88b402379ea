"""One exception tree for every bad input rackwright can meet.

Each error renders as one line that names where the problem is (file, line, field) and the bad
value, so the CLI can print it and exit with code 2 without a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class RackwrightError(Exception):
    """Base of every error rackwright raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        value: Any = None,
        has_value: bool = False,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.value = value
        self.has_value = has_value or value is not None
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The error as a single human-readable line."""
        where: list[str] = []
        if self.file:
            where.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        text = self.message
        if self.has_value:
            text = f"{text} (got {self.value!r})"
        text = " ".join(text.split())
        return f"{prefix}: {text}" if prefix else text

    def to_dict(self) -> dict[str, Any]:
        """The single JSON error shape shared by CLI and service."""
        return {
            "error": type(self).__name__,
            "message": self.one_line(),
            "file": self.file,
            "line": self.line,
            "field": self.field,
        }


class InputError(RackwrightError):
    """A file or argument a user gave is malformed or out of range."""


class UnitError(InputError):
    """A quantity has an unknown unit or the wrong dimension."""


class CatalogError(InputError):
    """The catalog is inconsistent: duplicate ids, unknown references, clashing overrides."""


class UnknownIdError(CatalogError):
    """A catalog id that does not exist was referenced."""


class ScenarioError(InputError):
    """A scenario file is malformed or inconsistent."""


class OutputError(RackwrightError):
    """An output could not be written (directory not writable, disk full)."""


class InfeasibleError(RackwrightError):
    """A configuration cannot work (does not fit in memory, degrees don't multiply)."""


class SolverError(RackwrightError):
    """The optimisation layer failed for a reason other than the model's own infeasibility."""


class NotFoundError(RackwrightError):
    """A record does not exist, or the caller may not know that it exists (the wall)."""


class AuthenticationError(RackwrightError):
    """No API token, or one that is unknown, revoked or malformed."""


class PermissionDeniedError(RackwrightError):
    """The caller's role does not allow the action (a viewer writing, a planner managing users)."""


class ConflictError(RackwrightError):
    """The request clashes with what is stored (a duplicate name, an import over existing ids)."""


class PayloadTooLargeError(InputError):
    """A request body is over the service's size limit."""


class StoreError(RackwrightError):
    """The database cannot be used: unreachable, or its schema is not the one this version needs."""
