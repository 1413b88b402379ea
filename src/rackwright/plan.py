"""``rackwright plan``: run every engine on a scenario, in DESIGN.md order, into one report.

The engines plug in as section builders; the order here is the order of the report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rackwright.catalog import Catalog, load_catalog
from rackwright.report.section import PlanContext, Section, SectionBuilder
from rackwright.scenario import Scenario, check_against_catalog, read_scenario


def section_builders() -> list[SectionBuilder]:
    """Section builders in report order: DESIGN.md's engine chain.

    workloads (perf + explore) -> generations and rack (rack engineering) -> bom -> sourcing.
    Imported here, not at module top, so a command that needs no report loads no engine.
    """
    from rackwright.report.sections import bom, generations, rack, sourcing, workloads

    builders: list[SectionBuilder] = [
        workloads.build,
        generations.build,
        rack.build,
        bom.build,
        sourcing.build,
    ]
    return builders


def prepare(path: Path | None, extra_catalog: list[Path] | None = None) -> PlanContext:
    """Read the scenario and the catalog it names, and cross-check them.

    Catalog files merge in order: the default catalog, the scenario's ``catalog_files``
    (relative to the scenario file), then ``extra_catalog`` (``--catalog``), so the command line
    has the last word.
    """
    scenario, text, name = read_scenario(path)
    base = path.parent if path is not None else Path.cwd()
    files = [*(base / f for f in scenario.catalog_files), *(extra_catalog or [])]
    catalog = load_catalog(files)
    check_against_catalog(scenario, catalog, text, name)
    return PlanContext(scenario=scenario, catalog=catalog, scenario_file=name)


def builder_name(builder: SectionBuilder) -> str:
    """A builder's short name for progress lines (its module's last part)."""
    return builder.__module__.rsplit(".", 1)[-1]


def run_plan(
    context: PlanContext,
    on_section: Callable[[str], None] | None = None,
    *,
    on_done: Callable[[Section], None] | None = None,
    builders: Sequence[SectionBuilder] | None = None,
) -> list[Section]:
    """Run every section builder in report order.

    ``on_section`` is told each builder's name as it starts, ``on_done`` each finished section;
    ``builders`` replaces the registry (``section_builders()``) when given.
    """
    sections: list[Section] = []
    keys: set[str] = set()
    for builder in section_builders() if builders is None else builders:
        if on_section is not None:
            on_section(builder_name(builder))
        section = builder(context)
        if section.key in keys:
            raise ValueError(f"two report sections share the key '{section.key}'")
        keys.add(section.key)
        sections.append(section)
        if on_done is not None:
            on_done(section)
    return sections


__all__ = [
    "Catalog",
    "PlanContext",
    "Scenario",
    "builder_name",
    "load_catalog",
    "prepare",
    "run_plan",
    "section_builders",
]
