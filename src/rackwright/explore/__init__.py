"""Vectorized design-space exploration of training configurations on perf's array core."""

from rackwright.explore.economics import Economics
from rackwright.explore.executors import Executor, LocalExecutor, make_executor
from rackwright.explore.pareto import pareto_mask, top_k
from rackwright.explore.search import (
    Candidate,
    ExploreResult,
    RankBound,
    SystemChoice,
    explore,
    gpu_counts,
    make_job,
    parse_gpu_range,
    pick_for_deadline,
    rack_choices,
    system_choices,
)
from rackwright.explore.space import SearchSpace
from rackwright.explore.sweep import TrainingJob

__all__ = [
    "Candidate",
    "Economics",
    "Executor",
    "ExploreResult",
    "LocalExecutor",
    "RankBound",
    "SearchSpace",
    "SystemChoice",
    "TrainingJob",
    "explore",
    "gpu_counts",
    "make_executor",
    "make_job",
    "pareto_mask",
    "parse_gpu_range",
    "pick_for_deadline",
    "rack_choices",
    "system_choices",
    "top_k",
]
