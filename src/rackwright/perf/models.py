"""LLM architectures: the typed record, parameter/FLOP counts, and the TOML loader.

Counts ignore biases and norm weights below 0.1 % of the total. Embedding and output matrices are
counted once when ``tied_embeddings`` is set.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rackwright.catalog.loader import read_toml, validation_error
from rackwright.errors import InputError, UnknownIdError

DATA_PACKAGE = "rackwright.perf.data"


class ModelArch(BaseModel):
    """One transformer LM; MoE fields are zero for a dense model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    sources: list[str] = Field(default_factory=list)
    notes: str = ""
    layers: int = Field(gt=0)
    hidden: int = Field(gt=0)
    heads: int = Field(gt=0)
    kv_heads: int = Field(default=0, ge=0, description="0 means equal to heads")
    head_dim: int = Field(default=0, ge=0, description="0 means hidden / heads")
    ffn: int = Field(default=0, ge=0, description="dense MLP width; 0 only when every layer is MoE")
    gated_mlp: bool = False
    vocab: int = Field(gt=0)
    tied_embeddings: bool = False
    seq: int = Field(default=2048, gt=0, description="default training sequence length")
    attention: Literal["mha", "gqa", "mla"] = "mha"
    q_lora_rank: int = Field(default=0, ge=0)
    kv_lora_rank: int = Field(default=0, ge=0)
    qk_rope_dim: int = Field(default=0, ge=0)
    qk_nope_dim: int = Field(default=0, ge=0)
    v_head_dim: int = Field(default=0, ge=0)
    experts: int = Field(default=0, ge=0)
    topk: int = Field(default=0, ge=0)
    moe_ffn: int = Field(default=0, ge=0)
    shared_experts: int = Field(default=0, ge=0)
    dense_layers: int = Field(default=0, ge=0)
    capacity_factor: float = Field(default=0.0, ge=0, description="0 means dropless")
    imbalance_factor: float = Field(default=1.0, ge=1.0, description="busiest expert / mean load")
    attn_window: int = Field(default=0, ge=0, description="sliding-window tokens; 0 = full")
    window_layers: int = Field(default=0, ge=0, description="layers using the sliding window")

    @model_validator(mode="after")
    def _check(self) -> ModelArch:
        if self.experts and not (0 < self.topk <= self.experts and self.moe_ffn > 0):
            raise ValueError("a MoE model needs 0 < topk <= experts and moe_ffn > 0")
        if self.window_layers > self.layers:
            raise ValueError("window_layers exceeds layers")
        if bool(self.attn_window) != bool(self.window_layers):
            raise ValueError("attn_window and window_layers go together")
        if self.dense_layers > self.layers:
            raise ValueError("dense_layers exceeds layers")
        if self.attention == "mla" and not (self.kv_lora_rank and self.qk_rope_dim):
            raise ValueError("mla attention needs kv_lora_rank and qk_rope_dim")
        if self.ffn == 0 and self.layers - self.moe_layers > 0:
            raise ValueError("ffn (the dense MLP width) must be > 0 when any layer is dense")
        return self

    # ---- derived shapes -------------------------------------------------------------------
    @property
    def kv(self) -> int:
        """KV heads (equal to heads for MHA)."""
        return self.kv_heads or self.heads

    @property
    def hd(self) -> int:
        """Head dimension."""
        return self.head_dim or self.hidden // self.heads

    @property
    def attention_kind(self) -> str:
        """What the attention is, read from the shapes: mla, mqa (one KV head), gqa or mha."""
        if self.attention == "mla":
            return "mla"
        if self.kv == 1 and self.heads > 1:
            return "mqa"
        return "gqa" if self.kv < self.heads else "mha"

    @property
    def is_moe(self) -> bool:
        """Whether any layer routes tokens to experts."""
        return self.experts > 0

    @property
    def moe_layers(self) -> int:
        """Layers whose MLP is a MoE block."""
        return self.layers - self.dense_layers if self.is_moe else 0

    @property
    def mlp_mats(self) -> int:
        """Weight matrices per MLP (3 for SwiGLU-style, else 2)."""
        return 3 if self.gated_mlp else 2

    def attn_params(self) -> float:
        """Attention weights of one layer."""
        h, a = self.hidden, self.heads
        if self.attention == "mla":
            qk = self.qk_nope_dim + self.qk_rope_dim
            q = h * self.q_lora_rank + self.q_lora_rank * a * qk if self.q_lora_rank else h * a * qk
            kv = h * (self.kv_lora_rank + self.qk_rope_dim) + self.kv_lora_rank * a * (
                self.qk_nope_dim + self.v_head_dim
            )
            return float(q + kv + a * self.v_head_dim * h)
        return float(h * a * self.hd * 2 + 2 * h * self.kv * self.hd)

    def kv_cache_elems_per_token(self) -> float:
        """K and V (or MLA latent) elements cached per token, all layers."""
        if self.attention == "mla":
            return float(self.layers * (self.kv_lora_rank + self.qk_rope_dim))
        return float(self.layers * 2 * self.kv * self.hd)

    def dense_mlp_params(self) -> float:
        """MLP weights of one dense layer."""
        return float(self.mlp_mats * self.hidden * self.ffn)

    def expert_params(self) -> float:
        """Weights of one routed (or shared) expert."""
        return float(self.mlp_mats * self.hidden * self.moe_ffn)

    def embedding_params(self) -> float:
        """Input embedding plus output projection."""
        return float(self.vocab * self.hidden * (1 if self.tied_embeddings else 2))

    def total_params(self) -> float:
        """All weights."""
        moe = self.moe_layers * (
            (self.experts + self.shared_experts) * self.expert_params() + self.hidden * self.experts
        )
        dense = (self.layers - self.moe_layers) * self.dense_mlp_params()
        return self.layers * self.attn_params() + dense + moe + self.embedding_params()

    def active_params(self) -> float:
        """Weights one token touches (routed experts counted topk times)."""
        moe = self.moe_layers * (
            (self.topk + self.shared_experts) * self.expert_params() + self.hidden * self.experts
        )
        dense = (self.layers - self.moe_layers) * self.dense_mlp_params()
        return self.layers * self.attn_params() + dense + moe + self.embedding_params()

    def kv_cache_elems_per_token_layer(self) -> float:
        """K and V (or MLA latent) elements one layer caches per token (all heads)."""
        return self.kv_cache_elems_per_token() / self.layers

    def attn_score_dims(self) -> tuple[float, float]:
        """(q·k dim, v dim) per head, for the s² attention FLOPs of training and prefill."""
        if self.attention == "mla":
            return float(self.qk_nope_dim + self.qk_rope_dim), float(self.v_head_dim)
        return float(self.hd), float(self.hd)

    def decode_score_dims(self) -> tuple[float, float]:
        """(q·k dim, v dim) per head and context token when decoding.

        Serving engines decode MLA with the up-projections absorbed into the query and output
        (DeepSeek-V2 paper, section 2.1.2; FlashMLA): every head attends over the compressed
        latent plus the shared rope key, so q·k spans kv_lora_rank + qk_rope_dim and the values
        are the latent itself. Other attention decodes with the prefill head sizes.
        """
        if self.attention == "mla":
            return float(self.kv_lora_rank + self.qk_rope_dim), float(self.kv_lora_rank)
        return self.attn_score_dims()

    def model_flops_per_token(self, seq: int, *, causal: bool = True) -> float:
        """Training FLOPs per token (fwd + bwd, no recompute).

        6 × active matmul weights plus attention. ``causal=True`` (the default, what rackwright's
        MFU uses) counts the score and value products a causal mask leaves, seq/2 keys per query
        on average (the PaLM-style accounting with the causal half); ``causal=False`` is the
        Megatron-LM / NeMo accounting that counts every key (12·L·s·h per token for MHA): for
        GPT-3 175B at s=2048 it reproduces 72·L·h²·(1 + s/6h + V/12hL).
        """
        dqk, dv = self.attn_score_dims()
        attention = 6.0 * self.layers * seq * self.heads * (dqk + dv)
        return 6.0 * self.matmul_params_per_token() + (0.5 if causal else 1.0) * attention

    def matmul_params_per_token(self) -> float:
        """Active weights used in matmuls (the input embedding is a lookup, not a matmul)."""
        return self.active_params() - (0.0 if self.tied_embeddings else self.vocab * self.hidden)


def _package_models() -> dict[str, ModelArch]:
    text = resources.files(DATA_PACKAGE).joinpath("models.toml").read_text(encoding="utf-8")
    return _parse_models(tomllib.loads(text), text, "<perf>/models.toml")


def _parse_models(data: dict[str, Any], text: str, name: str) -> dict[str, ModelArch]:
    rows = data.get("model")
    if not isinstance(rows, list):
        raise InputError("expected [[model]] tables", file=name, field="model")
    models: dict[str, ModelArch] = {}
    for index, row in enumerate(rows):
        try:
            model = ModelArch.model_validate(row)
        except ValidationError as exc:
            raise validation_error(exc, file=name, text=text, base=("model", index)) from None
        if model.id in models:
            raise InputError("duplicate model id", file=name, field="id", value=model.id)
        models[model.id] = model
    return models


def load_models() -> dict[str, ModelArch]:
    """The named models shipped with rackwright, by id."""
    return _package_models()


def load_model_file(path: Path) -> list[ModelArch]:
    """Models from a user TOML (one or more [[model]] tables)."""
    data, text = read_toml(path)
    return list(_parse_models(data, text, str(path)).values())


def resolve_model(spec: str) -> ModelArch:
    """A named model id, or the first model of a TOML file at path ``spec``."""
    if spec.endswith(".toml") or Path(spec).is_file():
        models = load_model_file(Path(spec))
        if not models:
            raise InputError("model file has no [[model]] table", file=spec)
        return models[0]
    named = load_models()
    if spec not in named:
        raise UnknownIdError(
            f"unknown model; use one of {', '.join(named)} or a TOML path",
            field="model",
            value=spec,
        )
    return named[spec]
