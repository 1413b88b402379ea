"""Rack engineering: does a rack design physically work?

Public API (pure functions, no I/O):

- ``analyze(rack, catalog) -> RackAnalysis``: every figure (power, heat split, supplies needed at
  N / N+1 / N+N, busbar current, coolant and facility-water flow, weight and floor load, rack
  units, NVLink spine cables, scale-out ports and optics, BOM cost), summed from the rack's
  components.
- ``check(rack, catalog) -> RackReport``: every rule as a ``CheckResult`` (pass / warn / fail /
  n/a, computed figure, limit, unit, one-line explanation).
- ``physics``: the formulas (Q = m·cp·ΔT flow, supply counts with redundancy, I = P / V).
"""

from rackwright.rack import physics
from rackwright.rack.analysis import analyze
from rackwright.rack.results import (
    WARN_FRACTION,
    CheckResult,
    RackAnalysis,
    RackReport,
    Status,
)
from rackwright.rack.rules import RULES, check, check_analysis, display, flow_text, rule_ids

__all__ = [
    "RULES",
    "WARN_FRACTION",
    "CheckResult",
    "RackAnalysis",
    "RackReport",
    "Status",
    "analyze",
    "check",
    "check_analysis",
    "display",
    "flow_text",
    "physics",
    "rule_ids",
]
