"""Reading and writing supply-network files: the only risk module that touches the disk.

Every problem in a file is one ``InputError`` naming the file, the line, the entry
(``edge[3].to``) and the bad value, which the CLI prints as one line with exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rackwright.catalog.loader import read_toml
from rackwright.catalog.tomlpos import locate
from rackwright.errors import InputError
from rackwright.fileio import write_text_atomic
from rackwright.risk.events import RiskEvent
from rackwright.risk.events_format import events_from_toml
from rackwright.risk.exchange import network_from_toml, network_to_toml
from rackwright.risk.network import NetworkError, SupplyNetwork


def located(exc: NetworkError, text: str, name: str) -> InputError:
    """``exc`` as an InputError naming file ``name`` and the line of its entry in ``text``."""
    return InputError(
        exc.message,
        file=name,
        line=locate(text, exc.entry),
        field=exc.field,
        value=exc.value,
        has_value=True,
    )


def parse_network(text: str, data: dict[str, Any], name: str) -> SupplyNetwork:
    """The network in already-parsed ``data`` (``text`` locates errors, ``name`` names them)."""
    try:
        return network_from_toml(data)
    except NetworkError as exc:
        raise located(exc, text, name) from None


def load_network(path: Path) -> SupplyNetwork:
    """The supply network in exchange-format file ``path``."""
    data, text = read_toml(path)
    return parse_network(text, data, str(path))


def save_network(path: Path, net: SupplyNetwork, *, header: str = "") -> Path:
    """Write ``net`` to ``path`` in the exchange format, atomically."""
    return write_text_atomic(path, network_to_toml(net, header=header))


def load_events(path: Path, net: SupplyNetwork) -> tuple[RiskEvent, ...]:
    """The Monte Carlo events in file ``path`` for network ``net`` (see ``events_format``)."""
    data, text = read_toml(path)
    try:
        return events_from_toml(data, net)
    except NetworkError as exc:
        raise located(exc, text, str(path)) from None
