"""Published measurements in calibration.csv's schema: parsing rows into model, system and layout.

Blank cells take documented defaults: vpp, cp, ep, mbs 1; zero blank means Megatron-Core's
distributed optimizer (the NeMo/Megatron-Bridge default; their "DDP" is Megatron-Core's DDP
wrapper, which runs with it too; only "none" means no sharding); recompute unknown means selective
with sequence parallelism (what Megatron-Core/NeMo recipes run), or full recompute when selective
would not fit in memory (the run evidently fit); MLA ranks, when the row names an MLA model without
them, are DeepSeek-V3's; MLPerf Llama-2-70B rows without isl/osl use the benchmark's documented
OpenOrca subset (MLPerf inference rules, mlcommons/inference_policies inference_rules.adoc, and
mlcommons/inference language/llama2-70b/README.md: 24,576 samples, inputs capped at 1,024 tokens,
reference output 294.45 tokens per sample; the input mean 294 is A-perf-mlperf-orca's, the v5.0
logs' tokens/s ÷ samples/s gives about 272 output tokens); other inference rows without them are
unsupported (isl/osl 0): the Llama-3.1-405B benchmark (a subset of LongBench, LongDataCollections,
RULER and GovReport, 8,313 samples, reference output 684.68 tokens per sample per
language/llama3.1-405b/README.md) documents no input-length mean. An inference row without a
precision gets the one an MLPerf submitter would pick (see validate.resolved_precision). A
layer count not divisible by pp·vpp means the run
used an uneven (custom) pipeline layout, as Megatron-Bridge's DeepSeek-V3 recipe does. MLPerf
Inference rows: one instance has ``tp`` GPUs and the system runs ``dp`` instances; when the row
gives neither, the validator picks the layout a submitter would (see validate.predict_row). Flash
attention: an optional ``flash`` column (0/1) wins; otherwise the 2021-22 Megatron-LM papers
(Narayanan 2021, Korthikanti 2022: sources naming them) ran without it and every later source
(NeMo, Megatron-Bridge, MLPerf, llm-foundry, which uses a fused attention kernel) with it.
Architecture features the columns cannot express (a sliding attention window) come from the
shipped models.toml entry with the same layers, hidden, heads and experts, when there is one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rackwright.errors import InputError
from rackwright.perf.models import ModelArch, load_models
from rackwright.perf.training import ParallelConfig
from rackwright.precision import Precision, parse_precision

TRAIN_METRICS = {
    "iter_time", "step_time", "hw_tflops_per_gpu", "tflops_per_gpu", "tokens_per_s_per_gpu",
}  # fmt: skip
INFER_METRICS = {"offline_tokens_per_s", "server_tokens_per_s", "output_tokens_per_s_per_gpu"}
MLPERF_ORCA_TOKENS = (294, 294)  # (input, output) tokens per request; see the module docstring
ZERO_MAP = {
    "": "distopt", "none": "none", "ddp": "distopt", "zero-1": "1", "zero-2": "2", "zero-3": "3",
    "fsdp": "fsdp", "distributed optimizer": "distopt", "distopt": "distopt",
}  # fmt: skip
UNFUSED_ATTENTION_SOURCES = ("korthikanti", "narayanan")
REQUIRED = ("id", "kind", "system", "gpus", "layers", "hidden", "heads", "ffn", "vocab", "metric",
            "value")  # fmt: skip


@dataclass(frozen=True)
class ReferenceRow:
    """One measured result, parsed."""

    id: str
    kind: str
    source: str
    system: str
    gpus: int
    model: ModelArch
    metric: str
    value: float
    parallel: ParallelConfig | None  # training rows
    tp: int
    ep: int
    dp: int
    precision: Precision  # bf16 when the row states none (precision_given False)
    precision_given: bool
    recompute_known: bool
    layout_given: bool  # inference: the row states tp or dp
    isl: int
    osl: int
    line: int


def packaged_calibration_csv() -> Path:
    """The published calibration rows shipped with the package (perf/data/calibration.csv).

    An unchanged copy of the project's shared ``data/perf/calibration.csv``; every row's sources
    are in its ``source`` and ``notes`` columns and in that folder's README (Megatron-LM papers,
    MLPerf Training v4.0 / Inference v4.1 logs, NeMo and Megatron-Bridge performance tables).
    """
    return Path(str(resources.files("rackwright.perf.data").joinpath("calibration.csv")))


def _int(row: dict[str, str], key: str, default: int, path: Path, line: int) -> int:
    text = (row.get(key) or "").strip()
    if not text:
        return default
    try:
        return int(float(text))
    except ValueError:
        raise InputError("expected a number", file=path, line=line, field=key, value=text) from None


def _model(row: dict[str, str], path: Path, line: int) -> ModelArch:
    def n(key: str, default: int = 0) -> int:
        return _int(row, key, default, path, line)

    attention = (row.get("attention") or "mha").strip() or "mha"
    mla = attention == "mla"
    experts = n("experts")
    window, window_layers = n("window"), n("window_layers")
    if not window:
        for known in load_models().values():
            shape = (n("layers"), n("hidden"), n("heads"), experts)
            if shape == (known.layers, known.hidden, known.heads, known.experts) and (
                known.attn_window
            ):
                window, window_layers = known.attn_window, known.window_layers
    return ModelArch(
        id="row-" + "".join(c if c.isalnum() else "-" for c in row["id"].lower()),
        name=row.get("model") or row["id"],
        layers=n("layers"),
        hidden=n("hidden"),
        heads=n("heads"),
        kv_heads=0 if mla else n("kv_heads"),
        head_dim=0 if mla else n("head_dim"),
        ffn=n("ffn"),
        gated_mlp=n("gated_mlp") == 1,
        vocab=n("vocab"),
        tied_embeddings=False,
        seq=n("seq", 2048),
        attention=attention,
        q_lora_rank=1536 if mla else 0,
        kv_lora_rank=512 if mla else 0,
        qk_rope_dim=64 if mla else 0,
        qk_nope_dim=128 if mla else 0,
        v_head_dim=128 if mla else 0,
        experts=experts,
        topk=n("topk"),
        moe_ffn=n("moe_ffn"),
        shared_experts=n("shared_experts"),
        dense_layers=n("dense_layers"),
        attn_window=window,
        window_layers=window_layers,
    )


def _flash(row: dict[str, str], path: Path, line: int) -> bool:
    """Whether the run used a fused (flash) attention kernel; see the module docstring."""
    if (row.get("flash") or "").strip():
        return _int(row, "flash", 1, path, line) == 1
    source = (row.get("source") or "").lower()
    return not any(name in source for name in UNFUSED_ATTENTION_SOURCES)


def read_reference(path: Path) -> list[ReferenceRow]:
    """Every row of a calibration.csv-style file; malformed cells name file, line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError("missing column", file=path, line=1, field=missing[0])
    rows: list[ReferenceRow] = []
    for index, row in enumerate(reader):
        line = index + 2
        kind = (row.get("kind") or "").strip()
        if kind not in {"train", "infer"}:
            raise InputError(
                "kind must be train or infer", file=path, line=line, field="kind", value=kind
            )
        try:
            value = float(row["value"])
        except ValueError:
            raise InputError(
                "expected a number", file=path, line=line, field="value", value=row["value"]
            ) from None
        try:
            model = _model(row, path, line)
        except ValueError as exc:
            raise InputError(
                f"bad model columns: {exc}".splitlines()[0],
                file=path,
                line=line,
                field="model",
                value=row.get("model"),
            ) from None
        gpus = _int(row, "gpus", 1, path, line)
        tp, pp = _int(row, "tp", 1, path, line), _int(row, "pp", 1, path, line)
        cp, ep = _int(row, "cp", 1, path, line), _int(row, "ep", 1, path, line)
        dp = _int(row, "dp", 0, path, line)
        precision = parse_precision(
            (row.get("precision") or "").strip() or "bf16",
            file=str(path),
            line=line,
            field="precision",
        )
        parallel = None
        if kind == "train":
            zero_text = (row.get("zero") or "").strip().lower()
            if zero_text not in ZERO_MAP:
                raise InputError(
                    f"unknown zero; use one of {', '.join(k for k in ZERO_MAP if k)}",
                    file=path,
                    line=line,
                    field="zero",
                    value=zero_text,
                )
            rec_text = (row.get("recompute") or "").strip().lower()
            recompute = (
                "full" if rec_text == "full" else ("none" if rec_text == "none" else "selective")
            )
            sp = rec_text != "full" and tp > 1
            vpp_n = _int(row, "vpp", 1, path, line)
            parallel = ParallelConfig(
                gpus=gpus, tp=tp, pp=pp, vpp=_int(row, "vpp", 1, path, line), cp=cp, ep=ep,
                dp=dp, zero=ZERO_MAP[zero_text],
                gbs=_int(row, "gbs", 1, path, line), mbs=_int(row, "mbs", 1, path, line),
                seq=model.seq, recompute=recompute,
                sp=sp, flash=_flash(row, path, line),
                precision=precision, uneven_pipeline=model.layers % (pp * vpp_n) != 0,
            )  # fmt: skip
        # the OpenOrca means apply to MLPerf's Llama-2-70B only; other rows must state lengths
        orca = (model.layers, model.hidden, model.vocab) == (80, 8192, 32000)
        isl = _int(row, "isl", MLPERF_ORCA_TOKENS[0] if orca else 0, path, line)
        osl = _int(row, "osl", MLPERF_ORCA_TOKENS[1] if orca else 0, path, line)
        rows.append(
            ReferenceRow(
                id=row["id"],
                kind=kind,
                source=row.get("source", ""),
                system=row["system"].strip(),
                gpus=gpus,
                model=model,
                metric=row["metric"].strip(),
                value=value,
                parallel=parallel,
                tp=tp,
                ep=ep,
                dp=dp,
                precision=precision,
                precision_given=bool((row.get("precision") or "").strip()),
                recompute_known=(row.get("recompute") or "").strip().lower()
                in {"none", "full", "selective", "selective+sp"},
                layout_given=bool((row.get("tp") or "").strip() or (row.get("dp") or "").strip()),
                isl=isl,
                osl=osl,
                line=line,
            )
        )
    return rows
