"""The vectorized search agrees exactly with perf's scalar model and loses no valid layout."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rackwright.catalog import load_catalog
from rackwright.catalog.catalog import Catalog
from rackwright.explore.perf_inputs import (
    fixed_cfg_inputs,
    hardware_inputs,
    model_inputs,
    with_sequence_parallel,
)
from rackwright.explore.search import make_job
from rackwright.explore.space import CONFIG_KEYS, ModelShape, SearchSpace, expand, structures
from rackwright.perf.hardware import HardwareView, hardware_view
from rackwright.perf.models import ModelArch, load_models
from rackwright.perf.train_core import evaluate
from rackwright.perf.training import ParallelConfig, predict_training
from rackwright.precision import Precision

ZERO_NAMES = ("none", "1", "2", "3")
RECOMPUTE_NAMES = ("none", "selective", "full")
MODELS = tuple(sorted(load_models()))


@functools.cache
def default_catalog() -> Catalog:
    return load_catalog([])


@pytest.fixture
def catalog() -> Catalog:
    return default_catalog()


def _space_rows(
    model_id: str, system_id: str, gpus: int, seq: int, catalog: Catalog
) -> tuple[ModelArch, HardwareView, dict[str, np.ndarray]]:
    model = load_models()[model_id]
    hw = hardware_view(system_id, catalog)
    shape = ModelShape(model.layers, model.heads, model.kv, model.experts)
    struct = structures(
        shape, [gpus], SearchSpace(), seq=seq, scaleup_domain=hw.scaleup_domain_count
    )
    cfg = expand(struct, SearchSpace(), target_sequences=4e6 / seq)
    return model, hw, cfg


@settings(max_examples=200, deadline=None)
@given(
    model_id=st.sampled_from(MODELS),
    system_id=st.sampled_from(sorted(default_catalog().entries["system"])),
    gpus=st.sampled_from([8, 16, 64, 72, 144, 256, 576, 1024, 4608]),
    seq=st.sampled_from([2048, 4096, 8192]),
    precision=st.sampled_from([Precision.BF16, Precision.FP8, Precision.FP4]),
    pick=st.integers(min_value=0, max_value=10**9),
)
def test_vectorized_rows_equal_the_scalar_model_bit_for_bit(
    model_id: str, system_id: str, gpus: int, seq: int, precision: Precision, pick: int
) -> None:
    model, hw, cfg = _space_rows(model_id, system_id, gpus, seq, default_catalog())
    if hw.fp8_flops_per_s is None or (precision == "fp4" and hw.fp4_flops_per_s is None):
        precision = Precision.BF16  # the scalar model refuses it here; the search marks it invalid
    n = cfg["gpus"].shape[0]
    assume(n > 0)  # e.g. 8 GPUs cannot hold some large models in any layout
    job = make_job(model, 1e12, precision, seq)
    hwd = hardware_inputs(hw, precision)
    out = evaluate(
        with_sequence_parallel(cfg, fixed_cfg_inputs(model, seq, job.precision)),
        hwd,
        model_inputs(model),
    )
    i = pick % n
    row = {key: int(cfg[key][i]) for key in CONFIG_KEYS}
    # every enumerated layout passes the core's structural checks (only memory may fail)
    assert int(out["invalid"][i]) & ~256 == 0
    par = ParallelConfig(
        gpus=row["gpus"], tp=row["tp"], pp=row["pp"], vpp=row["vpp"], cp=row["cp"], ep=row["ep"],
        dp=row["dp"], zero=ZERO_NAMES[row["zero"]], gbs=row["gbs"], mbs=row["mbs"], seq=seq,
        recompute=RECOMPUTE_NAMES[row["recompute"]], precision=precision,
    )  # fmt: skip
    scalar = predict_training(model, hw, par, check_memory=False)
    assert scalar.fits == bool(out["fits"][i])
    assert scalar.step_s == float(out["step_s"][i])
    assert scalar.mfu == float(out["mfu"][i])
    assert scalar.tokens_per_s_per_gpu == float(out["tokens_per_s_per_gpu"][i])
    assert scalar.memory_bytes["total_bytes"] == float(out["mem_total_bytes"][i])


def test_enumeration_keeps_every_layout_the_core_accepts(catalog: Catalog) -> None:
    """Brute force: the full Cartesian product through the core vs the masked enumeration."""
    model = load_models()["mixtral-8x22b"]
    hw = hardware_view("dgx-h100", catalog)
    space = SearchSpace(tp=(1, 2, 4, 8), pp=(1, 2, 4, 7, 8), vpp=(1, 2), cp=(1, 2), ep=(1, 2, 4, 8))
    gpus_options = (32, 48, 64)
    product = list(
        itertools.product(gpus_options, space.tp, space.pp or (), space.vpp, space.cp, space.ep)
    )
    cols = np.array(product, dtype=float).T
    gpus, tp, pp, vpp, cp, ep = cols
    dp = np.maximum(np.floor(gpus / (tp * pp * cp)), 1.0)
    brute = {"gpus": gpus, "tp": tp, "pp": pp, "vpp": vpp, "cp": cp, "ep": ep, "dp": dp,
             "zero": 0.0, "recompute": 2.0, "mbs": 1.0, "gbs": dp * pp * 8}  # fmt: skip
    out = evaluate(
        with_sequence_parallel(brute, fixed_cfg_inputs(model, 4096, Precision.BF16)),
        hardware_inputs(hw, Precision.BF16),
        model_inputs(model),
    )
    # the search's own modelling prunes (tp inside the NVLink domain, vpp only with pp > 1)
    accepted = ((out["invalid"].astype(np.int64) & ~256) == 0) & (tp <= 8) & ((vpp == 1) | (pp > 1))
    expected = {tuple(int(v) for v in row) for row in cols.T[accepted]}
    shape = ModelShape(model.layers, model.heads, model.kv, model.experts)
    struct = structures(shape, gpus_options, space, seq=4096, scaleup_domain=8)
    got = {tuple(int(struct[k][i]) for k in ("gpus", "tp", "pp", "vpp", "cp", "ep"))
           for i in range(struct["gpus"].shape[0])}  # fmt: skip
    assert expected  # the case has valid layouts at all
    assert got == expected


def test_search_finds_a_layout_at_least_as_fast_as_the_published_gpt3_run(catalog: Catalog) -> None:
    """Korthikanti 2022 Table 5: GPT-3 175B on 64 A100-80GB, tp8 pp8 vpp3, gbs 64, selective."""
    from rackwright.explore import explore, system_choices

    model = load_models()["gpt3-175b"]
    hw = hardware_view("dgx-a100-80gb", catalog)
    published = ParallelConfig(
        gpus=64, tp=8, pp=8, vpp=3, gbs=64, mbs=1, seq=2048, recompute="selective", precision="fp16"
    )
    reference = predict_training(model, hw, published)
    assert reference.fits and reference.step_s is not None
    job = make_job(model, 64 * 2048 * 1000, "fp16", 2048, batch_tokens=64 * 2048)
    choices = system_choices(catalog, ["dgx-a100-80gb"], "us-avg", 64, 64)
    result = explore(model, choices, job, objective="time", top=3)
    best = result.best[0]
    assert best.gbs == 64  # same batch, so step times compare directly
    assert best.step_s <= reference.step_s
    # the published layout itself is among the evaluated ones: its time is reachable
    assert best.time_s == pytest.approx(1000 * best.step_s, rel=1e-12)


@pytest.mark.parametrize(("low", "high", "step"), [(64, 4096, 8), (72, 100_000, 72), (100, 130, 8)])
def test_gpu_counts_are_whole_systems_inside_the_range(low: int, high: int, step: int) -> None:
    from rackwright.explore import gpu_counts

    counts = gpu_counts(low, high, step, max_points=48)
    assert 0 < len(counts) <= 48
    assert all(c % step == 0 and low <= c <= high for c in counts)
    assert counts[0] == -(-low // step) * step and counts[-1] == high // step * step
    assert list(counts) == sorted(set(counts))
    assert gpu_counts(12, 12, 8) == (12,)  # a single count is taken as asked
