"""Measure GEMM, attention and memory rates on the local GPU and turn them into efficiency figures.

The measuring backend is pluggable: ``TorchBackend`` (PyTorch + CUDA, imported lazily here and
nowhere else) or any object with the same three methods, which is how tests feed fake timings.
The conversion fits the same curves the model uses: GEMM efficiency max·d/(d + d_half) vs the
smallest GEMM dimension (linear least squares on 1/eff = 1/max + (d_half/max)·(1/d)), attention
efficiency as achieved / bf16 peak, memory efficiency as achieved copy bandwidth / HBM peak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from rackwright.errors import InputError
from rackwright.perf.efficiency import BOUNDS, Efficiency, Param
from rackwright.perf.hardware import HardwareView
from rackwright.precision import Precision, PrecisionClass

GEMM_DIMS = (256, 512, 1024, 2048, 4096, 8192)
ATTN_SHAPES = ((4, 32, 2048, 128), (1, 32, 8192, 128))
COPY_BYTES = (1 << 28, 1 << 30)


class Backend(Protocol):
    """What a measuring backend provides (seconds per call, best of a few)."""

    device_name: str

    def gemm_s(self, m: int, n: int, k: int, precision: Precision) -> float: ...

    def attention_s(self, batch: int, heads: int, seq: int, head_dim: int) -> float: ...

    def copy_s(self, nbytes: int) -> float: ...


@dataclass(frozen=True)
class Measurements:
    """Raw timings: (m, n, k, precision, seconds), (b, h, s, d, seconds), (bytes, seconds)."""

    device_name: str
    gemms: list[tuple[int, int, int, Precision, float]]
    attention: list[tuple[int, int, int, int, float]]
    copies: list[tuple[int, float]]


def measure(backend: Backend, precisions: list[Precision], progress: Any = None) -> Measurements:
    """Run the standard shape sweep on ``backend``."""
    gemms = []
    for precision in precisions:
        for d in GEMM_DIMS:
            for m, n, k in ((d, 8192, 8192), (8192, d, 8192), (8192, 8192, d)):
                gemms.append((m, n, k, precision, backend.gemm_s(m, n, k, precision)))
            if progress is not None:
                progress()
    attention = [(b, h, s, d, backend.attention_s(b, h, s, d)) for b, h, s, d in ATTN_SHAPES]
    copies = [(n, backend.copy_s(n)) for n in COPY_BYTES]
    return Measurements(backend.device_name, gemms, attention, copies)


def _clip(name: str, value: float) -> float:
    lo, hi = BOUNDS[name]
    return float(min(max(value, lo), hi))


def to_efficiency(meas: Measurements, hw: HardwareView, when: str) -> Efficiency:
    """Efficiency parameters (arch-specific keys) from measured timings."""
    source = (f"measured by rackwright perf microbench on {meas.device_name} at {when}",)
    arch = hw.architecture
    params: dict[str, Param] = {}
    by_prec: dict[str, list[tuple[float, float]]] = {}
    for m, n, k, precision, seconds in meas.gemms:
        eff = 2.0 * m * n * k / seconds / hw.flops_per_s(precision)
        by_prec.setdefault(precision.klass.value, []).append((float(min(m, n, k)), eff))
    for pc, points in by_prec.items():
        d = np.array([p[0] for p in points])
        e = np.array([p[1] for p in points])
        slope, intercept = np.polyfit(1.0 / d, 1.0 / e, 1)
        e_max = 1.0 / intercept if intercept > 0 else float(e.max())
        d_half = slope * e_max if slope > 0 else BOUNDS["gemm_dim_half"][0]
        note = f"{len(points)} GEMM shapes"
        params[f"{arch}.{pc}.gemm_eff_max"] = Param(_clip("gemm_eff_max", e_max), source, "E", note)
        params[f"{arch}.{pc}.gemm_dim_half"] = Param(
            _clip("gemm_dim_half", d_half), source, "E", note
        )
    if meas.attention:
        effs = [
            4.0 * b * h * s * s * d / t / hw.bf16_flops_per_s for b, h, s, d, t in meas.attention
        ]
        params[f"{arch}.attn_eff"] = Param(
            _clip("attn_eff", float(np.mean(effs))), source, "E", "non-causal, fwd"
        )
    if meas.copies:
        # a copy reads and writes each byte once
        bws = [2.0 * n / t for n, t in meas.copies]
        params[f"{arch}.mem_eff"] = Param(
            _clip("mem_eff", max(bws) / hw.hbm_bw_bytes_per_s), source, "E", "device-to-device copy"
        )
    return Efficiency(params=params, origin="microbench")


class TorchBackend:
    """CUDA timings with PyTorch (imported here only)."""

    def __init__(self) -> None:
        try:
            import torch  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise InputError(
                "perf microbench needs PyTorch with CUDA; torch is not installed"
            ) from None
        if not torch.cuda.is_available():
            raise InputError("perf microbench needs a CUDA GPU; none is visible")
        self.torch = torch
        self.device_name = str(torch.cuda.get_device_name(0))

    def _time(self, fn: Any, repeats: int = 10) -> float:
        torch = self.torch
        fn()
        torch.cuda.synchronize()
        best = float("inf")
        for _ in range(3):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(repeats):
                fn()
            end.record()
            torch.cuda.synchronize()
            best = min(best, start.elapsed_time(end) / 1e3 / repeats)
        return best

    def gemm_s(self, m: int, n: int, k: int, precision: Precision) -> float:
        torch = self.torch
        dev = "cuda"
        if precision.klass is PrecisionClass.FP8:
            a = torch.randn(m, k, device=dev).to(torch.float8_e4m3fn)
            b = torch.randn(n, k, device=dev).to(torch.float8_e4m3fn).t()
            one = torch.tensor(1.0, device=dev)
            return self._time(
                lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
            )
        dtype = torch.float16 if precision is Precision.FP16 else torch.bfloat16
        a = torch.randn(m, k, device=dev, dtype=dtype)
        b = torch.randn(k, n, device=dev, dtype=dtype)
        return self._time(lambda: a @ b)

    def attention_s(self, batch: int, heads: int, seq: int, head_dim: int) -> float:
        torch = self.torch
        q = torch.randn(batch, heads, seq, head_dim, device="cuda", dtype=torch.bfloat16)
        f = torch.nn.functional.scaled_dot_product_attention
        return self._time(lambda: f(q, q, q))

    def copy_s(self, nbytes: int) -> float:
        torch = self.torch
        src = torch.empty(nbytes, dtype=torch.uint8, device="cuda")
        dst = torch.empty_like(src)
        return self._time(lambda: dst.copy_(src))
