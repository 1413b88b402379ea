"""``rackwright perf`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared_data import SHARED_DATA

DATA = SHARED_DATA / "perf" / "calibration.csv"


def test_models_json_lists_every_named_model(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("perf", "models", "--json")
    assert result.code == 0
    by_id = {m["id"]: m for m in json.loads(result.out)}
    assert len(by_id) == 18
    assert by_id["deepseek-v3"]["total_params"] / 1e9 == pytest.approx(671, rel=0.01)


def test_train_json_reports_time_memory_and_mfu(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "perf", "train", "--model", "llama3-70b", "--system", "dgx-h100", "--gpus", "64",
        "--tp", "4", "--pp", "4", "--vpp", "5", "--cp", "2", "--gbs", "128",
        "--precision", "fp8", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["fits"] is True
    tokens = 128 * 8192
    assert data["tokens_per_s_per_gpu"] == pytest.approx(tokens / (data["step_s"] * 64))
    assert 0.2 < data["mfu"] < 0.6
    assert data["memory_bytes"]["total_bytes"] < 80e9


def test_train_invalid_layout_is_one_line_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "perf", "train", "--model", "llama3-70b", "--system", "dgx-h100", "--gpus", "64",
        "--tp", "48", "--dp", "1", "--gbs", "8",
    )  # fmt: skip
    assert result.code == 2
    assert len(result.err_lines) == 1 and "heads" in result.err


def test_train_with_a_custom_model_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[model]]\nid = "mine"\nname = "Mine 1B"\nlayers = 16\nhidden = 2048\nheads = 16\n'
        "ffn = 8192\nvocab = 32000\nseq = 2048\n"
    )
    result = cli("perf", "train", "--model", path, "--system", "dgx-h100", "--gpus", "8",
                 "--gbs", "64", "--json")  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out)["model"] == "mine"


def test_infer_json_at_a_rate(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "perf", "infer", "--model", "llama2-70b", "--system", "hgx-h200", "--precision", "fp8",
        "--isl", "294", "--osl", "294", "--rate", "5", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["server_tokens_per_s"] <= data["max_throughput_tokens_per_s"]
    assert data["meets_limits"] is True
    assert data["ttft_s"] < 2.0


def test_unknown_system_is_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("perf", "infer", "--model", "llama2-70b", "--system", "dgx-z9")
    assert result.code == 2 and "dgx-z9" in result.err


def test_microbench_without_torch_is_one_line_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("perf", "microbench", "--out", tmp_path / "mb.toml")
    assert result.code == 2
    assert len(result.err_lines) == 1 and "torch" in result.err.lower()
    assert not (tmp_path / "mb.toml").exists()


def test_calibrate_writes_a_file_validate_can_load(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = DATA.read_text().splitlines()
    subset = tmp_path / "subset.csv"
    subset.write_text("\n".join([lines[0], *[ln for ln in lines[1:] if ln.startswith("K")]]) + "\n")
    out = tmp_path / "cal.toml"
    result = cli("perf", "calibrate", "--data", subset, "--out", out, "--json")
    assert result.code == 0, result.err
    fitted = json.loads(result.out)["fitted"]
    assert "ampere.unfused_attn_eff" in fitted  # the 2022 Megatron-LM runs: no flash attention
    assert "subset.csv" in out.read_text()
    val = cli("perf", "validate", "--data", subset, "--calibration", out, "--json")
    data = json.loads(val.out)
    assert data["summary"]["train"]["n"] == 8
    assert data["summary"]["train"]["mape_pct"] <= 5.0


def test_validate_table_output(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("perf", "validate", "--data", DATA)
    assert result.code == 0
    assert "MB2509-H100-DSV3" in result.out and "mean abs. error" in result.out


def test_calibrate_fits_on_several_data_files(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = DATA.read_text().splitlines()
    first, second = tmp_path / "k22.csv", tmp_path / "k175.csv"
    first.write_text("\n".join([lines[0], *[ln for ln in lines if ln.startswith("K22")]]) + "\n")
    second.write_text("\n".join([lines[0], *[ln for ln in lines if ln.startswith("K175")]]) + "\n")
    out = tmp_path / "cal.toml"
    result = cli(
        "perf", "calibrate", "--data", first, "--data", second, "--out", out, "--json"
    )  # fmt: skip
    assert result.code == 0, result.err
    text = out.read_text()
    assert "k22.csv + k175.csv" in text
    # both files' rows are the provenance of a parameter they both exercise
    assert "K22-full" in text and "K175-full" in text


def test_validate_defaults_to_the_packaged_copy_of_the_calibration_rows(cli) -> None:  # type: ignore[no-untyped-def]
    from rackwright.perf.reference import packaged_calibration_csv, packaged_extra_csv

    packaged = packaged_calibration_csv()
    assert packaged.read_bytes() == DATA.read_bytes()  # an unchanged copy of the shared file
    extra = packaged_extra_csv()
    default = cli("perf", "validate", "--json")
    explicit = cli("perf", "validate", "--data", DATA, "--data", extra, "--json")
    assert default.code == 0 and explicit.code == 0, default.err
    assert json.loads(default.out) == json.loads(explicit.out)
    rows = len(DATA.read_text().strip().splitlines()) + len(extra.read_text().strip().splitlines())
    assert len(json.loads(default.out)["rows"]) == rows - 2  # both headers
    assert "shipped with rackwright" in " ".join(cli("perf", "validate", "--help").out.split())


def test_train_title_and_json_show_the_layout_used(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("perf", "train", "--model", "llama3-70b", "--system", "dgx-h100", "--gpus", "512",
            "--tp", "8", "--pp", "4", "--gbs", "512", "--precision", "fp8")  # fmt: skip
    table = cli(*args)
    assert table.code == 0, table.err
    flat = " ".join(table.out.split())
    # was "on 512 x dgx-h100" (512 is the GPU count, not the systems)
    assert "on 512 GPUs (64 x dgx-h100" in flat and "dp16" in flat and "seq 8192" in flat
    data = json.loads(cli(*args, "--json").out)
    assert data["parallel"]["dp"] == 16 and data["parallel"]["seq"] == 8192  # were 0 and 0
    assert "causal" in data["flops_convention"]


def test_models_table_names_gqa_models_gqa(cli) -> None:  # type: ignore[no-untyped-def]
    by_id = {m["id"]: m for m in json.loads(cli("perf", "models", "--json").out)}
    assert by_id["llama3-70b"]["attention"] == "gqa"  # was "mha"
    assert by_id["gpt3-175b"]["attention"] == "mha"
    assert by_id["deepseek-v3"]["attention"] == "mla"
    assert "gqa 64/8" in cli("perf", "models").out


def test_latency_limits_take_the_units_scenario_files_use(cli) -> None:  # type: ignore[no-untyped-def]
    base = ("perf", "infer", "--model", "llama3-8b", "--system", "dgx-h100", "--json")
    with_units = json.loads(cli(*base, "--ttft-limit", "500 ms", "--tpot-limit", "40 ms").out)
    bare = json.loads(cli(*base, "--ttft-limit", "0.5", "--tpot-limit", "0.04").out)
    assert with_units["config"]["tpot_limit_s"] == pytest.approx(0.04)
    assert with_units["config"]["ttft_limit_s"] == pytest.approx(0.5)
    assert with_units["server_tokens_per_s"] == bare["server_tokens_per_s"]


def test_tp8_decode_sustains_a_rate_or_says_why(cli) -> None:  # type: ignore[no-untyped-def]
    # was: a sustainable rate of 0 with no reason (a fitted 160 us per all-reduce)
    ok = cli("perf", "infer", "-m", "llama3-70b", "-s", "hgx-h200", "--tp", "8",
             "--tpot-limit", "0.03", "--json")  # fmt: skip
    data = json.loads(ok.out)
    assert data["gpus"] == 8 and data["max_rate_req_per_s"] > 0 and data["idle_tpot_s"] < 0.01
    tight = cli("perf", "infer", "-m", "llama3-70b", "-s", "hgx-h200", "--tpot-limit", "5 ms")
    assert tight.code == 0 and "why the rate is 0" in tight.out and "TPOT" in tight.out


def test_calibrate_summary_is_what_validate_reproduces(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # was: calibrate printed a worst error (15.2 %) that validate on the same file did not give
    # (10.5 %): the calibration file was laid over the shipped parameters when loaded
    lines = DATA.read_text().splitlines()
    subset = tmp_path / "k.csv"
    subset.write_text("\n".join([lines[0], *[ln for ln in lines[1:] if ln.startswith("K")]]) + "\n")
    out = tmp_path / "cal.toml"
    fit = json.loads(cli("perf", "calibrate", "--data", subset, "--out", out, "--json").out)
    check = json.loads(
        cli("perf", "validate", "--data", subset, "--calibration", out, "--json").out
    )
    assert fit["summary"]["train"] == check["summary"]["train"]
    assert "complete = true" in out.read_text()


def test_calibrate_reports_what_it_fits_and_how_far(tmp_path: Path) -> None:
    from rackwright.catalog import load_catalog
    from rackwright.perf.calibrate import STEP_LEVELS, FitProgress, calibrate
    from rackwright.perf.efficiency import load_priors
    from rackwright.perf.reference import read_reference

    rows = [r for r in read_reference(DATA) if r.id.startswith("K22")]
    seen: list[FitProgress] = []
    calibrate(rows, load_priors(), "progress test", load_catalog(), seen.append)
    assert seen and seen[-1].level == STEP_LEVELS and seen[-1].fraction == 1.0
    assert [p.level for p in seen] == sorted(p.level for p in seen)
    assert all(p.rows == 2 and p.params > 0 for p in seen)
    assert "parameters on 2 rows" in seen[0].describe()
