"""Model architectures: parameter counts against the model cards, FLOP accounting, custom files."""

from __future__ import annotations

from pathlib import Path

import pytest

from rackwright.errors import InputError, UnknownIdError
from rackwright.perf.models import load_model_file, load_models, resolve_model

EXPECTED_IDS = {
    "gpt3-175b", "megatron-22b", "megatron-530b", "megatron-1t", "llama2-7b", "llama2-13b",
    "llama2-70b", "llama3-8b", "llama3-70b", "llama3.1-405b", "nemotron4-340b", "mixtral-8x22b",
    "deepseek-v3", "qwen3-235b-a22b", "qwen3-30b-a3b", "gpt-oss-120b", "mpt-7b", "mpt-70b",
}  # fmt: skip

# (total, active) parameters in billions as the model cards / papers state them
PUBLISHED = {
    "deepseek-v3": (671.0, 37.0),
    "llama3.1-405b": (405.0, 405.0),
    "gpt3-175b": (175.0, 175.0),
    "llama2-70b": (69.0, 69.0),
    "llama3-8b": (8.0, 8.0),
    "mixtral-8x22b": (141.0, 39.0),
    "qwen3-235b-a22b": (235.0, 22.0),
    "qwen3-30b-a3b": (30.5, 3.3),
    "nemotron4-340b": (341.0, 341.0),
    "megatron-530b": (530.0, 530.0),
    "megatron-1t": (1008.0, 1008.0),
}


def test_named_models_are_exactly_the_catalogue_and_cite_sources() -> None:
    models = load_models()
    assert set(models) == EXPECTED_IDS
    for model in models.values():
        assert any("http" in s for s in model.sources), model.id


@pytest.mark.parametrize("model_id", sorted(PUBLISHED))
def test_parameter_counts_match_published(model_id: str) -> None:
    model = load_models()[model_id]
    total, active = PUBLISHED[model_id]
    assert model.total_params() / 1e9 == pytest.approx(total, rel=0.02)
    assert model.active_params() / 1e9 == pytest.approx(active, rel=0.04)


def test_gpt3_flops_per_token_is_the_megatron_formula() -> None:
    # README: 72·L·h²·(1 + s/(6h) + V/(12·h·L)) = 1.0764 TFLOP at s=2048, V=51200 (every key)
    gpt3 = load_models()["gpt3-175b"]
    L, h, s, V = 96, 12288, 2048, 51200
    expected = 72 * L * h**2 * (1 + s / (6 * h) + V / (12 * h * L))
    assert gpt3.model_flops_per_token(s, causal=False) == pytest.approx(expected, rel=1e-12)
    assert expected / 1e12 == pytest.approx(1.0764, abs=1e-4)
    # causal accounting counts half of the 12·L·s·h attention term (seq/2 keys per query)
    causal = gpt3.model_flops_per_token(s)
    assert expected - causal == pytest.approx(6 * L * s * h, rel=1e-12)


def test_attention_kind_is_read_from_the_heads() -> None:
    models = load_models()
    assert models["llama3-70b"].attention_kind == "gqa"  # 64 query heads, 8 KV heads
    assert models["gpt3-175b"].attention_kind == "mha"
    assert models["deepseek-v3"].attention_kind == "mla"


def test_all_moe_model_needs_no_dense_ffn_width(tmp_path: Path) -> None:
    path = tmp_path / "moe.toml"
    path.write_text(
        '[[model]]\nid = "moe"\nname = "All MoE"\nlayers = 4\nhidden = 64\nheads = 4\n'
        "vocab = 1000\nexperts = 8\ntopk = 2\nmoe_ffn = 128\n"
    )
    (model,) = load_model_file(path)
    assert model.ffn == 0 and model.moe_layers == 4
    dense = tmp_path / "dense.toml"
    dense.write_text(
        '[[model]]\nid = "d"\nname = "D"\nlayers = 2\nhidden = 64\nheads = 4\nvocab = 1000\n'
    )
    with pytest.raises(InputError, match="ffn"):
        load_model_file(dense)


def test_mla_kv_cache_is_the_latent_not_full_heads() -> None:
    dsv3 = load_models()["deepseek-v3"]
    assert dsv3.kv_cache_elems_per_token() == 61 * (512 + 64)
    llama = load_models()["llama2-70b"]
    assert llama.kv_cache_elems_per_token() == 80 * 2 * 8 * 128


def test_custom_model_file_and_path_resolution(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(
        '[[model]]\nid = "tiny"\nname = "Tiny"\nlayers = 2\nhidden = 64\nheads = 4\n'
        "ffn = 256\nvocab = 1000\n"
    )
    (model,) = load_model_file(path)
    # 2 layers × (4·64² attention + 2·64·256 MLP) + 2·1000·64 embeddings
    assert model.total_params() == 2 * (4 * 64**2 + 2 * 64 * 256) + 2 * 1000 * 64
    assert resolve_model(str(path)).id == "tiny"


def test_bad_model_file_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[model]]\nid = "bad"\nname = "B"\nlayers = -2\nhidden = 64\nheads = 4\n'
                    "ffn = 256\nvocab = 1000\n")  # fmt: skip
    with pytest.raises(InputError) as exc:
        load_model_file(path)
    assert "bad.toml" in str(exc.value) and "layers" in str(exc.value)


def test_unknown_model_id_lists_the_known_ones() -> None:
    with pytest.raises(UnknownIdError, match="llama3-70b"):
        resolve_model("llama9-1t")
