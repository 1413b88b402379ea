"""The in-memory catalog: entries by kind and id, with their origin files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from rackwright.catalog.models import (
    KIND_MODELS,
    Accelerator,
    Component,
    Entry,
    Fabric,
    Facility,
    RackDesign,
    Site,
    Source,
    System,
)
from rackwright.errors import CatalogError, UnknownIdError

E = TypeVar("E", bound=Entry)


@dataclass
class Catalog:
    """Every entry by kind and id; ``origins`` says which file (and line) each came from."""

    sources: dict[str, Source] = field(default_factory=dict)
    entries: dict[str, dict[str, Entry]] = field(
        default_factory=lambda: {kind: {} for kind in KIND_MODELS}
    )
    origins: dict[tuple[str, str], str] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)
    lines: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def add(self, entry: Entry, *, origin: str, line: int | None = None) -> None:
        """Add ``entry`` from file ``origin`` (at ``line``).

        An existing id is replaced only when the new entry says override and comes from another
        file; ``origins`` keeps ``file:line`` for display.
        """
        kind = KIND_MODELS_BY_TYPE[type(entry)]
        table = self.entries[kind]
        key = (kind, entry.id)
        if entry.id in table:
            first = self.origins[key]
            if self.files.get(key, first) == origin:
                raise CatalogError(
                    f"duplicate {kind} id '{entry.id}' in the same file (first at {first})",
                    file=origin,
                    line=line,
                    field="id",
                    value=entry.id,
                )
            if not entry.override:
                raise CatalogError(
                    f"{kind} id '{entry.id}' is defined in both {first} and {origin}; "
                    "set override = true on the second to replace the first",
                    file=origin,
                    line=line,
                    field="id",
                    value=entry.id,
                )
        else:
            for other_kind, other in self.entries.items():
                if entry.id in other:
                    raise CatalogError(
                        f"id '{entry.id}' is already a {other_kind} "
                        f"({self.origins[(other_kind, entry.id)]}); ids are unique across kinds",
                        file=origin,
                        line=line,
                        field="id",
                        value=entry.id,
                    )
        table[entry.id] = entry
        self.origins[key] = f"{origin}:{line}" if line else origin
        self.files[key] = origin
        self.lines[key] = line

    def source_title(self, source_id: str) -> str:
        """The title of a cited source, or '' when the id is unknown."""
        source = self.sources.get(source_id)
        return source.title if source is not None else ""

    def kinds(self) -> list[str]:
        """The kinds of entry the catalog holds."""
        return list(self.entries)

    def all(self, kind: str) -> list[Entry]:
        """Every entry of ``kind`` in id order."""
        if kind not in self.entries:
            raise UnknownIdError(
                f"unknown kind; use one of {', '.join(self.entries)}", field="kind", value=kind
            )
        return [self.entries[kind][k] for k in sorted(self.entries[kind])]

    def find(self, entry_id: str) -> Entry:
        """The entry with ``entry_id`` in any kind."""
        for table in self.entries.values():
            if entry_id in table:
                return table[entry_id]
        raise UnknownIdError(f"no catalog entry with id '{entry_id}'", field="id", value=entry_id)

    def _get(self, kind: str, entry_id: str, model: type[E]) -> E:
        entry = self.entries[kind].get(entry_id)
        if entry is None:
            known = ", ".join(sorted(self.entries[kind]))
            raise UnknownIdError(
                f"unknown {kind} id '{entry_id}'; known: {known}", field=kind, value=entry_id
            )
        assert isinstance(entry, model)
        return entry

    def accelerator(self, entry_id: str) -> Accelerator:
        """The accelerator ``entry_id``."""
        return self._get("accelerator", entry_id, Accelerator)

    def system(self, entry_id: str) -> System:
        """The system ``entry_id``."""
        return self._get("system", entry_id, System)

    def fabric(self, entry_id: str) -> Fabric:
        """The fabric ``entry_id``."""
        return self._get("fabric", entry_id, Fabric)

    def component(self, entry_id: str) -> Component:
        """The component ``entry_id``."""
        return self._get("component", entry_id, Component)

    def rack(self, entry_id: str) -> RackDesign:
        """The rack design ``entry_id``."""
        return self._get("rack", entry_id, RackDesign)

    def site(self, entry_id: str) -> Site:
        """The site ``entry_id``."""
        return self._get("site", entry_id, Site)

    def facility(self, entry_id: str) -> Facility:
        """The facility ``entry_id``."""
        return self._get("facility", entry_id, Facility)

    def racks(self) -> list[RackDesign]:
        """Rack designs ordered by generation."""
        return sorted(
            (r for r in self.entries["rack"].values() if isinstance(r, RackDesign)),
            key=lambda r: (r.generation, r.id),
        )

    def iter_entries(self) -> Iterator[tuple[str, Entry]]:
        """(kind, entry) for every entry."""
        for kind, table in self.entries.items():
            for entry_id in sorted(table):
                yield kind, table[entry_id]

    def check_references(self) -> None:
        """Every id an entry names must exist; every source id must be cited in sources."""
        for kind, entry in self.iter_entries():
            key = (kind, entry.id)
            origin = self.files.get(key, self.origins[key])
            line = self.lines.get(key)
            for source_id in _cited(entry):
                if source_id not in self.sources:
                    raise CatalogError(
                        f"{kind} '{entry.id}' cites unknown source '{source_id}'",
                        file=origin,
                        line=line,
                        field="sources",
                        value=source_id,
                    )
            for field_name, ref_kind, ref in _references(entry):
                if ref not in self.entries[ref_kind]:
                    known = ", ".join(sorted(self.entries[ref_kind]))
                    raise UnknownIdError(
                        f"{kind} '{entry.id}' refers to unknown {ref_kind} '{ref}'; known: {known}",
                        file=origin,
                        line=line,
                        field=field_name,
                        value=ref,
                    )


def _cited(entry: Entry) -> list[str]:
    ids = list(entry.sources)
    for prov in entry.provenance.values():
        ids.extend(prov.sources)
    return ids


def _references(entry: Entry) -> list[tuple[str, str, str]]:
    if isinstance(entry, System):
        return [
            ("accelerator", "accelerator", entry.accelerator),
            ("scaleout_fabric", "fabric", entry.scaleout_fabric),
        ]
    if isinstance(entry, RackDesign):
        refs = [("system", "system", entry.system), ("cdu", "component", entry.cdu)]
        refs += [("components", "component", c.component) for c in entry.components]
        return refs
    return []


KIND_MODELS_BY_TYPE: dict[type[Entry], str] = {model: kind for kind, model in KIND_MODELS.items()}
