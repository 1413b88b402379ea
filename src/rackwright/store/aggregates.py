"""What of a plan run crosses the wall: each stage's party, and the aggregate the other side sees.

A run's owner sees every stage in full (it could read every input). The other organization sees
a *shared* run's stages of its own party, and of the ``shared`` party (rack designs), in full; of
the owner's party only the aggregate below: the lab gets a plan's domestic-content share, landed
cost per rack and the risk ranking, never supplier prices, capacities or tariffs per offer; the
manufacturer gets the lab's demand in racks per quarter (the run's ``demand``), never the
workload definitions. A stage with no entry here is withheld whole (fail
closed): a new stage crosses the wall only once someone writes its aggregate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Aggregate = Callable[[dict[str, Any]], dict[str, Any]]

STAGE_PARTY: dict[str, str] = {
    "workloads": "lab",
    "generations": "shared",
    "rack": "shared",
    "bom": "manufacturer",
    "sourcing": "manufacturer",
    "risk": "manufacturer",
    "factory": "manufacturer",
}


def _bom(result: dict[str, Any]) -> dict[str, Any]:
    """Per generation and year: domestic share against target, and the rack's cost totals."""
    data = result.get("data", {})
    rows = []
    for gen in data.get("generations", []):
        domestic = gen.get("domestic") or {}
        rows.append(
            {
                "rack": gen.get("rack"),
                "year": gen.get("year"),
                "racks_per_quarter": gen.get("racks_per_quarter"),
                "target": gen.get("target"),
                "domestic_share": domestic.get("share"),
                "passes": domestic.get("passes"),
                "cost_per_rack_usd": (gen.get("domestic_policy") or {}).get("total_cost_usd"),
            }
        )
    return {
        "rules": data.get("rules"),
        "generations": rows,
        "trajectory": data.get("trajectory", {}),
    }


def _sourcing(result: dict[str, Any]) -> dict[str, Any]:
    """Whether a plan exists, the domestic share per quarter, and landed cost per rack."""
    data = result.get("data", {})
    plan = data.get("plan") or {}
    periods = [
        {
            "period": p.get("period"),
            "domestic_share": p.get("domestic_share"),
            "floor": p.get("floor"),
        }
        for p in plan.get("periods", [])
    ]
    curve = [
        {
            "rack": row.get("rack"),
            "racks": row.get("racks"),
            "points": [
                {
                    "floor": pt.get("floor"),
                    "status": pt.get("status"),
                    "cost_per_rack_usd": pt.get("cost_per_rack_usd"),
                }
                for pt in row.get("points", [])
            ],
        }
        for row in data.get("cost_curve", [])
    ]
    return {
        "status": plan.get("status"),
        "has_plan": plan.get("has_plan"),
        "periods": periods,
        "cost_curve": curve,
    }


def _risk(result: dict[str, Any]) -> dict[str, Any]:
    """The REI ranking with each scenario's TTR, TTS and red flag, and the exposure heat map
    as REI shares; no losses in USD, capacities, stock or prices."""
    data = result.get("data", {})
    scenarios = {s.get("id"): s for s in (data.get("analysis") or {}).get("scenarios", [])}
    ranking = [
        {key: scenarios[sid].get(key) for key in ("id", "kind", "ttr", "rei", "tts", "red_flag")}
        for sid in data.get("ranking", [])
        if sid in scenarios
    ]
    top = max((float(s.get("loss") or 0.0) for s in scenarios.values()), default=0.0)
    heat = [
        {
            "country": c.get("country"),
            "subsystem": c.get("subsystem"),
            "rei": float(c.get("loss") or 0.0) / top if top > 0 else 0.0,
        }
        for c in data.get("heat", [])
    ]
    network = data.get("network") or {}
    return {
        "window": network.get("window"),
        "from_plan": network.get("from_plan"),
        "period": network.get("period"),
        "ranking": ranking,
        "red_flags": sum(1 for r in ranking if r.get("red_flag")),
        "heat": heat,
    }


def _withheld_lab(_result: dict[str, Any]) -> dict[str, Any]:
    """Workload definitions stay with the lab; its demand is the run's ``demand``."""
    return {}


AGGREGATES: dict[str, Aggregate] = {
    "workloads": _withheld_lab,
    "bom": _bom,
    "sourcing": _sourcing,
    "risk": _risk,
}


def stage_access(key: str, viewer_kind: str, is_owner: bool) -> str:
    """``full``, ``aggregate`` or ``withheld``: how much of stage ``key`` the viewer sees."""
    if is_owner:
        return "full"
    party = STAGE_PARTY.get(key)
    if party in ("shared", viewer_kind):
        return "full"
    return "aggregate" if key in AGGREGATES else "withheld"


def stage_view(key: str, result: dict[str, Any], access: str) -> dict[str, Any]:
    """The part of a stage's result the viewer may see (no summary text: it quotes figures)."""
    if access == "full":
        return result
    if access == "aggregate":
        return {"summary": [], "data": AGGREGATES[key](result), "notes": []}
    return {"summary": [], "data": {}, "notes": []}
