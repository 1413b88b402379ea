"""The hardware view the performance model reads: one frozen record per system.

Built from the catalog only (a System and its Accelerator), so a figure changed in the catalog (or
a user's ``--catalog`` file) reaches every prediction. Tests may construct it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rackwright.catalog.catalog import Catalog
from rackwright.errors import InfeasibleError
from rackwright.precision import Precision, PrecisionClass


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

    @property
    def fabric(self) -> str:
        """The scale-out fabric family efficiency figures are keyed by: roce or infiniband."""
        return "roce" if "roce" in self.scaleout_fabric.lower() else "infiniband"

    def flops_per_s(self, precision: Precision) -> float:
        """Dense peak for a precision; InfeasibleError if the hardware lacks it."""
        value = {
            PrecisionClass.BF16: self.bf16_flops_per_s,
            PrecisionClass.FP8: self.fp8_flops_per_s,
            PrecisionClass.FP4: self.fp4_flops_per_s,
        }[precision.klass]
        if value is None:
            raise InfeasibleError(
                f"{self.system_id} ({self.architecture}) has no {precision.value} tensor cores",
                field="precision",
                value=precision.value,
            )
        return value


def _arch_key(architecture: str) -> str:
    a = architecture.lower()
    if "blackwell" in a and "ultra" in a:
        return "blackwell-ultra"
    for key in ("ampere", "hopper", "blackwell", "rubin", "cdna3", "cdna4"):
        if key in a:
            return key
    return a.split()[0] if a else "unknown"


def hardware_view(system_id: str, catalog: Catalog) -> HardwareView:
    """The view of catalog system ``system_id``; UnknownIdError naming the id if it has none."""
    system = catalog.system(system_id)
    accel = catalog.accelerator(system.accelerator)
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
