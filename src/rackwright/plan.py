"""``rackwright plan``: run every engine on a scenario, in DESIGN.md order, into one report.

The engines plug in as section builders; the order here is the order of the report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rackwright.catalog import Catalog, load_catalog
from rackwright.report.section import PlanContext, Section, SectionBuilder
from rackwright.scenario import Scenario, check_against_catalog, read_scenario


def section_builders() -> list[SectionBuilder]:
    """Section builders in report order (perf, explore, rack, bom, sourcing, ...)."""
    from rackwright.report.sections import generations, rack

    return [generations.build, rack.build]


def prepare(path: Path | None, extra_catalog: list[Path] | None = None) -> PlanContext:
    """Read the scenario and the catalog it names, and cross-check them."""
    scenario, text, name = read_scenario(path)
    base = path.parent if path is not None else Path.cwd()
    files = [*(extra_catalog or []), *(base / f for f in scenario.catalog_files)]
    catalog = load_catalog(files)
    check_against_catalog(scenario, catalog, text, name)
    return PlanContext(scenario=scenario, catalog=catalog, scenario_file=name)


def run_plan(
    context: PlanContext, on_section: Callable[[str], None] | None = None
) -> list[Section]:
    """Run every section builder; ``on_section`` is told each section's name as it starts."""
    sections: list[Section] = []
    for builder in section_builders():
        if on_section is not None:
            on_section(builder.__module__.rsplit(".", 1)[-1])
        sections.append(builder(context))
    return sections


__all__ = ["Catalog", "PlanContext", "Scenario", "load_catalog", "prepare", "run_plan"]
