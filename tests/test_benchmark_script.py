"""The standalone GPU benchmark script runs on CPU and reports every configuration."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_dropout.benchmark import CONFIGURATIONS, build_model

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "benchmark_rnn_dropout.py"
TINY = ["--batch", "2", "--timesteps", "3", "--features", "2", "--units", "2"]
TINY += ["--steps", "1", "--repeats", "2", "--warmup", "1", "--layer", "lstm"]


@pytest.fixture(scope="module")
def script_run(tmp_path_factory):
    json_path = tmp_path_factory.mktemp("benchmark") / "results.json"
    env = os.environ | {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), *TINY, "--json", str(json_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    return completed, json_path


def test_script_exits_successfully(script_run):
    completed, _ = script_run

    assert completed.returncode == 0, completed.stderr[-2000:]


def test_script_table_lists_every_configuration(script_run):
    completed, _ = script_run
    table_rows = [line for line in completed.stdout.splitlines() if line.startswith("| ")]

    for name in CONFIGURATIONS:
        assert any(row.startswith(f"| {name} |") for row in table_rows), name


def test_script_json_lists_every_configuration(script_run):
    _, json_path = script_run
    report = json.loads(json_path.read_text())

    assert [row["configuration"] for row in report["results"]] == list(CONFIGURATIONS)
    assert report["results"][0]["ratio"] == 1.0
    assert report["settings"]["layer"] == "lstm"
    assert report["machine"]["backend"] == "tensorflow"


def test_script_prints_hardware(script_run):
    completed, _ = script_run

    assert "CPU count:" in completed.stdout
    assert "GPUs:" in completed.stdout


def _load_script():
    spec = importlib.util.spec_from_file_location("benchmark_rnn_dropout", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_script_configurations_match_chapter():
    # The script repeats the table because it must run without the helper package installed.
    assert _load_script().CONFIGURATIONS == CONFIGURATIONS


def test_script_rejects_zero_repeats(capsys):
    script = _load_script()

    with pytest.raises(SystemExit) as exit_info:
        script.parse_args(["--repeats", "0"])

    assert exit_info.value.code == 2
    assert "--repeats" in capsys.readouterr().err


def test_build_model_rejects_unknown_configuration():
    with pytest.raises(ValueError, match="unknown configuration 'zoneout'"):
        build_model("zoneout", timesteps=3, features=2, units=2)


def test_build_model_rejects_bad_rate():
    with pytest.raises(ValueError, match="rate must be in"):
        build_model("dropout", timesteps=3, features=2, units=2, rate=1.0)


def test_build_model_recurrent_dropout_configuration():
    model = build_model("both", layer="lstm", timesteps=3, features=2, units=2, rate=0.3)
    rnn = model.layers[-2]

    assert rnn.dropout == 0.3
    assert rnn.recurrent_dropout == 0.3
