"""Published measurements in calibration.csv's schema: parsing rows into model, system and layout.

A file that cannot be read at all (missing, a directory, not UTF-8 text, no header, no rows) is a
one-line InputError. A row that cannot be read (a bad number, a layout that contradicts itself,
``gpus`` = 0) is kept as an ``UnreadableRow`` with its reason, so the other rows still run.

Blank cells take documented defaults: vpp, cp, ep, mbs 1 (a blank vpp with pp > 1 is reported as
the value used, since the source did not state it); zero blank means Megatron-Core's distributed
optimizer (the NeMo/Megatron-Bridge default; their "DDP" is Megatron-Core's DDP wrapper, which
runs with it too; only "none" means no sharding); recompute unknown means selective with sequence
parallelism (what Megatron-Core/NeMo recipes run), or full recompute when selective would not fit
in memory (the run evidently fit); MLA ranks, when the row names an MLA model without them, are
DeepSeek-V3's; MLPerf Llama-2-70B rows without isl/osl use the benchmark's documented OpenOrca
subset (MLPerf inference rules, mlcommons/inference_policies inference_rules.adoc, and
mlcommons/inference language/llama2-70b/README.md: 24,576 samples, inputs capped at 1,024 tokens,
reference output 294.45 tokens per sample; the input mean 294 is A-perf-mlperf-orca's, the v5.0
logs' tokens/s ÷ samples/s gives about 272 output tokens); other inference rows without them are
unsupported (isl/osl 0): the Llama-3.1-405B benchmark (a subset of LongBench, LongDataCollections,
RULER and GovReport, 8,313 samples, reference output 684.68 tokens per sample per
language/llama3.1-405b/README.md) documents no input-length mean. An inference row without a
precision gets the one an MLPerf submitter would pick (see validate.resolved_precision). A layer
count not divisible by pp·vpp means the run used an uneven (custom) pipeline layout, as
Megatron-Bridge's DeepSeek-V3 recipe does.

Inference layout: ``tp``·``pp``·``dp`` = ``gpus``, where ``dp`` counts attention data-parallel
ranks over the whole row; an instance spans max(tp, ep)·pp GPUs and the row runs gpus / that many
instances. MLPerf's "4 instances TP2" is tp=2, dp=4; TensorRT-LLM's "DEP4" (attention DP and
expert parallelism over 4 GPUs) is ep=4, dp=4, tp blank. A row with neither tp nor dp gets the
layout a submitter would pick (see validate.predict_row).

Optional columns (blank = the default): ``flash`` 0/1 (otherwise the 2021-22 Megatron-LM papers,
Narayanan 2021 and Korthikanti 2022, ran without a fused attention kernel and every later source
with one); ``fabric`` (infiniband | roce: the scale-out fabric the source names, when the catalog
system's differs); ``cp_comm`` (p2p | allgather); ``max_batch`` (running requests per attention
rank); ``requests`` (requests in the benchmark run, e.g. trtllm-bench's dataset size: a run of N
requests never holds more than N at once); ``kv_precision`` (the KV-cache dtype);
``expert_precision`` (the routed experts' weight format when it differs from the GEMM precision,
e.g. gpt-oss's MXFP4 experts); ``ttft_limit`` / ``tpot_limit`` (latency limits of a server row, with
units: "2 s", "200 ms"); ``flops`` (full | causal: the attention accounting of a TFLOP/s metric;
full, Megatron-LM's, when blank); ``window`` / ``window_layers`` (a sliding attention window;
otherwise taken from the shipped models.toml entry with the same layers, hidden, heads and experts);
``head_dim`` for MLA rows is ignored.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from rackwright.errors import InputError, RackwrightError
from rackwright.perf.models import ModelArch, load_models
from rackwright.perf.training import ParallelConfig
from rackwright.precision import Precision, parse_precision
from rackwright.units import parse_quantity

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
# publications released in versions: every release is one source for cross-validation
SOURCE_FAMILIES = ("Megatron-Bridge", "TensorRT-LLM perf overview")


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
    pp: int = 1
    vpp_given: bool = True
    fabric: str = ""
    max_batch: int = 0
    requests: int = 0  # requests in the measured run (0: not stated, unbounded)
    kv_bytes: float = 0.0
    expert_weight_bytes: float = 0.0
    ttft_limit_s: float = 2.0
    tpot_limit_s: float = 0.2
    flops_full: bool = True

    @property
    def group(self) -> str:
        """The publication the row was read from (the unit of leave-one-source-out checks)."""
        return source_group(self.source)


@dataclass(frozen=True)
class UnreadableRow:
    """A row of a measurement file that could not be read, and why."""

    id: str
    kind: str
    metric: str
    line: int
    reason: str


@dataclass(frozen=True)
class ReferenceFile:
    """The readable rows of a measurement file and the ones it could not read."""

    rows: tuple[ReferenceRow, ...]
    unreadable: tuple[UnreadableRow, ...]


def source_group(source: str) -> str:
    """The publication a ``source`` cell names: its text before any parenthesis, without a table
    reference or a "perf summary" suffix; releases of SOURCE_FAMILIES count as one."""
    for family in SOURCE_FAMILIES:
        if source.startswith(family):
            return family
    text = source.split("(")[0]
    text = re.sub(r"\s+(Tab(le)?\s*\d+|perf(ormance)? summary).*$", "", text.strip())
    return text.strip() or "unnamed source"


def packaged_calibration_csv() -> Path:
    """The published calibration rows shipped with the package (perf/data/calibration.csv).

    An unchanged copy of the project's shared ``data/perf/calibration.csv``; every row's sources
    are in its ``source`` and ``notes`` columns and in that folder's README (Megatron-LM papers,
    MLPerf Training v4.0 / Inference v4.1 logs, NeMo and Megatron-Bridge performance tables).
    """
    return Path(str(resources.files("rackwright.perf.data").joinpath("calibration.csv")))


def packaged_extra_csv() -> Path:
    """The further published rows shipped with the package (perf/data/calibration_extra.csv;
    its sources are described in perf/data/calibration_extra.md)."""
    return Path(str(resources.files("rackwright.perf.data").joinpath("calibration_extra.csv")))


class _Cells:
    """One CSV row's cells, with typed readers that name the file, line and column on error."""

    def __init__(self, row: dict[str, str], path: Path, line: int):
        self.row, self.path, self.line = row, path, line

    def text(self, key: str) -> str:
        return (self.row.get(key) or "").strip()

    def error(self, message: str, key: str, value: object) -> InputError:
        return InputError(message, file=self.path, line=self.line, field=key, value=value)

    def int(self, key: str, default: int, minimum: int = 0) -> int:
        text = self.text(key)
        if not text:
            return default
        try:
            number = float(text)
        except ValueError:
            raise self.error("expected a number", key, text) from None
        if not math.isfinite(number) or number != int(number) or number < minimum:
            raise self.error(f"expected a whole number >= {minimum}", key, text)
        return int(number)

    def seconds(self, key: str, default: float) -> float:
        text = self.text(key)
        if not text:
            return default
        value = parse_quantity(text, "time_s", field=key)
        if not (math.isfinite(value) and value > 0):
            raise self.error("expected a positive time", key, text)
        return value


def _model(c: _Cells) -> ModelArch:
    attention = c.text("attention") or "mha"
    mla = attention == "mla"
    experts = c.int("experts", 0)
    window, window_layers = c.int("window", 0), c.int("window_layers", 0)
    shape = (c.int("layers", 0), c.int("hidden", 0), c.int("heads", 0), experts)
    if not window:
        for known in load_models().values():
            if shape == (known.layers, known.hidden, known.heads, known.experts) and (
                known.attn_window
            ):
                window, window_layers = known.attn_window, known.window_layers
    try:
        return ModelArch(
            id="row-" + "".join(ch if ch.isalnum() else "-" for ch in c.text("id").lower()),
            name=c.text("model") or c.text("id"),
            layers=shape[0], hidden=shape[1], heads=shape[2],
            kv_heads=0 if mla else c.int("kv_heads", 0),
            head_dim=0 if mla else c.int("head_dim", 0),
            ffn=c.int("ffn", 0), gated_mlp=c.int("gated_mlp", 0) == 1, vocab=c.int("vocab", 0),
            tied_embeddings=False, seq=c.int("seq", 2048, 1), attention=attention,
            q_lora_rank=1536 if mla else 0, kv_lora_rank=512 if mla else 0,
            qk_rope_dim=64 if mla else 0, qk_nope_dim=128 if mla else 0,
            v_head_dim=128 if mla else 0, experts=experts, topk=c.int("topk", 0),
            moe_ffn=c.int("moe_ffn", 0), shared_experts=c.int("shared_experts", 0),
            dense_layers=c.int("dense_layers", 0), attn_window=window,
            window_layers=window_layers,
        )  # fmt: skip
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "model"
        raise c.error(f"bad model columns: {first['msg']}", where, c.text("model")) from None


def _flash(c: _Cells) -> bool:
    """Whether the run used a fused (flash) attention kernel; see the module docstring."""
    if c.text("flash"):
        return c.int("flash", 1) == 1
    source = c.text("source").lower()
    return not any(name in source for name in UNFUSED_ATTENTION_SOURCES)


def _choice(c: _Cells, key: str, allowed: tuple[str, ...]) -> str:
    text = c.text(key).lower()
    if text and text not in allowed:
        raise c.error(f"unknown {key}; use one of {', '.join(allowed)}", key, text)
    return text


def _training_layout(c: _Cells, model: ModelArch, precision: Precision) -> ParallelConfig:
    zero_text = c.text("zero").lower()
    if zero_text not in ZERO_MAP:
        known = ", ".join(k for k in ZERO_MAP if k)
        raise c.error(f"unknown zero; use one of {known}", "zero", zero_text)
    rec_text = c.text("recompute").lower()
    recompute = "full" if rec_text == "full" else ("none" if rec_text == "none" else "selective")
    tp, pp, vpp = c.int("tp", 1, 1), c.int("pp", 1, 1), c.int("vpp", 1, 1)
    try:
        return ParallelConfig(
            gpus=c.int("gpus", 1, 1), tp=tp, pp=pp, vpp=vpp, cp=c.int("cp", 1, 1),
            ep=c.int("ep", 1, 1), dp=c.int("dp", 0), zero=ZERO_MAP[zero_text],
            gbs=c.int("gbs", 1, 1), mbs=c.int("mbs", 1, 1), seq=model.seq, recompute=recompute,
            sp=rec_text != "full" and tp > 1, flash=_flash(c), precision=precision,
            uneven_pipeline=model.layers % (pp * vpp) != 0,
            cp_comm=_choice(c, "cp_comm", ("p2p", "allgather")) or "p2p",
        )  # fmt: skip
    except ValidationError as exc:
        first = exc.errors()[0]
        raise c.error(f"bad layout: {first['msg']}", str(first["loc"][0]), None) from None


def _inference_layout(c: _Cells, gpus: int) -> tuple[int, int, int, int]:
    """(tp, pp, ep, dp) with tp·pp·dp = gpus when the row states a layout."""
    tp, pp, ep, dp = c.int("tp", 1, 1), c.int("pp", 1, 1), c.int("ep", 1, 1), c.int("dp", 0)
    if (c.text("tp") or c.text("dp")) and dp and tp * pp * dp != gpus:
        raise c.error(
            f"tp·pp·dp = {tp * pp * dp} does not equal gpus = {gpus} (dp counts attention ranks)",
            "dp",
            dp,
        )
    if max(tp, ep) * pp > gpus:
        raise c.error(f"one instance needs max(tp, ep)·pp GPUs, more than gpus = {gpus}", "ep", ep)
    return tp, pp, ep, dp


def _request_lengths(c: _Cells, model: ModelArch) -> tuple[int, int]:
    # the OpenOrca means apply to MLPerf's Llama-2-70B only; other rows must state lengths
    orca = (model.layers, model.hidden, model.vocab) == (80, 8192, 32000)
    return (
        c.int("isl", MLPERF_ORCA_TOKENS[0] if orca else 0),
        c.int("osl", MLPERF_ORCA_TOKENS[1] if orca else 0),
    )


def _row(c: _Cells) -> ReferenceRow:
    kind = c.text("kind")
    if kind not in {"train", "infer"}:
        raise c.error("kind must be train or infer", "kind", kind)
    value_text = c.text("value")
    try:
        value = float(value_text)
    except ValueError:
        raise c.error("expected a number", "value", value_text) from None
    if not (math.isfinite(value) and value > 0):
        raise c.error("expected a positive measured value", "value", value_text)
    model = _model(c)
    gpus = c.int("gpus", 1, 1)
    given = c.text("precision")
    precision = parse_precision(given or "bf16", file=str(c.path), line=c.line, field="precision")
    kv_text = c.text("kv_precision")
    kv = parse_precision(kv_text, field="kv_precision") if kv_text else None
    ex_text = c.text("expert_precision")
    experts = parse_precision(ex_text, field="expert_precision") if ex_text else None
    parallel = _training_layout(c, model, precision) if kind == "train" else None
    tp, pp, ep, dp = (
        (parallel.tp, parallel.pp, parallel.ep, parallel.dp)
        if parallel
        else _inference_layout(c, gpus)
    )
    isl, osl = _request_lengths(c, model)
    return ReferenceRow(
        id=c.text("id"), kind=kind, source=c.text("source"), system=c.text("system"), gpus=gpus,
        model=model, metric=c.text("metric"), value=value, parallel=parallel, tp=tp, ep=ep,
        dp=dp, precision=precision, precision_given=bool(given),
        recompute_known=c.text("recompute").lower()
        in {"none", "full", "selective", "selective+sp"},
        layout_given=bool(c.text("tp") or c.text("dp")), isl=isl, osl=osl, line=c.line, pp=pp,
        vpp_given=bool(c.text("vpp")) or pp == 1,
        fabric=_choice(c, "fabric", ("infiniband", "roce")),
        max_batch=c.int("max_batch", 0), requests=c.int("requests", 0),
        kv_bytes=kv.weight_bytes if kv else 0.0,
        expert_weight_bytes=experts.weight_bytes if experts else 0.0,
        ttft_limit_s=c.seconds("ttft_limit", 2.0), tpot_limit_s=c.seconds("tpot_limit", 0.2),
        flops_full=_choice(c, "flops", ("full", "causal")) != "causal",
    )  # fmt: skip


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a CSV file", file=path) from None
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text (CSV) file", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None


def read_reference_file(path: Path) -> ReferenceFile:
    """Every row of a calibration.csv-style file: the readable ones and, with their reasons, the
    others. InputError when the file itself cannot be read as such a CSV."""
    text = _read_text(path)
    if "\0" in text:
        raise InputError("not a text (CSV) file: it holds NUL bytes", file=path)
    try:
        reader = csv.DictReader(text.splitlines())
        fields = reader.fieldnames or []
        raw = list(reader)
    except csv.Error as exc:
        raise InputError(f"not a readable CSV: {exc}", file=path) from None
    missing = [col for col in REQUIRED if col not in fields]
    if missing:
        raise InputError("missing column", file=path, line=1, field=missing[0])
    if not raw:
        raise InputError("no measurement rows below the header", file=path, line=2)
    rows: list[ReferenceRow] = []
    unreadable: list[UnreadableRow] = []
    for index, cells in enumerate(raw):
        c = _Cells(cells, path, index + 2)
        try:
            rows.append(_row(c))
        except RackwrightError as exc:
            unreadable.append(
                UnreadableRow(
                    c.text("id") or f"line {c.line}", c.text("kind"), c.text("metric"), c.line,
                    exc.one_line(),
                )
            )  # fmt: skip
    return ReferenceFile(tuple(rows), tuple(unreadable))


def read_reference(path: Path) -> list[ReferenceRow]:
    """The rows of a measurement file; InputError naming the first row it cannot read."""
    data = read_reference_file(path)
    if data.unreadable:
        raise InputError(data.unreadable[0].reason)
    return list(data.rows)
