"""The published single-tier teaching case (Simchi-Levi et al., Interfaces 45(5), 2015).

The expected loss, REI, TTS and red flag of every scenario are read from the results table of
``shared/data/risk/README.md`` (nobody here wrote them) and compared with what
``rackwright bench ttr`` prints.
"""

from __future__ import annotations

import json

import pytest

from conftest import RunCli
from rackwright.risk import analyze, load_network
from shared_data import SHARED_DATA

CASE = SHARED_DATA / "risk" / "teaching_case.toml"
README = SHARED_DATA / "risk" / "README.md"


def published_results() -> dict[str, tuple[float, float, float, bool]]:
    """scenario -> (loss, REI, TTS, red flag) from the README's 'Expected results' table."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| scenario | loss over TTR |") :]
    rows: dict[str, tuple[float, float, float, bool]] = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5:
            break
        rows[cells[0]] = (float(cells[1]), float(cells[2]), float(cells[3]), cells[4] == "yes")
    return rows


def test_readme_table_lists_every_supplier() -> None:
    assert sorted(published_results()) == ["S1", "S2", "S3"]


def test_bench_ttr_reproduces_the_published_case(cli: RunCli) -> None:
    result = cli("bench", "ttr", CASE, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data) == ["scenarios"]
    rows = {row["id"]: row for row in data["scenarios"]}
    expected = published_results()
    assert list(rows) == ["S1", "S2", "S3"]
    for scenario, (loss, rei, tts, red) in expected.items():
        row = rows[scenario]
        assert set(row) == {"id", "disrupted", "ttr", "loss", "rei", "tts", "red_flag"}
        assert row["disrupted"] == [scenario]
        assert row["ttr"] == 2
        assert row["loss"] == pytest.approx(loss, abs=1e-6)
        assert row["rei"] == pytest.approx(rei, abs=5e-4)  # the README rounds REI to 3 places
        assert row["tts"] == pytest.approx(tts, abs=5e-5)  # and TTS to 4
        assert row["red_flag"] is red


def test_losses_fall_on_the_cheaper_product_and_window_is_tts_to_ttr() -> None:
    analysis = analyze(load_network(CASE))
    s3 = analysis.scenario("S3")
    # S3 out: 75 a period for 2 periods + 45 on hand = 195 of the 250 demanded; the 55 units
    # short all fall on P1 (5000 a unit) rather than P2 (6500)
    assert [(p.node, p.lost_units) for p in s3.products] == [("P1", pytest.approx(55.0))]
    assert s3.shortfall_window == (pytest.approx(0.9), 2.0)
    assert analysis.scenario("S1").shortfall_window is None
    assert [s.id for s in analysis.ranking()] == ["S3", "S2", "S1"]
    assert [s.id for s in analysis.red_flags()] == ["S3", "S2"]
    assert analysis.baseline_tts == pytest.approx(999.0)  # 135 a period covers 125: never dry


def test_table_output_names_each_scenario(cli: RunCli) -> None:
    result = cli("bench", "ttr", CASE)
    assert result.code == 0
    for scenario in ("S1", "S2", "S3"):
        assert scenario in result.out
    assert "275,000" in result.out
