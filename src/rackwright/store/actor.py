"""Who is acting: the authenticated user, their organization and role, and where they are."""

from __future__ import annotations

from dataclasses import dataclass

from rackwright.errors import PermissionDeniedError

_RANK = {"viewer": 0, "planner": 1, "admin": 2}


@dataclass(frozen=True)
class Actor:
    """The caller of a store function (from an API token, or the local CLI)."""

    user_id: str | None
    user_name: str
    org_id: str
    org_name: str
    org_kind: str
    role: str
    client: str = "local"

    @property
    def label(self) -> str:
        """``user@org`` for audit lines."""
        return f"{self.user_name}@{self.org_name}"

    def require(self, role: str, action: str) -> None:
        """Raise PermissionDeniedError unless the actor's role is at least ``role``."""
        if _RANK[self.role] < _RANK[role]:
            raise PermissionDeniedError(
                f"{action} needs the {role} role; this token's user is a {self.role}"
            )
