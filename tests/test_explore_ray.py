"""The Ray executor on a real local Ray cluster gives the same answer as the local one."""

from __future__ import annotations

import sys

import pytest
import ray

from conftest import RunCli
from rackwright.catalog import load_catalog
from rackwright.explore import LocalExecutor, explore, make_job, system_choices
from rackwright.explore.ray_executor import RayExecutor
from rackwright.perf.models import load_models


def test_ray_and_local_executors_find_the_same_configurations(ray_cluster: None) -> None:
    catalog = load_catalog([])
    model = load_models()["mixtral-8x22b"]
    choices = system_choices(catalog, ["dgx-h100", "gb200-nvl72"], "us-tx", 64, 1024)
    job = make_job(model, 2e12, "fp8", 4096)
    local = explore(model, choices, job, objective="cost", top=5, executor=LocalExecutor())
    executor = RayExecutor()
    remote = explore(model, choices, job, objective="cost", top=5, executor=executor)
    executor.close()
    assert ray.is_initialized()  # the executor leaves a cluster it did not start running
    assert remote.configs_evaluated == local.configs_evaluated > 0
    assert remote.configs_valid == local.configs_valid
    assert remote.best == local.best
    assert remote.pareto == local.pareto
    assert [c.cost_usd for c in local.best] == sorted(c.cost_usd for c in local.best)


def test_without_ray_the_cli_says_so_in_one_line(
    cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail as if not installed
    result = cli("explore", "--model", "llama3-8b", "--gpus", "8", "--executor", "ray")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "needs Ray" in result.err_lines[0] and "--executor local" in result.err_lines[0]


def test_local_processes_and_threads_agree_with_sequential() -> None:
    catalog = load_catalog([])
    model = load_models()["llama3-70b"]
    choices = system_choices(catalog, ["hgx-h200", "gb300-nvl72"], "us-tx", 64, 2048)
    job = make_job(model, 15e12, "fp8", 8192)
    runs = [
        explore(model, choices, job, objective="time", top=4, executor=executor)
        for executor in (LocalExecutor(), LocalExecutor(2), LocalExecutor(2, processes=True))
    ]
    assert runs[0].configs_valid > 0
    for other in runs[1:]:
        assert other.best == runs[0].best
        assert other.pareto == runs[0].pareto
        assert other.configs_evaluated == runs[0].configs_evaluated
