"""``rackwright explore``: search parallelism x systems x GPU counts for a training run."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from rackwright.bom import load_supply_data
from rackwright.bom.stage import standalone_price
from rackwright.bom.supply import default_year
from rackwright.catalog import Catalog
from rackwright.cli.common import (
    CatalogFiles,
    JsonFlag,
    catalog_from,
    console,
    print_json,
    progress_bar,
    real_number,
    whole_number,
)
from rackwright.explore.economics import Economics
from rackwright.explore.executors import make_executor
from rackwright.explore.search import (
    DEFAULT_MFU_SHARE,
    Candidate,
    ExploreResult,
    RankBound,
    make_job,
    parse_gpu_range,
    rack_choices,
    system_choices,
)
from rackwright.explore.search import (
    explore as run_explore,
)
from rackwright.perf.models import resolve_model
from rackwright.rack import analyze
from rackwright.units import parse_quantity


def explore(
    model: Annotated[str, typer.Option("--model", "-m", help="Model id or a model TOML path.")],
    gpus: Annotated[str, typer.Option("--gpus", "-g", help="GPU count N or range N..M.")],
    system: Annotated[
        list[str] | None,
        typer.Option("--system", "-s", help="Catalog system id (repeatable; default: all)."),
    ] = None,
    rack: Annotated[
        list[str] | None,
        typer.Option("--rack", "-r", help="Catalog rack generation (repeatable; whole racks)."),
    ] = None,
    objective: Annotated[
        str,
        typer.Option(
            "--objective", help="Rank by time, cost, power (lowest first) or mfu (highest first)."
        ),
    ] = "time",
    min_mfu_share: Annotated[
        float,
        typer.Option(
            "--min-mfu-share",
            parser=real_number("--min-mfu-share", above=-1e-12, maximum=1.0),
            help="Rank only configurations with MFU at least this share of the best MFU found "
            "(0 ranks everything).",
        ),
    ] = DEFAULT_MFU_SHARE,
    min_mfu: Annotated[
        float,
        typer.Option(
            "--min-mfu",
            parser=real_number("--min-mfu", above=-1e-12, maximum=0.99),
            help="Rank only configurations with at least this MFU (a fraction, e.g. 0.3).",
        ),
    ] = 0.0,
    max_cost_ratio: Annotated[
        float | None,
        typer.Option(
            "--max-cost-ratio",
            parser=real_number("--max-cost-ratio", above=0.999999),
            help="Rank only configurations costing at most this many times the cheapest found.",
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            "-k",
            parser=whole_number("--top", maximum=1000),
            help="How many best configurations.",
        ),
    ] = 5,
    executor: Annotated[str, typer.Option("--executor", help="local or ray.")] = "local",
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            parser=whole_number("--workers", maximum=1024),
            help="Processes (local) or CPUs (new Ray cluster).",
        ),
    ] = 1,
    tokens: Annotated[
        str, typer.Option("--tokens", help="Training token budget, e.g. '15 Ttok'.")
    ] = "1 Ttok",
    seq: Annotated[
        int | None, typer.Option("--seq", help="Sequence length (default: the model's).")
    ] = None,
    batch_tokens: Annotated[
        str, typer.Option("--batch-tokens", help="Target tokens per optimizer step.")
    ] = "16 Mtok",
    precision: Annotated[str, typer.Option("--precision", help="bf16, fp8, fp4, ...")] = "bf16",
    facility: Annotated[
        str, typer.Option("--facility", help="Catalog facility for PUE and electricity price.")
    ] = "us-avg",
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Find the best training configurations and the time/cost/MW Pareto front.

    Searches every catalog system unless --system or --rack names some; a rack generation is
    searched in whole racks of its system.
    """
    bound = RankBound(min_mfu_share, min_mfu, max_cost_ratio)
    arch = resolve_model(model)
    low, high = parse_gpu_range(gpus)
    cat = catalog_from(catalog)
    ids = system or ([] if rack else sorted(cat.entries["system"]))
    job = make_job(
        arch,
        parse_quantity(tokens, "tokens", field="tokens"),
        precision,
        seq,
        parse_quantity(batch_tokens, "tokens", field="batch_tokens"),
    )
    choices = system_choices(cat, ids, facility, low, high)
    choices += rack_choices(
        cat, rack or [], facility, low, high, economics=_rack_economics(cat, rack or [], facility)
    )
    runner = make_executor(executor, workers=workers)
    progress = progress_bar("explore", 0)
    try:
        with progress:
            task = progress.add_task("", total=None)

            def done(finished: int, total: int) -> None:
                progress.update(task, completed=finished, total=total)

            result = run_explore(
                arch, choices, job, objective=objective, top=top, executor=runner,
                on_task_done=done, bound=bound,
            )  # fmt: skip
    finally:
        runner.close()
    if json_out:
        data = result.to_dict()
        data = {
            "model": arch.id,
            "tokens": job.tokens,
            "seq": job.seq,
            "precision": job.precision,
            "executor": runner.name,
            **data,
        }
        print_json(data)
        return
    _print(result, arch.id)


PARETO_ROWS = 12


def _rack_economics(cat: Catalog, racks: list[str], facility: str) -> dict[str, Economics]:
    """Each rack priced from its BOM (cheapest offers in its first year) and engineered power,
    as ``plan`` prices it; a bare ``--system`` keeps the catalog's list price."""
    if not racks:
        return {}
    supply = load_supply_data(cat)
    site = cat.facility(facility)
    out = {}
    for rack_id in racks:
        design = cat.rack(rack_id)
        price = standalone_price(cat, supply, rack_id, default_year(design.year_available))
        out[rack_id] = Economics.of_rack(analyze(design, cat), price.usd, site)
    return out


def _spread(cands: tuple[Candidate, ...], n: int) -> tuple[Candidate, ...]:
    """``n`` candidates evenly spaced along the front, both ends included."""
    last = len(cands) - 1
    picks = sorted({round(i * last / (n - 1)) for i in range(n)})
    return tuple(cands[i] for i in picks)


def _row(c: Candidate) -> list[str]:
    return [
        c.rack or c.system_id,
        str(c.gpus),
        f"{c.tp}/{c.pp}/{c.vpp}/{c.cp}/{c.ep}/{c.dp}",
        f"z{c.zero} {c.recompute} mbs{c.mbs} gbs{c.gbs}",
        f"{c.mfu:.1%}",
        f"{c.tokens_per_s_per_gpu:,.0f}",
        f"{c.days:,.1f}",
        f"{c.cost_usd / 1e6:,.2f}",
        f"{c.power_w / 1e6:,.2f}",
    ]


def _table(title: str, cands: tuple[Candidate, ...]) -> Table:
    table = Table(title=title)
    for col in (
        "system or rack",
        "GPUs",
        "tp/pp/vpp/cp/ep/dp",
        "zero, recompute, batch",
        "MFU",
        "tok/s/GPU",
        "days",
    ):
        table.add_column(col)
    table.add_column("cost M$ (est.)", justify="right")
    table.add_column("MW", justify="right")
    for c in cands:
        table.add_row(*_row(c))
    return table


def _print(result: ExploreResult, model_id: str) -> None:
    order = "highest" if result.objective == "mfu" else "lowest"
    title = (
        f"{model_id}: best by {result.objective} ({order} first) within {result.bound.describe()}"
    )
    wide = Console(highlight=False, width=max(console.width, 160))
    wide.print(_table(title, result.best))
    front = result.pareto
    shown = front if len(front) <= PARETO_ROWS else _spread(front, PARETO_ROWS)
    title = "Pareto front (time, cost, MW)"
    if len(shown) < len(front):
        title += f": {len(shown)} of {len(front)} points, all in --json"
    wide.print(_table(title, shown))
    console.print(
        f"{result.configs_evaluated:,} configurations evaluated "
        f"({result.configs_enumerated:,} enumerated, {result.configs_valid:,} valid and fitting) "
        f"in {result.seconds:.2f} s ({result.configs_per_s:,.0f}/s). The ranking keeps "
        f"{result.bound.describe()} ({int(result.bound.mask.sum()):,} of the configurations "
        "kept); the Pareto front is not bounded. MFU counts causal attention. Cost and MW are "
        "estimates: amortised system price over 4 years plus energy at the facility's PUE and "
        "tariff.",
        markup=False,
    )
