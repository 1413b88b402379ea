"""The sourced catalog: accelerators, systems, fabrics, rack components and designs, sites."""

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.loader import load_catalog
from rackwright.catalog.models import (
    Accelerator,
    Component,
    ComponentKind,
    Confidence,
    Entry,
    Fabric,
    Facility,
    Provenance,
    RackDesign,
    Site,
    System,
)

__all__ = [
    "Accelerator",
    "Catalog",
    "Component",
    "ComponentKind",
    "Confidence",
    "Entry",
    "Fabric",
    "Facility",
    "Provenance",
    "RackDesign",
    "Site",
    "System",
    "load_catalog",
]
