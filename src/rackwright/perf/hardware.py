"""The hardware view the performance model reads: one frozen record per system.

Built from the catalog (System + its Accelerator) when the catalog defines the system id, else from
the fallback table in perf/data/hardware.toml. Tests may construct it directly.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from rackwright.errors import InfeasibleError, UnknownIdError

PRECISIONS = ("bf16", "fp16", "fp8", "fp8-cs", "fp8-mx", "fp4", "nvfp4", "mxfp4")


@dataclass(frozen=True)
class HardwareView:
    """Per-GPU figures of one system (SI units), plus its scale-up and scale-out shape."""

    system_id: str
    architecture: str
    gpus_per_system: int
    scaleup_domain_count: int
    bf16_flops_per_s: float
    hbm_bytes: float
    hbm_bw_bytes_per_s: float
    scaleup_bw_bytes_per_s: float  # one direction, per GPU
    scaleout_bw_bytes_per_s: float  # one direction, per GPU
    fp8_flops_per_s: float | None = None
    fp4_flops_per_s: float | None = None
    scaleout_fabric: str = "infiniband"
    sources: tuple[str, ...] = field(default_factory=tuple)

    def flops_per_s(self, precision: str) -> float:
        """Dense peak for a precision; InfeasibleError if the hardware lacks it."""
        p = precision.lower()
        value: float | None
        if p in {"bf16", "fp16"}:
            value = self.bf16_flops_per_s
        elif p.startswith("fp8"):
            value = self.fp8_flops_per_s
        elif p in {"fp4", "nvfp4", "mxfp4"}:
            value = self.fp4_flops_per_s
        else:
            raise InfeasibleError(
                f"unknown precision; use one of {', '.join(PRECISIONS)}",
                field="precision",
                value=precision,
            )
        if value is None:
            raise InfeasibleError(
                f"{self.system_id} ({self.architecture}) has no {p} tensor cores",
                field="precision",
                value=precision,
            )
        return value


def _fallback_table() -> dict[str, dict[str, Any]]:
    text = resources.files("rackwright.perf.data").joinpath("hardware.toml").read_text("utf-8")
    return {row["id"]: row for row in tomllib.loads(text)["system"]}


def _from_row(row: dict[str, Any]) -> HardwareView:
    return HardwareView(
        system_id=row["id"],
        architecture=_arch_key(row["architecture"]),
        gpus_per_system=int(row["gpus_count"]),
        scaleup_domain_count=int(row["scaleup_domain_count"]),
        bf16_flops_per_s=float(row["bf16_flops_per_s"]),
        fp8_flops_per_s=row.get("fp8_flops_per_s"),
        fp4_flops_per_s=row.get("fp4_flops_per_s"),
        hbm_bytes=float(row["hbm_bytes"]),
        hbm_bw_bytes_per_s=float(row["hbm_bw_bytes_per_s"]),
        scaleup_bw_bytes_per_s=float(row["scaleup_bidir_bytes_per_s"]) / 2.0,
        scaleout_bw_bytes_per_s=float(row["scaleout_nic_bits_per_s"]) / 8.0,
        scaleout_fabric=row.get("scaleout_fabric", "infiniband"),
        sources=tuple(row.get("sources", ())),
    )


def _arch_key(architecture: str) -> str:
    a = architecture.lower()
    if "blackwell" in a and "ultra" in a:
        return "blackwell-ultra"
    for key in ("ampere", "hopper", "blackwell", "rubin", "cdna3", "cdna4"):
        if key in a:
            return key
    return a.split()[0] if a else "unknown"


def hardware_view(system_id: str, catalog: Any | None = None) -> HardwareView:
    """The view of ``system_id``: from ``catalog`` if it has it, else the fallback table."""
    if catalog is not None:
        systems = catalog.entries.get("system", {})
        if system_id in systems:
            system = systems[system_id]
            accel = catalog.entries.get("accelerator", {}).get(system.accelerator)
            if accel is not None:
                nic_bits = system.scaleout_nic_bits_per_s * system.nics_per_gpu_count
                return HardwareView(
                    system_id=system.id,
                    architecture=_arch_key(accel.architecture),
                    gpus_per_system=system.gpus_count,
                    scaleup_domain_count=system.scaleup_domain_count,
                    bf16_flops_per_s=accel.bf16_flops_per_s,
                    fp8_flops_per_s=accel.fp8_flops_per_s,
                    fp4_flops_per_s=accel.fp4_flops_per_s,
                    hbm_bytes=accel.hbm_bytes,
                    hbm_bw_bytes_per_s=accel.hbm_bw_bytes_per_s,
                    scaleup_bw_bytes_per_s=accel.scaleup_bidir_bytes_per_s / 2.0,
                    scaleout_bw_bytes_per_s=nic_bits / 8.0,
                    scaleout_fabric=str(system.scaleout_fabric),
                    sources=tuple(dict.fromkeys([*system.sources, *accel.sources])),
                )
    table = _fallback_table()
    if system_id not in table:
        raise UnknownIdError(
            f"unknown system for the performance model; use one of {', '.join(table)}",
            field="system",
            value=system_id,
        )
    return _from_row(table[system_id])
