"""Load the factory data file (the packaged default or a user's) and check it before any run.

Every problem is one ``InputError`` naming the file, line, field and bad value, and where it is
about a station, the station: zero servers, a yield outside [0, 1], a negative cycle time, a
route to a station that does not exist, a line with no path to shipping, a routing cycle with no
exit, a site or rack the catalog does not know, a source id nobody defines.
"""

from __future__ import annotations

import math
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.loader import read_toml, validation_error
from rackwright.catalog.tomlpos import locate
from rackwright.errors import InputError, UnitError
from rackwright.factory.models import FactoryData
from rackwright.factory.network import check_network
from rackwright.factory.products import RackProduct
from rackwright.factory.site_network import Variant, site_network
from rackwright.factory.spec import (
    SCRAP_TARGET,
    SHIP_TARGET,
    FactoryFile,
    LineType,
    Profile,
    SiteSpec,
    StationKind,
    StationParams,
    StationSpec,
)

DATA_PACKAGE = "rackwright.factory.data"
DEFAULT_FILE = "factory.toml"
_TIMES = ("cycle_time_s", "base_time_s", "time_per_gpu_s", "time_per_kw_s", "changeover_s")
_PROBE = RackProduct("probe", 0, 100e3, 72, 18, 9, 1.0)  # routing does not depend on the rack


class _Where:
    """Turns a TOML path into (file, line) for messages."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """The line ``path`` is written on (``locate`` resolves nested arrays of tables)."""
        return locate(self.text, path)

    def fail(self, message: str, path: tuple[str | int, ...], value: Any) -> InputError:
        field = ".".join(str(p) for p in path)
        return InputError(
            message,
            file=self.name,
            line=self.line(path),
            field=field,
            value=value,
            has_value=True,
        )


def _read(path: Path | None) -> tuple[dict[str, Any], str, str]:
    if path is not None:
        data, text = read_toml(path)
        return data, text, str(path)
    name = f"<factory>/{DEFAULT_FILE}"
    text = resources.files(DATA_PACKAGE).joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text), text, name


def _parse(data: dict[str, Any], where: _Where) -> FactoryFile:
    try:
        return FactoryFile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, file=where.name, text=where.text, base=()) from None
    except UnitError as exc:
        raise InputError(exc.message, file=where.name, field=exc.field, value=exc.value) from None


def _check_params(
    params: StationParams, station: str, path: tuple[str | int, ...], where: _Where
) -> None:
    """Yields in [0, 1], non-negative times and cv, for a station or a profile's override."""
    if params.yield_ is not None and not 0.0 <= params.yield_ <= 1.0:
        raise where.fail(
            f"station '{station}': yield must be between 0 and 1", (*path, "yield"), params.yield_
        )
    for name in _TIMES:
        value = getattr(params, name)
        if value is not None and (not math.isfinite(value) or value < 0):
            raise where.fail(
                f"station '{station}': {name.removesuffix('_s').replace('_', ' ')} must not be "
                "negative",
                (*path, name),
                value,
            )
    if params.cv is not None and not params.cv >= 0:
        raise where.fail(f"station '{station}': cv must not be negative", (*path, "cv"), params.cv)


def _check_station(
    line_type: LineType, station: StationSpec, path: tuple[str | int, ...], where: _Where
) -> None:
    if station.servers < 1:
        raise where.fail(
            f"station '{station.id}': a station needs at least one server",
            (*path, "servers"),
            station.servers,
        )
    _check_params(station, station.id, path, where)
    by_id = {s.id: s for s in line_type.station}
    for key in ("next", "on_fail"):
        target = getattr(station, key)
        if target not in by_id and target not in (SHIP_TARGET, SCRAP_TARGET):
            raise where.fail(
                f"station '{station.id}' routes to unknown station '{target}' (use a station id, "
                f"'{SHIP_TARGET}' or '{SCRAP_TARGET}')",
                (*path, key),
                target,
            )
        if station.shared and target in by_id and not by_id[target].shared:
            raise where.fail(
                f"shared station '{station.id}' cannot route back into a line ('{target}')",
                (*path, key),
                target,
            )


def _check_line_type(line_type: LineType, index: int, where: _Where) -> None:
    seen: set[str] = set()
    for j, station in enumerate(line_type.station):
        path: tuple[str | int, ...] = ("line_type", index, "station", j)
        if station.id in seen:
            raise where.fail(f"duplicate station id '{station.id}'", (*path, "id"), station.id)
        seen.add(station.id)
        _check_station(line_type, station, path, where)
    if line_type.station[0].shared:
        raise where.fail(
            f"line '{line_type.id}' must start at a line station, not the shared "
            f"'{line_type.station[0].id}'",
            ("line_type", index, "station", 0, "shared"),
            True,
        )


def _check_profile(
    profile: Profile, index: int, stations: set[str], where: _Where, racks: dict[str, str]
) -> None:
    for station_id, params in profile.station.items():
        path: tuple[str | int, ...] = ("profile", index, "station", station_id)
        if station_id not in stations:
            raise where.fail(
                f"profile '{profile.id}' sets figures for unknown station '{station_id}'",
                path,
                station_id,
            )
        _check_params(params, station_id, path, where)
    for rack_id in profile.racks:
        if rack_id in racks:
            raise where.fail(
                f"rack '{rack_id}' is in profiles '{racks[rack_id]}' and '{profile.id}'",
                ("profile", index, "racks"),
                rack_id,
            )
        racks[rack_id] = profile.id


def _check_cycle_times(spec: FactoryFile, where: _Where) -> None:
    """Every station has the time figures its kind needs, for every profile."""
    for i, line_type in enumerate(spec.line_type):
        for j, station in enumerate(line_type.station):
            for profile in spec.profile:
                own = profile.station.get(station.id)
                names = (
                    ("base_time_s", "time_per_gpu_s", "time_per_kw_s")
                    if station.kind is StationKind.TEST
                    else ("cycle_time_s",)
                )
                if all(
                    getattr(station, n) is None and (own is None or getattr(own, n) is None)
                    for n in names
                ):
                    raise where.fail(
                        f"station '{station.id}' has no {' or '.join(names)} for profile "
                        f"'{profile.id}'",
                        ("line_type", i, "station", j, names[0]),
                        None,
                    )


def _check_site(site: SiteSpec, index: int, spec: FactoryFile, where: _Where) -> None:
    path: tuple[str | int, ...] = ("site", index)
    line_types = {lt.id: lt for lt in spec.line_type}
    line_type = line_types.get(site.line_type)
    if line_type is None:
        raise where.fail(
            f"site '{site.site}' runs unknown line type '{site.line_type}'",
            (*path, "line_type"),
            site.line_type,
        )
    if site.lines_installed > site.max_lines:
        raise where.fail(
            f"site '{site.site}' has more lines installed than it can hold ({site.max_lines})",
            (*path, "lines_installed"),
            site.lines_installed,
        )
    if (
        site.shifts_per_day > site.max_shifts_per_day
        or site.shifts_per_day * site.hours_per_shift > 24
    ):
        raise where.fail(
            f"site '{site.site}': {site.shifts_per_day} shifts of {site.hours_per_shift} h do not "
            f"fit the day or exceed max_shifts_per_day {site.max_shifts_per_day}",
            (*path, "shifts_per_day"),
            site.shifts_per_day,
        )
    stations = {s.id for s in line_type.station}
    for station_id, servers in site.station_servers.items():
        if station_id not in stations:
            raise where.fail(
                f"site '{site.site}' sets servers for unknown station '{station_id}'",
                (*path, "station_servers", station_id),
                station_id,
            )
        if servers < 1:
            raise where.fail(
                f"station '{station_id}' at site '{site.site}': a station needs at least one "
                "server",
                (*path, "station_servers", station_id),
                servers,
            )


def _check_sources(spec: FactoryFile, known: set[str], where: _Where) -> None:
    tables: list[tuple[tuple[str | int, ...], list[str]]] = []
    for i, lt in enumerate(spec.line_type):
        tables.append((("line_type", i, "sources"), lt.sources))
        tables += [
            (("line_type", i, "station", j, "sources"), s.sources) for j, s in enumerate(lt.station)
        ]
    for i, p in enumerate(spec.profile):
        tables += [
            (("profile", i, "sources"), p.sources),
            (("profile", i, "learning"), p.learning.sources),
        ]
    tables += [(("site", i, "sources"), s.sources) for i, s in enumerate(spec.site)]
    tables.append((("costs", "sources"), spec.costs.sources))
    for path, ids in tables:
        for source_id in ids:
            if source_id not in known:
                raise where.fail(f"unknown source id '{source_id}'", path, source_id)


def _check_catalog(spec: FactoryFile, catalog: Catalog, where: _Where) -> None:
    for i, site in enumerate(spec.site):
        if site.site not in catalog.entries["site"]:
            raise where.fail(
                f"unknown catalog site id '{site.site}'", ("site", i, "site"), site.site
            )
    for i, profile in enumerate(spec.profile):
        for rack_id in profile.racks:
            if rack_id not in catalog.entries["rack"]:
                raise where.fail(
                    f"profile '{profile.id}' names unknown catalog rack '{rack_id}'",
                    ("profile", i, "racks"),
                    rack_id,
                )


def _positions(spec: FactoryFile, where: _Where) -> dict[str, tuple[str, int | None]]:
    out: dict[str, tuple[str, int | None]] = {}
    for i, lt in enumerate(spec.line_type):
        for j, station in enumerate(lt.station):
            line = where.line(("line_type", i, "station", j, "id"))
            out[f"{lt.id}/{station.id}"] = (where.name, line)
    return out


def _check_routing(data: FactoryData) -> None:
    """Each site's network, for every profile, must be able to ship what it starts."""
    for site_id, site in data.sites.items():
        for profile in data.profiles.values():
            variant = Variant(_PROBE, profile, 99, profile.id)
            built = site_network(data, site_id, [variant], lines=max(1, site.lines_installed))
            check_network(built.network)


def load_factory(path: Path | None = None, catalog: Catalog | None = None) -> FactoryData:
    """Read and check the factory file (the packaged default when ``path`` is None).

    With ``catalog``, site ids, rack ids and source ids are checked against it too.
    """
    raw, text, name = _read(path)
    where = _Where(name, text)
    spec = _parse(raw, where)
    for i, line_type in enumerate(spec.line_type):
        _check_line_type(line_type, i, where)
    stations = {s.id for lt in spec.line_type for s in lt.station}
    racks: dict[str, str] = {}
    for i, profile in enumerate(spec.profile):
        _check_profile(profile, i, stations, where, racks)
    _check_cycle_times(spec, where)
    for i, site in enumerate(spec.site):
        _check_site(site, i, spec, where)
    known = {s.id for s in spec.source} | (set(catalog.sources) if catalog is not None else set())
    if catalog is not None:
        _check_sources(spec, known, where)
        _check_catalog(spec, catalog, where)
    data = FactoryData(
        file=name,
        sources={s.id: s for s in spec.source},
        line_types={lt.id: lt for lt in spec.line_type},
        profiles={p.id: p for p in spec.profile},
        sites={s.site: s for s in spec.site},
        costs=spec.costs,
        where=_positions(spec, where),
    )
    _check_routing(data)
    return data
