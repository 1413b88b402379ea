"""``rackwright perf``: LLM training and inference performance, calibration and validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from rackwright.cli.common import CatalogFiles, JsonFlag, catalog_from, console, print_json
from rackwright.cli.inputs import CalibrationFileOpt
from rackwright.errors import InputError
from rackwright.fileio import write_text_atomic
from rackwright.perf.calibrate import calibrate as fit_efficiency
from rackwright.perf.calibrate import fitted_params
from rackwright.perf.efficiency import load_efficiency, load_priors, render_efficiency
from rackwright.perf.hardware import hardware_view
from rackwright.perf.inference import InferenceConfig, predict_inference
from rackwright.perf.models import load_models, resolve_model
from rackwright.perf.reference import packaged_calibration_csv, read_reference
from rackwright.perf.training import ParallelConfig, predict_training
from rackwright.perf.validate import summarize, validate_rows
from rackwright.precision import Precision, parse_precision

app = typer.Typer(
    no_args_is_help=True,
    help="LLM performance model: training step time and memory, inference throughput and latency, "
    "calibration against published measurements.",
)

DEFAULT_DATA = packaged_calibration_csv()
DATA_HELP = (
    "CSV in calibration.csv's schema (default: the published calibration rows shipped with "
    "rackwright, rackwright/perf/data/calibration.csv)."
)
DataOpt = Annotated[Path, typer.Option("--data", help=DATA_HELP, show_default=False)]
ModelOpt = Annotated[str, typer.Option("--model", "-m", help="Model id or a model TOML path.")]
SystemOpt = Annotated[str, typer.Option("--system", "-s", help="Catalog system id.")]


def _print_wide(table: Table) -> None:
    """Print a table without wrapping ids, even when stdout is a narrow pipe."""
    wide = Console(highlight=False, width=max(console.width, 160))
    wide.print(table)


def _summary_line(kind: str, s: dict[str, Any]) -> str:
    return (
        f"{kind}: n={s['n']}  MAPE {_fmt(s['mape_pct'], 2)} %  "
        f"worst {_fmt(s['max_abs_pct'], 1)} %  unsupported {s['unsupported']}"
    )


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


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
                "attention": m.attention,
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
        table.add_row(
            r["id"], r["name"], str(r["layers"]), str(r["hidden"]), r["attention"], experts,
            f"{r['total_params'] / 1e9:.1f}", f"{r['active_params'] / 1e9:.1f}",
        )  # fmt: skip
    _print_wide(table)


@app.command("train")
def train(
    model: ModelOpt,
    system: SystemOpt,
    gpus: Annotated[int, typer.Option("--gpus", "-n", min=1)],
    gbs: Annotated[int, typer.Option("--gbs", min=1, help="Global batch (sequences).")],
    tp: Annotated[int, typer.Option(min=1)] = 1,
    pp: Annotated[int, typer.Option(min=1)] = 1,
    vpp: Annotated[int, typer.Option(min=1, help="Virtual stages per pipeline rank.")] = 1,
    cp: Annotated[int, typer.Option(min=1)] = 1,
    ep: Annotated[int, typer.Option(min=1)] = 1,
    dp: Annotated[int, typer.Option(min=0, help="0: gpus / (tp·pp·cp).")] = 0,
    zero: Annotated[str, typer.Option(help="none|1|2|3|fsdp|distopt")] = "distopt",
    mbs: Annotated[int, typer.Option(min=1)] = 1,
    recompute: Annotated[str, typer.Option(help="none|selective|full")] = "selective",
    precision: Annotated[str, typer.Option(help="bf16|fp16|fp8|fp4")] = "bf16",
    sp: Annotated[bool, typer.Option("--sp/--no-sp", help="Sequence parallelism.")] = True,
    overlap: Annotated[bool, typer.Option("--overlap/--no-overlap")] = True,
    uneven: Annotated[
        bool, typer.Option("--uneven-pipeline", help="Allow L % (pp·vpp) ≠ 0.")
    ] = False,
    seq: Annotated[int, typer.Option(min=0, help="Sequence length (0: model default).")] = 0,
    calibration: CalibrationFileOpt = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Predict one training step: time, throughput, MFU and memory per GPU."""
    if zero not in {"none", "1", "2", "3", "fsdp", "distopt"}:
        raise InputError("use one of none, 1, 2, 3, fsdp, distopt", field="--zero", value=zero)
    if recompute not in {"none", "selective", "full"}:
        raise InputError("use one of none, selective, full", field="--recompute", value=recompute)
    arch = resolve_model(model)
    hw = hardware_view(system, catalog_from(catalog))
    par = ParallelConfig(
        gpus=gpus, tp=tp, pp=pp, vpp=vpp, cp=cp, ep=ep, dp=dp, zero=zero,
        gbs=gbs, mbs=mbs, seq=seq, recompute=recompute,
        sp=sp, overlap=overlap, uneven_pipeline=uneven,
        precision=parse_precision(precision, field="--precision"),
    )  # fmt: skip
    pred = predict_training(arch, hw, par, load_efficiency(calibration))
    if json_out:
        print_json({"model": arch.id, "system": hw.system_id, "parallel": par.model_dump(),
                    **pred.model_dump()})  # fmt: skip
        return
    table = Table(title=f"{arch.name} on {gpus} × {hw.system_id} ({precision})", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("verdict", pred.verdict)
    table.add_row("step time", f"{_fmt(pred.step_s, 3)} s")
    table.add_row("tokens/s/GPU", _fmt(pred.tokens_per_s_per_gpu, 0))
    table.add_row("model TFLOP/s/GPU", _fmt(pred.model_tflops_per_gpu, 1))
    table.add_row("hardware TFLOP/s/GPU", _fmt(pred.hw_tflops_per_gpu, 1))
    table.add_row(
        "MFU / HFU", f"{_fmt((pred.mfu or 0) * 100, 1)} % / {_fmt((pred.hfu or 0) * 100, 1)} %"
    )
    for key, value in pred.time_breakdown_s.items():
        table.add_row(f"  {key.removesuffix('_s')}", f"{value:.3f} s")
    for key, value in pred.memory_bytes.items():
        table.add_row(f"  memory {key.removesuffix('_bytes')}", f"{value / 1e9:.1f} GB")
    console.print(table)


@app.command("infer")
def infer(
    model: ModelOpt,
    system: SystemOpt,
    gpus: Annotated[int, typer.Option("--gpus", "-n", min=1, help="GPUs of one instance.")] = 1,
    tp: Annotated[int, typer.Option(min=1)] = 1,
    pp: Annotated[int, typer.Option(min=1)] = 1,
    ep: Annotated[int, typer.Option(min=1)] = 1,
    attn_dp: Annotated[bool, typer.Option("--attn-dp", help="Attention data-parallel.")] = False,
    precision: Annotated[str, typer.Option(help="bf16|fp8|fp4")] = "fp8",
    isl: Annotated[int, typer.Option(min=1, help="Input tokens per request.")] = 1024,
    osl: Annotated[int, typer.Option(min=1, help="Output tokens per request.")] = 256,
    rate: Annotated[float | None, typer.Option(min=0.0, help="Requests/s per instance.")] = None,
    ttft_limit: Annotated[float, typer.Option(help="p99 TTFT limit, s.")] = 2.0,
    tpot_limit: Annotated[float, typer.Option(help="p99 TPOT limit, s.")] = 0.2,
    calibration: CalibrationFileOpt = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Predict serving: KV capacity, max-batch throughput, server rate under latency limits."""
    arch = resolve_model(model)
    hw = hardware_view(system, catalog_from(catalog))
    cfg = InferenceConfig(
        gpus=gpus, tp=tp, pp=pp, ep=ep, attn_dp=attn_dp,
        precision=parse_precision(precision, field="--precision"), isl=isl, osl=osl,
        rate_req_per_s=rate or None, ttft_limit_s=ttft_limit, tpot_limit_s=tpot_limit,
    )  # fmt: skip
    pred = predict_inference(arch, hw, cfg, load_efficiency(calibration))
    if json_out:
        print_json({"model": arch.id, "system": hw.system_id, "config": cfg.model_dump(),
                    **pred.model_dump()})  # fmt: skip
        return
    table = Table(title=f"{arch.name} on {hw.system_id}, instance of {cfg.gpus} GPU(s)",
                  show_header=False)  # fmt: skip
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("weights per GPU", f"{pred.weights_bytes_per_gpu / 1e9:.1f} GB")
    table.add_row("KV per token per GPU", f"{pred.kv_bytes_per_token_per_gpu / 1e3:.1f} kB")
    table.add_row("max batch (requests)", str(pred.max_batch))
    table.add_row("decode step at max batch", f"{pred.decode_step_s * 1e3:.1f} ms")
    table.add_row("throughput at max batch", f"{pred.max_throughput_tokens_per_s:,.0f} tok/s")
    table.add_row("server throughput (limits)", f"{pred.server_tokens_per_s:,.0f} tok/s")
    table.add_row("max request rate", f"{pred.max_rate_req_per_s:.2f} req/s")
    if pred.ttft_s is not None:
        table.add_row("TTFT p99 at rate", f"{pred.ttft_s * 1e3:.0f} ms")
        table.add_row("TPOT mean at rate", f"{_fmt((pred.tpot_s or 0) * 1e3, 1)} ms")
        table.add_row("meets limits", "yes" if pred.meets_limits else "no")
    console.print(table)


@app.command("validate")
def validate(
    data: DataOpt = DEFAULT_DATA,
    calibration: CalibrationFileOpt = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Predict every row of a measurement CSV and report the error per row and per kind."""
    rows = read_reference(data)
    eff = load_efficiency(calibration)
    cat = catalog_from(catalog)
    if json_out:
        results = validate_rows(rows, eff, cat)
    else:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("predicting", total=len(rows))
            results = validate_rows(rows, eff, cat, lambda: progress.advance(task))
    summary = summarize(results)
    if json_out:
        print_json({"rows": [r.to_dict() for r in results], "summary": summary})
        return
    table = Table(title=f"perf validate: {data}")
    for col in ("id", "kind", "metric", "measured", "predicted", "error %", "status"):
        table.add_column(
            col, justify="right" if col in {"measured", "predicted", "error %"} else "left"
        )
    for r in results:
        table.add_row(
            r.id, r.kind, r.metric, _fmt(r.measured), _fmt(r.predicted),
            _fmt(r.error_pct, 1),
            (f"ok, {r.layout}" if r.layout else "ok")
            if r.status == "ok" else f"{r.status}: {r.reason}",
        )  # fmt: skip
    _print_wide(table)
    for kind, s in summary.items():
        console.print(_summary_line(kind, s))


@app.command("calibrate")
def calibrate(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help=DATA_HELP + " Repeat to fit on several."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the TOML.")] = None,
    calibration: Annotated[
        Path | None,
        typer.Option("--calibration", help="Start from this calibration (default: the priors)."),
    ] = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Fit efficiency parameters to a measurement CSV and write a calibration TOML."""
    files = data or [DEFAULT_DATA]
    rows = [row for path in files for row in read_reference(path)]
    start = load_efficiency(calibration) if calibration else load_priors()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    names = " + ".join(path.name for path in files)
    note = f"fit by rackwright perf calibrate on {names} at {when}"
    cat = catalog_from(catalog)
    with Progress(console=console, transient=True, disable=json_out) as progress:
        task = progress.add_task("fitting", total=None)
        eff = fit_efficiency(rows, start, note, cat, lambda: progress.advance(task))
    target = out or Path("perf-calibration.toml")
    header = (
        "rackwright performance-model efficiency parameters.\n"
        f"Fitted parameters: {note} (confidence E; their sources are the rows used).\n"
        "Others: priors. Procedure: rackwright.perf.calibrate module docstring."
    )
    write_text_atomic(target, render_efficiency(eff, header))
    changed = fitted_params(start, eff)
    summary = summarize(validate_rows(rows, eff, cat))
    if json_out:
        print_json({"out": str(target), "fitted": {k: p.value for k, p in changed.items()},
                    "summary": summary})  # fmt: skip
        return
    console.print(f"wrote {target}: {len(changed)} parameters fitted on {len(rows)} rows")
    for kind, s in summary.items():
        console.print(_summary_line(kind, s))


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
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("measuring", total=len(precs))
        meas = measure(backend, precs, lambda: progress.advance(task))
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    eff = to_efficiency(meas, hw, when)
    write_text_atomic(
        out, render_efficiency(eff, f"perf microbench on {meas.device_name} ({system})")
    )
    console.print(f"wrote {out}: {len(eff.params)} parameters")
