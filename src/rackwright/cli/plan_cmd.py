"""Placeholder: replaced by the owning engineer."""


def plan() -> None:
    """Run the plan (placeholder)."""
    raise SystemExit("plan is being built")
