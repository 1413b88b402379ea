"""Hardware and kernel efficiency parameters, each with provenance.

Keys are dotted: ``<arch>.<precision>.<name>`` for GEMM curves, ``<arch>.<name>`` for the rest of a
GPU generation (attention, memory, overheads, collectives per tier),
``<arch|default>.<fabric>.<name>`` for scale-out figures that depend on the network fabric
(``infiniband`` or ``roce``, read from the system's scale-out fabric), ``default...`` for
fallbacks. Lookup tries the most specific key first (a fabric-specific figure, then the
architecture, then its predecessors in LINEAGE, then the defaults), so a new architecture works and
becomes specific once a measurement of it is fitted. The same TOML format serves priors.toml
(calibration's starting point), the shipped efficiency.toml (priors.toml calibrated by ``rackwright
perf calibrate`` with ``--data`` calibration.csv and ``--data`` perf/data/calibration_extra.csv),
``perf calibrate`` output and ``perf microbench`` output.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from rackwright.catalog.loader import read_toml
from rackwright.errors import InputError
from rackwright.precision import Precision

ARCHS = ("ampere", "hopper", "blackwell", "blackwell-ultra", "rubin", "cdna3", "cdna4")
PREC_CLASSES = ("bf16", "fp8", "fp4")
FABRICS = ("infiniband", "roce")
# figures that belong to the scale-out network, so a fabric-specific key may refine them
FABRIC_PARAMS = frozenset({"so_eff", "so_latency_s", "so_half_bytes"})
# An architecture without its own fitted figure inherits its predecessor's (same vendor, same
# software stack): kernel efficiency as a fraction of peak carries across one generation far
# better than a generic prior does. AMD parts have no NVIDIA predecessor and use the defaults.
LINEAGE: dict[str, tuple[str, ...]] = {
    "blackwell": ("hopper",),
    "blackwell-ultra": ("blackwell", "hopper"),
    "rubin": ("blackwell-ultra", "blackwell", "hopper"),
    "cdna4": ("cdna3",),
}

# name -> (lower, upper) bounds used by calibration and to reject nonsense in files
BOUNDS: dict[str, tuple[float, float]] = {
    "gemm_eff_max": (0.2, 0.85),
    # GEMM efficiency reaches half its maximum at this smallest dimension; CUTLASS/cuBLAS tiles
    # are 64-256 rows tall, so below 16 or far above a few thousand the curve means nothing
    "gemm_dim_half": (16.0, 2048.0),
    "attn_eff": (0.02, 0.9),
    "unfused_attn_eff": (0.02, 0.9),
    "moe_elem_passes": (0.0, 100.0),
    # grouped (per-expert) GEMMs reach this share of the dense GEMM curve at the same M
    "grouped_gemm_eff": (0.2, 1.0),
    # a mixed-input grouped GEMM (4-bit weights dequantised in registers onto the 16-bit tensor
    # cores) reaches this share of the 16-bit grouped GEMM
    "mixed_gemm_eff": (0.1, 1.0),
    "moe_floor_s": (0.0, 2e-2),
    "mem_eff": (0.3, 0.98),
    # decode attention's reads of the paged KV cache, as a share of HBM bandwidth (its own
    # kernel: page-sized blocks of a few KB per head, gathered per request, not the long
    # contiguous weight tiles of a GEMM)
    "kv_mem_eff": (0.2, 0.98),
    "layer_overhead_s": (0.0, 5e-3),
    "tp_overlap": (0.0, 0.95),
    "dp_overlap": (0.0, 0.99),
    "ep_overlap": (0.0, 0.95),
    "su_eff": (0.2, 0.9),
    "su_latency_s": (1e-7, 1e-4),
    "su_half_bytes": (1.0, 1e9),
    "so_eff": (0.1, 0.9),
    "so_latency_s": (1e-7, 1e-3),
    "so_half_bytes": (1.0, 1e9),
    "elem_passes": (2.0, 200.0),
    "cast_passes": (0.0, 50.0),
    "mem_reserve_bytes": (0.0, 2e10),
    "mem_frag": (0.0, 0.5),
    # a serving engine's host time per scheduler step (CUDA-graph replay, sampling, batching);
    # assumption A-perf-step-host: at most a few milliseconds for an engine that replays CUDA
    # graphs (a 70B model decodes a token in single-digit milliseconds at TP8). The bound keeps a
    # fit from charging time that large-batch steps miss to a fixed cost every idle step pays.
    "step_overhead_s": (0.0, 3e-3),
    # host time per running request and step (request bookkeeping, sampling, detokenising)
    "request_overhead_s": (0.0, 5e-5),
    "server_load": (0.3, 1.0),
    # one all-reduce of a decode-sized message inside an NVLink domain: a few microseconds per
    # hop, two hops for TensorRT-LLM's two-shot algorithm (NVIDIA technical blog "3x Faster
    # AllReduce with NVSwitch and TensorRT-LLM MultiShot", 2024); the bound keeps a fit from
    # charging other missing time to it
    "infer_ar_latency_s": (2e-6, 5e-5),
}


@dataclass(frozen=True)
class Param:
    """One efficiency figure and where it comes from."""

    value: float
    sources: tuple[str, ...]
    confidence: str = "E"
    note: str = ""


@dataclass(frozen=True)
class Efficiency:
    """A set of efficiency parameters by dotted key."""

    params: dict[str, Param] = field(default_factory=dict)
    origin: str = "<perf>/efficiency.toml"

    def get(
        self,
        name: str,
        arch: str = "default",
        precision: Precision = Precision.BF16,
        fabric: str = "",
    ) -> float:
        """The most specific value for ``name`` on ``arch`` at ``precision`` (and ``fabric``)."""
        return self.params[self.key_for(name, arch, precision, fabric)].value

    def key_for(self, name: str, arch: str, precision: Precision, fabric: str = "") -> str:
        """The key ``get`` reads: a fabric-specific figure (scale-out names only), then the
        architecture, then its predecessors, then the defaults."""
        pc = precision.klass.value
        line = (arch, *LINEAGE.get(arch, ()))
        keys: list[str] = []
        if fabric and name in FABRIC_PARAMS:
            keys += [f"{a}.{fabric}.{name}" for a in line] + [f"default.{fabric}.{name}"]
        keys += [f"{a}.{pc}.{name}" for a in line] + [f"{a}.{name}" for a in line]
        for key in (*keys, f"default.{pc}.{name}", f"default.{name}"):
            if key in self.params:
                return key
        raise InputError("efficiency parameter missing", file=self.origin, field=f"default.{name}")

    def with_values(
        self, values: dict[str, float], sources: tuple[str, ...], note: str
    ) -> Efficiency:
        """A copy with ``values`` replaced or added (confidence E: fitted)."""
        params = dict(self.params)
        for key, value in values.items():
            params[key] = Param(value=float(value), sources=sources, confidence="E", note=note)
        return Efficiency(params=params, origin=self.origin)


def _name_of(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def parse_efficiency(data: dict[str, Any], origin: str) -> Efficiency:
    """Validate a parsed efficiency TOML."""
    if not isinstance(data.get("complete", False), bool):
        raise InputError("complete must be true or false", file=origin, field="complete")
    raw = data.get("params")
    if not isinstance(raw, dict):
        raise InputError(
            'expected a [params."<key>"] table per parameter', file=origin, field="params"
        )
    params: dict[str, Param] = {}
    for key, row in raw.items():
        name = _name_of(key)
        where = f"params.{key}"
        if name not in BOUNDS:
            raise InputError(
                f"unknown efficiency parameter; use one of {', '.join(BOUNDS)}",
                file=origin,
                field=where,
                value=name,
            )
        if not isinstance(row, dict) or "value" not in row:
            raise InputError("missing required field", file=origin, field=f"{where}.value")
        value = row["value"]
        lo, hi = BOUNDS[name]
        if not isinstance(value, int | float) or not lo <= float(value) <= hi:
            raise InputError(
                f"value out of range [{lo:g}, {hi:g}]",
                file=origin,
                field=f"{where}.value",
                value=value,
            )
        sources = row.get("sources", [])
        if not sources:
            raise InputError(
                "every efficiency parameter needs sources", file=origin, field=f"{where}.sources"
            )
        params[key] = Param(
            value=float(value),
            sources=tuple(str(s) for s in sources),
            confidence=str(row.get("confidence", "E")),
            note=str(row.get("note", "")),
        )
    return Efficiency(params=params, origin=origin)


def load_priors() -> Efficiency:
    """The prior parameters calibration starts from (perf/data/priors.toml)."""
    text = resources.files("rackwright.perf.data").joinpath("priors.toml").read_text("utf-8")
    return parse_efficiency(tomllib.loads(text), "<perf>/priors.toml")


def load_efficiency(path: Path | None = None) -> Efficiency:
    """The shipped efficiency parameters, or a calibration file's.

    A complete file (``perf calibrate`` writes ``complete = true``: priors plus everything it
    fitted) stands alone, so ``perf validate --calibration`` reproduces the errors the fit
    printed; a partial one (``perf microbench``, a hand-written override) is laid over the
    shipped parameters.
    """
    text = resources.files("rackwright.perf.data").joinpath("efficiency.toml").read_text("utf-8")
    base = parse_efficiency(tomllib.loads(text), "<perf>/efficiency.toml")
    if path is None:
        return base
    data, _ = read_toml(path)
    over = parse_efficiency(data, str(path))
    if data.get("complete") is True:
        return Efficiency(params=over.params, origin=str(path))
    return Efficiency(params={**base.params, **over.params}, origin=str(path))


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_efficiency(eff: Efficiency, header: str, *, complete: bool = False) -> str:
    """The TOML text of ``eff`` (the format load_efficiency reads); ``complete`` marks a file
    that holds every parameter (see load_efficiency)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("")
    if complete:
        lines += ["complete = true", ""]
    for key in sorted(eff.params):
        p = eff.params[key]
        lines.append(f'[params."{key}"]')
        lines.append(f"value = {p.value!r}")  # exact: a reload reproduces the fit
        lines.append("sources = [" + ", ".join(_toml_str(s) for s in p.sources) + "]")
        lines.append(f"confidence = {_toml_str(p.confidence)}")
        if p.note:
            lines.append(f"note = {_toml_str(p.note)}")
        lines.append("")
    return "\n".join(lines)
