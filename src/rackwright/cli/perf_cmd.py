"""``rackwright perf``: LLM training and inference performance, calibration and validation."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rackwright.catalog.catalog import Catalog
from rackwright.cli.common import (
    CatalogFiles,
    JsonFlag,
    catalog_from,
    console,
    print_json,
    progress_bar,
    quantity_option,
    real_number,
    whole_number,
)
from rackwright.cli.inputs import CalibrationFileOpt
from rackwright.cli.perf_tables import (
    cv_table,
    fit_progress,
    parallel_label,
    summary_line,
    validate_table,
)
from rackwright.errors import InputError, OutputError
from rackwright.explore.executors import make_executor
from rackwright.fileio import write_text_atomic
from rackwright.perf.calibrate import calibrate as fit_efficiency
from rackwright.perf.calibrate import cross_validate, fitted_params
from rackwright.perf.efficiency import load_efficiency, load_priors, render_efficiency
from rackwright.perf.hardware import hardware_view
from rackwright.perf.inference import InferenceConfig, predict_inference
from rackwright.perf.models import load_models, resolve_model
from rackwright.perf.reference import (
    ReferenceFile,
    ReferenceRow,
    UnreadableRow,
    packaged_calibration_csv,
    packaged_extra_csv,
    read_reference_file,
)
from rackwright.perf.training import ParallelConfig, predict_training
from rackwright.perf.validate import summarize, validate_rows
from rackwright.precision import Precision, parse_precision

app = typer.Typer(
    no_args_is_help=True,
    help="LLM performance model: training step time and memory, inference throughput and latency, "
    "calibration against published measurements.",
)

DEFAULT_DATA = (packaged_calibration_csv(), packaged_extra_csv())
DATA_HELP = (
    "CSV in calibration.csv's schema; repeat for several (default: the published measurements "
    "shipped with rackwright, rackwright/perf/data/calibration.csv and calibration_extra.csv, "
    "the rows the shipped calibration was fitted on)."
)
CalibrationOpt = CalibrationFileOpt
DataOpt = Annotated[list[Path] | None, typer.Option("--data", help=DATA_HELP, show_default=False)]
ModelOpt = Annotated[str, typer.Option("--model", "-m", help="Model id or a model TOML path.")]
SystemOpt = Annotated[str, typer.Option("--system", "-s", help="Catalog system id.")]
MAX_DEGREE = 100_000  # no parallel degree of a real job reaches it
MAX_GBS = 10**8  # sequences per step: far beyond any published training recipe


def _degree(option: str, minimum: int = 1) -> Any:
    return whole_number(option, minimum=minimum, maximum=MAX_DEGREE)


def _print_wide(table: Table) -> None:
    """Print a table without wrapping ids, even when stdout is a narrow pipe."""
    wide = Console(highlight=False, width=max(console.width, 160))
    wide.print(table)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _read_data(files: list[Path] | None) -> tuple[list[ReferenceRow], list[UnreadableRow]]:
    """Every row of the measurement files (the shipped ones by default)."""
    loaded: list[ReferenceFile] = [read_reference_file(p) for p in (files or DEFAULT_DATA)]
    rows = [row for f in loaded for row in f.rows]
    bad = [row for f in loaded for row in f.unreadable]
    return rows, bad


@app.command("models")
def models(json_out: JsonFlag = False) -> None:
    """List the named model architectures with parameter counts."""
    rows: list[dict[str, Any]] = []
    for m in load_models().values():
        rows.append(
            {
                "id": m.id,
                "name": m.name,
                "layers": m.layers,
                "hidden": m.hidden,
                "attention": m.attention_kind,
                "heads": m.heads,
                "kv_heads": m.kv,
                "experts": m.experts,
                "topk": m.topk,
                "total_params": m.total_params(),
                "active_params": m.active_params(),
                "sources": m.sources,
            }
        )
    if json_out:
        print_json(rows)
        return
    table = Table(title=f"perf models ({len(rows)})")
    for col in ("id", "name", "layers", "hidden", "attn", "experts", "total B", "active B"):
        table.add_column(col)
    for r in rows:
        experts = f"{r['experts']} top{r['topk']}" if r["experts"] else "dense"
        attn = r["attention"] + (
            f" {r['heads']}/{r['kv_heads']}" if r["attention"] in {"gqa", "mqa"} else ""
        )
        table.add_row(
            r["id"], r["name"], str(r["layers"]), str(r["hidden"]), attn, experts,
            f"{r['total_params'] / 1e9:.1f}", f"{r['active_params'] / 1e9:.1f}",
        )  # fmt: skip
    _print_wide(table)


@app.command("train")
def train(
    model: ModelOpt,
    system: SystemOpt,
    gpus: Annotated[
        int,
        typer.Option("--gpus", "-n", parser=whole_number("--gpus", maximum=10**7)),
    ],
    gbs: Annotated[
        int,
        typer.Option(
            "--gbs", parser=whole_number("--gbs", maximum=MAX_GBS), help="Global batch (sequences)."
        ),
    ],
    tp: Annotated[int, typer.Option(parser=_degree("--tp"))] = 1,
    pp: Annotated[int, typer.Option(parser=_degree("--pp"))] = 1,
    vpp: Annotated[
        int, typer.Option(parser=_degree("--vpp"), help="Virtual stages per pipeline rank.")
    ] = 1,
    cp: Annotated[int, typer.Option(parser=_degree("--cp"))] = 1,
    cp_comm: Annotated[
        str, typer.Option("--cp-comm", help="p2p (ring, hidden) | allgather (exposed).")
    ] = "p2p",
    ep: Annotated[int, typer.Option(parser=_degree("--ep"))] = 1,
    dp: Annotated[
        int, typer.Option(parser=_degree("--dp", minimum=0), help="0: gpus / (tp·pp·cp).")
    ] = 0,
    zero: Annotated[str, typer.Option(help="none|1|2|3|fsdp|distopt")] = "distopt",
    mbs: Annotated[int, typer.Option(parser=whole_number("--mbs", maximum=MAX_GBS))] = 1,
    recompute: Annotated[str, typer.Option(help="none|selective|full")] = "selective",
    precision: Annotated[str, typer.Option(help="bf16|fp16|fp8|fp4")] = "bf16",
    sp: Annotated[bool, typer.Option("--sp/--no-sp", help="Sequence parallelism.")] = True,
    overlap: Annotated[bool, typer.Option("--overlap/--no-overlap")] = True,
    uneven: Annotated[
        bool, typer.Option("--uneven-pipeline", help="Allow L % (pp·vpp) ≠ 0.")
    ] = False,
    seq: Annotated[
        int,
        typer.Option(
            parser=whole_number("--seq", minimum=0, maximum=10**8),
            help="Sequence length (0: model default).",
        ),
    ] = 0,
    calibration: CalibrationOpt = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Predict one training step: time, throughput, MFU and memory per GPU."""
    if zero not in {"none", "1", "2", "3", "fsdp", "distopt"}:
        raise InputError("use one of none, 1, 2, 3, fsdp, distopt", field="--zero", value=zero)
    if recompute not in {"none", "selective", "full"}:
        raise InputError("use one of none, selective, full", field="--recompute", value=recompute)
    if cp_comm not in {"p2p", "allgather"}:
        raise InputError("use one of p2p, allgather", field="--cp-comm", value=cp_comm)
    arch = resolve_model(model)
    hw = hardware_view(system, catalog_from(catalog))
    par = ParallelConfig(
        gpus=gpus, tp=tp, pp=pp, vpp=vpp, cp=cp, ep=ep, dp=dp, zero=zero,
        gbs=gbs, mbs=mbs, seq=seq, recompute=recompute,
        sp=sp, overlap=overlap, uneven_pipeline=uneven, cp_comm=cp_comm,
        precision=parse_precision(precision, field="--precision"),
    )  # fmt: skip
    pred = predict_training(arch, hw, par, load_efficiency(calibration))
    used = par.resolved(arch)
    if json_out:
        print_json({"model": arch.id, "system": hw.system_id, "parallel": used.model_dump(),
                    **pred.model_dump()})  # fmt: skip
        return
    systems = -(-gpus // hw.gpus_per_system)
    title = (
        f"{arch.name} on {gpus:,} GPUs ({systems:,} x {hw.system_id}, {par.precision}); "
        f"{parallel_label(used)}"
    )
    table = Table(title=title, show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("verdict", pred.verdict)
    table.add_row("step time", f"{_fmt(pred.step_s, 3)} s")
    table.add_row("tokens/s/GPU", _fmt(pred.tokens_per_s_per_gpu, 0))
    table.add_row("model TFLOP/s/GPU (causal)", _fmt(pred.model_tflops_per_gpu, 1))
    table.add_row("model TFLOP/s/GPU (full attn.)", _fmt(pred.model_tflops_full_per_gpu, 1))
    table.add_row("hardware TFLOP/s/GPU", _fmt(pred.hw_tflops_per_gpu, 1))
    table.add_row(
        "MFU / HFU (causal)",
        f"{_fmt((pred.mfu or 0) * 100, 1)} % / {_fmt((pred.hfu or 0) * 100, 1)} %",
    )
    for key, value in pred.time_breakdown_s.items():
        table.add_row(f"  {key.removesuffix('_s')}", f"{value:.3f} s")
    for key, value in pred.memory_bytes.items():
        table.add_row(f"  memory {key.removesuffix('_bytes')}", f"{value / 1e9:.1f} GB")
    console.print(table)


def _infer_config(
    gpus: int, tp: int, pp: int, ep: int, attn_dp: bool, **rest: Any
) -> InferenceConfig:
    """The instance config, with one-line errors naming the option that breaks the layout."""
    instance = max(tp, ep) * pp
    if gpus and gpus != instance:
        raise InputError(
            f"one instance with --tp {tp} --pp {pp} --ep {ep} has max(tp, ep)·pp = {instance} "
            "GPUs; leave --gpus out, or run gpus / that many instances (the figures are per "
            "instance)",
            field="--gpus",
            value=gpus,
        )
    if attn_dp and ep <= tp:
        raise InputError(
            "attention data parallelism needs --ep larger than --tp (ep/tp attention ranks)",
            field="--attn-dp",
            value=f"tp={tp} ep={ep}",
        )
    return InferenceConfig(gpus=instance, tp=tp, pp=pp, ep=ep, attn_dp=attn_dp, **rest)


@app.command("infer")
def infer(
    model: ModelOpt,
    system: SystemOpt,
    gpus: Annotated[
        int,
        typer.Option(
            "--gpus",
            "-n",
            parser=_degree("--gpus", minimum=0),
            help="GPUs of one instance (0: max(tp, ep)·pp; must equal it when given).",
        ),
    ] = 0,
    tp: Annotated[int, typer.Option(parser=_degree("--tp"))] = 1,
    pp: Annotated[int, typer.Option(parser=_degree("--pp"))] = 1,
    ep: Annotated[int, typer.Option(parser=_degree("--ep"))] = 1,
    attn_dp: Annotated[
        bool, typer.Option("--attn-dp", help="Attention data-parallel (implied by ep > tp).")
    ] = False,
    precision: Annotated[str, typer.Option(help="bf16|fp8|fp4")] = "fp8",
    isl: Annotated[
        int,
        typer.Option(parser=whole_number("--isl", maximum=10**7), help="Input tokens per request."),
    ] = 1024,
    osl: Annotated[
        int,
        typer.Option(
            parser=whole_number("--osl", maximum=10**7), help="Output tokens per request."
        ),
    ] = 256,
    rate: Annotated[
        float | None,
        typer.Option(parser=real_number("--rate", above=0.0), help="Requests/s per instance."),
    ] = None,
    ttft_limit: Annotated[
        float,
        typer.Option(
            parser=quantity_option("--ttft-limit", "time_s", example="'2 s' or 2 (seconds)"),
            help="p99 TTFT limit: '2 s', '500 ms' (a bare number is seconds).",
        ),
    ] = 2.0,
    tpot_limit: Annotated[
        float,
        typer.Option(
            parser=quantity_option("--tpot-limit", "time_s", example="'40 ms' or 0.04 (seconds)"),
            help="p99 TPOT limit: '40 ms' (a bare number is seconds).",
        ),
    ] = 0.2,
    calibration: CalibrationOpt = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Predict serving: KV capacity, max-batch throughput, server rate under latency limits."""
    arch = resolve_model(model)
    hw = hardware_view(system, catalog_from(catalog))
    cfg = _infer_config(
        gpus, tp, pp, ep, attn_dp, precision=parse_precision(precision, field="--precision"),
        isl=isl, osl=osl, rate_req_per_s=rate, ttft_limit_s=ttft_limit, tpot_limit_s=tpot_limit,
    )  # fmt: skip
    pred = predict_inference(arch, hw, cfg, load_efficiency(calibration))
    if json_out:
        print_json({"model": arch.id, "system": hw.system_id, "config": cfg.model_dump(),
                    **pred.model_dump()})  # fmt: skip
        return
    layout = f"tp{tp} pp{pp} ep{ep}" + (
        f", attention DP over {pred.attn_ranks} ranks" if pred.attn_ranks > 1 else ""
    )
    table = Table(
        title=f"{arch.name} on {hw.system_id}, one instance of {pred.gpus} GPU(s): {layout}",
        show_header=False,
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("weights per GPU", f"{pred.weights_bytes_per_gpu / 1e9:.1f} GB")
    table.add_row("KV per token per GPU", f"{pred.kv_bytes_per_token_per_gpu / 1e3:.1f} kB")
    table.add_row("max batch (requests per rank)", str(pred.max_batch))
    table.add_row("decode step at max batch", f"{pred.decode_step_s * 1e3:.1f} ms")
    table.add_row("TPOT of one request alone", f"{pred.idle_tpot_s * 1e3:.2f} ms")
    table.add_row("throughput at max batch", f"{pred.max_throughput_tokens_per_s:,.0f} tok/s")
    table.add_row("server throughput (limits)", f"{pred.server_tokens_per_s:,.0f} tok/s")
    table.add_row("max request rate", f"{pred.max_rate_req_per_s:.2f} req/s")
    if pred.limit_reason:
        table.add_row("why the rate is 0", pred.limit_reason)
    if pred.ttft_s is not None:
        table.add_row("TTFT p99 at rate", f"{pred.ttft_s * 1e3:.0f} ms")
        table.add_row("TPOT mean at rate", f"{_fmt((pred.tpot_s or 0) * 1e3, 1)} ms")
        table.add_row("meets limits", "yes" if pred.meets_limits else "no")
    console.print(table)


@app.command("validate")
def validate(
    data: DataOpt = None,
    calibration: CalibrationOpt = None,
    cv: Annotated[
        bool,
        typer.Option(
            "--cv",
            help="Leave-one-source-out cross-validation: refit without each source (from the "
            "priors) and predict it; per source and overall. Takes minutes.",
        ),
    ] = False,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="With --cv: only these sources' folds (repeatable)."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(parser=whole_number("--workers", maximum=256), help="--cv folds at once."),
    ] = 1,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Predict every row of measurement CSVs and report the error per row and per kind."""
    rows, bad = _read_data(data)
    cat = catalog_from(catalog)
    if cv:
        _cross_validate(rows, cat, source, workers, json_out)
        return
    eff = load_efficiency(calibration)
    with progress_bar("validate", 0) as progress:
        task = progress.add_task("rows", total=len(rows))
        results = validate_rows(rows, eff, cat, lambda: progress.advance(task), bad)
    summary = summarize(results)
    if json_out:
        print_json({"rows": [r.to_dict() for r in results], "summary": summary})
        return
    names = " + ".join(p.name for p in (data or DEFAULT_DATA))
    _print_wide(validate_table(f"perf validate: {names}", results))
    for kind, s in summary.items():
        console.print(summary_line(kind, s), soft_wrap=True)


def _cross_validate(
    rows: list[ReferenceRow], cat: Catalog, sources: list[str] | None, workers: int, json_out: bool
) -> None:
    known = list(dict.fromkeys(r.group for r in rows))
    for name in sources or []:
        if name not in known:
            raise InputError(
                f"no such source; use one of {', '.join(known)}", field="--source", value=name
            )
    names = sources or known
    runner = make_executor("local", workers=workers)
    try:
        with progress_bar("cross-validate", 0) as progress:
            task = progress.add_task(f"{len(names)} folds", total=len(names))
            folds = cross_validate(
                rows, load_priors(), cat, sources=names, mapper=runner.map,
                on_fold=lambda f: progress.update(task, advance=1, description=f"done: {f.source}"),
            )  # fmt: skip
    finally:
        runner.close()
    held = [r for f in folds for r in f.results]
    per_source = {f.source: summarize(f.results) for f in folds}
    overall = summarize(held)
    if json_out:
        print_json({"folds": [{"source": f.source, "summary": per_source[f.source],
                               "rows": [r.to_dict() for r in f.results]} for f in folds],
                    "summary": overall})  # fmt: skip
        return
    _print_wide(cv_table(folds, per_source))
    for kind, s in overall.items():
        console.print("held out " + summary_line(kind, s), soft_wrap=True)


def _check_writable(target: Path) -> None:
    """OutputError now, before minutes of fitting, when ``target`` cannot be written."""
    folder = target.parent
    if target.is_dir():
        raise OutputError("is a directory; give a file name", file=target, field="--out")
    if not folder.is_dir():
        raise OutputError("its folder does not exist", file=target, field="--out")
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError("cannot write there (permission denied)", file=target, field="--out")
    try:  # the result is written atomically beside the target: probe that folder now
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".rackwright-probe-"):
            pass
    except OSError as exc:
        raise OutputError(
            f"cannot write there: {exc.strerror or exc}", file=target, field="--out"
        ) from None


@app.command("calibrate")
def calibrate(
    data: DataOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the TOML.")] = None,
    calibration: Annotated[
        Path | None,
        typer.Option("--calibration", help="Start from this calibration (default: the priors)."),
    ] = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Fit efficiency parameters to measurement CSVs and write a calibration TOML."""
    target = out or Path("perf-calibration.toml")
    _check_writable(target)
    _calibrate(data, target, calibration, catalog, json_out)


def _calibrate(
    data: list[Path] | None,
    target: Path,
    calibration: Path | None,
    catalog: CatalogFiles,
    json_out: bool,
) -> None:
    rows, bad = _read_data(data)
    for row in bad:
        typer.echo(f"skipped {row.id}: {row.reason}", err=True)
    start = load_efficiency(calibration) if calibration else load_priors()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    names = " + ".join(path.name for path in (data or DEFAULT_DATA))
    note = f"fit by rackwright perf calibrate on {names} at {when}"
    cat = catalog_from(catalog)
    with progress_bar("calibrate", 44) as progress:
        eff = fit_efficiency(rows, start, note, cat, fit_progress(progress))
    header = (
        "rackwright performance-model efficiency parameters.\n"
        f"Fitted parameters: {note} (confidence E; their sources are the rows used).\n"
        "Others: priors. Procedure: rackwright.perf.calibrate module docstring."
    )
    write_text_atomic(target, render_efficiency(eff, header, complete=True))
    changed = fitted_params(start, eff)
    summary = summarize(validate_rows(rows, eff, cat, unreadable=bad))
    if json_out:
        print_json({"out": str(target), "fitted": {k: p.value for k, p in changed.items()},
                    "summary": summary})  # fmt: skip
        return
    console.print(f"wrote {target}: {len(changed)} parameters fitted on {len(rows)} rows")
    for kind, s in summary.items():
        console.print(summary_line(kind, s), soft_wrap=True)


@app.command("microbench")
def microbench(
    out: Annotated[Path, typer.Option("--out", help="Where to write the calibration TOML.")],
    system: Annotated[
        str, typer.Option("--system", "-s", help="Catalog system of this GPU.")
    ] = "dgx-h100",
    precision: Annotated[
        list[str] | None, typer.Option("--precision", help="GEMM precisions.")
    ] = None,
    catalog: CatalogFiles = None,
) -> None:
    """Measure GEMM, attention and copy rates on the local CUDA GPU (needs PyTorch)."""
    from rackwright.perf.microbench import TorchBackend, measure, to_efficiency

    backend = TorchBackend()
    hw = hardware_view(system, catalog_from(catalog))
    precs = (
        [parse_precision(p, field="--precision") for p in precision]
        if precision
        else ([Precision.BF16] + ([Precision.FP8] if hw.fp8_flops_per_s else []))
    )
    with progress_bar("microbench", 10) as progress:
        task = progress.add_task("GEMM sweeps", total=len(precs))
        meas = measure(backend, precs, lambda: progress.advance(task))
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    eff = to_efficiency(meas, hw, when)
    write_text_atomic(
        out, render_efficiency(eff, f"perf microbench on {meas.device_name} ({system})")
    )
    console.print(f"wrote {out}: {len(eff.params)} parameters")
