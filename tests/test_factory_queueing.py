"""The factory engine on textbook queues, against closed forms nobody here wrote.

Closed forms: M/M/1 (Wq = rho / (mu - lambda)), Erlang C for M/M/c, Burke/Jackson for tandems
(Kleinrock, Queueing Systems vol. 1). Run lengths were sized so that 2 % is more than three
standard errors for every figure: 100 seeds of the M/M/1 at utilization 0.9 with this exact plan
(48 replications x 158k jobs, 10 % warm-up, control variates) put the worst error at 1.45 % and
the standard error at 0.52 %; 8 seeds each of the M/M/c and tandem plans below stayed under
0.7 % and 1.2 % with standard errors near 0.5 %. Seeds are fixed, so the tests are deterministic.
"""

from __future__ import annotations

import json

import pytest

from conftest import RunCli
from rackwright.errors import InputError
from rackwright.explore.executors import LocalExecutor
from rackwright.factory.queueing import (
    METRICS,
    BenchRun,
    QueueBenchResult,
    erlang_c,
    mmc_theory,
    queue_system,
    run_queue_bench,
    theory,
)


def _check(result: QueueBenchResult) -> None:
    for metric in METRICS:
        assert result.relative_error(metric) < 0.02, (metric, result.simulated, result.theory)
        assert result.ci95[metric].covers(getattr(result.theory, metric)), metric
    assert result.little_holds


def test_closed_forms_agree_with_textbook_values() -> None:
    # M/M/1 at rho = 0.9: Wq = 0.9 / 0.1 = 9, W = 10, Lq = 8.1, L = 9
    one = mmc_theory(0.9, 1.0, 1)
    assert (one.wq, one.w, one.lq, one.l) == pytest.approx((9.0, 10.0, 8.1, 9.0))
    # Erlang C: two servers at a = 1 erlang wait with probability 1/3; a = 2 on three: 4/9
    assert erlang_c(1.0, 2) == pytest.approx(1 / 3)
    assert erlang_c(2.0, 3) == pytest.approx(4 / 9)
    # a tandem of three M/M/1 at rho = 0.7 is three independent M/M/1 (Burke, Jackson)
    tandem = theory(queue_system("tandem", 0.7, 1.0, 1, 3))
    assert tandem.l == pytest.approx(3 * 0.7 / 0.3)
    assert tandem.utilization == pytest.approx(0.7)


@pytest.mark.slow
def test_mm1_at_utilization_09_within_2_percent_and_covered() -> None:
    system = queue_system("mm1", 0.9, 1.0)
    run = BenchRun(replications=48, relative_error=0.005, seed=2026)
    _check(run_queue_bench(system, run, LocalExecutor(2, processes=True)))


def test_mmc_within_2_percent_and_covered() -> None:
    system = queue_system("mmc", 2.4, 1.0, servers=3)  # utilization 0.8
    run = BenchRun(replications=24, jobs_per_replication=70_000, seed=2026)
    _check(run_queue_bench(system, run, LocalExecutor(2, processes=True)))


def test_tandem_within_2_percent_and_covered() -> None:
    system = queue_system("tandem", 0.7, 1.0, stations=3)
    run = BenchRun(replications=24, jobs_per_replication=45_000, seed=2026)
    _check(run_queue_bench(system, run, LocalExecutor(2, processes=True)))


def test_unstable_and_malformed_queues_are_one_line_errors(cli: RunCli) -> None:
    with pytest.raises(InputError, match="unstable"):
        queue_system("mm1", 1.0, 1.0)
    for args, needle in (
        (["--kind", "mm1", "--arrival-rate", "2", "--service-rate", "1"], "unstable"),
        (["--kind", "mmk", "--arrival-rate", "0.5", "--service-rate", "1"], "unknown queue kind"),
        (["--kind", "mm1", "--arrival-rate", "0.5", "--service-rate", "-1"], "service-rate"),
        (
            ["--kind", "mmc", "--arrival-rate", "0.5", "--service-rate", "1", "--servers", "0"],
            "servers",
        ),
    ):
        result = cli("bench", "queue", *args)
        assert result.code == 2, args
        assert len(result.err_lines) == 1 and needle in result.err_lines[0], result.err


def test_bench_queue_json_has_exactly_the_documented_shape(cli: RunCli) -> None:
    result = cli(
        "bench",
        "queue",
        "--kind",
        "mmc",
        "--arrival-rate",
        "1.5",
        "--service-rate",
        "1",
        "--servers",
        "2",
        "--replications",
        "4",
        "--jobs",
        "3000",
        "--json",
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == {"simulated", "theory"}
    assert set(data["simulated"]) == {"wq", "w", "lq", "l", "utilization", "ci95"}
    assert set(data["theory"]) == {"wq", "w", "lq", "l", "utilization"}
    assert set(data["simulated"]["ci95"]) == set(METRICS)
    for metric in METRICS:
        band = data["simulated"]["ci95"][metric]
        assert band["lo"] <= data["simulated"][metric] <= band["hi"]
    # Little's law on the estimates themselves: L = lambda W, Lq = lambda Wq
    sim = data["simulated"]
    assert sim["l"] == pytest.approx(1.5 * sim["w"], rel=0.02)
    assert sim["lq"] == pytest.approx(1.5 * sim["wq"], rel=0.05)
    text = cli(
        "bench",
        "queue",
        "--kind",
        "mm1",
        "--arrival-rate",
        "0.5",
        "--service-rate",
        "1",
        "--replications",
        "3",
        "--jobs",
        "2000",
    )
    assert text.code == 0 and "Little's law L = lambda W holds" in text.out
