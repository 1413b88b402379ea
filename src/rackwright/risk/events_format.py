"""The Monte Carlo events file: parsed TOML -> ``RiskEvent`` tuple (pure; I/O in the loader).

```toml
include_defaults = true   # keep the default site and group events not listed below
events_per_year = 0.27    # network-wide rate the default events share (default: MGI's 1/3.7)

[[event]]
id = "tw-quake"           # unique; an id equal to a node or group id replaces its default
target = "TW"             # a node or group id ... (or: nodes = ["A", "B"])
probability = 0.03        # chance per trial (one year)
duration = { kind = "lognormal", median = 26, sigma = 0.6 }   # omitted: triangular on the TTR
```

Duration kinds: ``fixed`` (value), ``uniform`` (low, high), ``triangular`` (low, mode, high),
``lognormal`` (median, sigma), all in the network's periods.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rackwright.errors import InputError
from rackwright.risk.events import (
    NETWORK_EVENTS_PER_YEAR,
    Duration,
    DurationKind,
    RiskEvent,
    default_events,
    ttr_duration,
)
from rackwright.risk.network import NetworkError, SupplyNetwork

TOP_KEYS = ("include_defaults", "events_per_year", "event")
EVENT_KEYS = ("id", "target", "nodes", "probability", "duration")
DURATION_KEYS = ("kind", "value", "low", "mode", "high", "median", "sigma")

Entry = tuple[str | int, ...]


def _fail(message: str, entry: Entry, value: Any) -> NetworkError:
    return NetworkError(message, entry=entry, value=value)


def _keys(table: Mapping[str, Any], allowed: tuple[str, ...], entry: Entry) -> None:
    for key in table:
        if key not in allowed:
            raise _fail(f"unknown key '{key}'; use {', '.join(allowed)}", (*entry, key), key)


def _number(value: Any, entry: Entry) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail("must be a number", entry, value)
    return float(value)


def _duration(raw: Any, entry: Entry) -> Duration:
    if not isinstance(raw, dict):
        raise _fail('duration must be a table such as { kind = "fixed", value = 4 }', entry, raw)
    _keys(raw, DURATION_KEYS, entry)
    kind = raw.get("kind")
    if kind not in {k.value for k in DurationKind}:
        kinds = ", ".join(k.value for k in DurationKind)
        raise _fail(f"duration kind must be one of {kinds}", (*entry, "kind"), kind)
    params = {k: _number(v, (*entry, k)) for k, v in raw.items() if k != "kind"}
    try:
        return Duration(DurationKind(kind), **params)
    except InputError as exc:
        raise _fail(exc.message, entry, raw) from None


def _targets(net: SupplyNetwork) -> dict[str, tuple[tuple[str, ...], float | None]]:
    found: dict[str, tuple[tuple[str, ...], float | None]] = {
        n.id: ((n.id,), n.ttr) for n in net.nodes
    }
    for g in net.groups:
        found[g.id] = (tuple(dict.fromkeys(g.nodes)), net.group_ttr(g))
    return found


def _event(raw: Any, i: int, net: SupplyNetwork) -> RiskEvent:
    entry: Entry = ("event", i)
    if not isinstance(raw, dict):
        raise _fail("each [[event]] must be a table", entry, raw)
    _keys(raw, EVENT_KEYS, entry)
    event_id = raw.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise _fail("'id' must be a non-empty string", (*entry, "id"), event_id)
    targets = _targets(net)
    ttr: float | None = None
    if "target" in raw:
        if raw["target"] not in targets:
            raise _fail("target is not a node or group id", (*entry, "target"), raw["target"])
        nodes, ttr = targets[raw["target"]]
    else:
        nodes = _event_nodes(raw.get("nodes"), entry, net)
        ttr = max((t for t in (net.node(n).ttr for n in nodes) if t is not None), default=None)
    probability = _number(raw.get("probability"), (*entry, "probability"))
    if not 0.0 <= probability <= 1.0:
        raise _fail("probability must be within 0..1", (*entry, "probability"), probability)
    if "duration" in raw:
        duration = _duration(raw["duration"], (*entry, "duration"))
    elif ttr is not None:
        duration = ttr_duration(ttr)
    else:
        raise _fail("no duration given and no ttr to build one from", (*entry, "id"), event_id)
    return RiskEvent(event_id, nodes, probability, duration)


def _event_nodes(raw: Any, entry: Entry, net: SupplyNetwork) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(
            "give 'target' (a node or group id) or a non-empty 'nodes' list", (*entry, "nodes"), raw
        )
    for j, node in enumerate(raw):
        if not isinstance(node, str) or not net.has_node(node):
            raise _fail("event names an unknown node", (*entry, "nodes", j), node)
    return tuple(dict.fromkeys(raw))


def events_from_toml(data: Mapping[str, Any], net: SupplyNetwork) -> tuple[RiskEvent, ...]:
    """The events a parsed events file describes, merged with the defaults it keeps."""
    _keys(data, TOP_KEYS, ())
    include = data.get("include_defaults", True)
    if not isinstance(include, bool):
        raise _fail("include_defaults must be true or false", ("include_defaults",), include)
    rate = _number(data.get("events_per_year", NETWORK_EVENTS_PER_YEAR), ("events_per_year",))
    if rate < 0:
        raise _fail("events_per_year must not be negative", ("events_per_year",), rate)
    raw_events = data.get("event", [])
    if not isinstance(raw_events, list):
        raise _fail("'event' must be an array of tables ([[event]])", ("event",), raw_events)
    listed = [_event(raw, i, net) for i, raw in enumerate(raw_events)]
    seen: set[str] = set()
    for i, event in enumerate(listed):
        if event.id in seen:
            raise _fail("two events share an id", ("event", i, "id"), event.id)
        seen.add(event.id)
    kept = default_events(net, events_per_year=rate) if include else ()
    return tuple(e for e in kept if e.id not in seen) + tuple(listed)
