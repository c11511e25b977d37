"""The book benchmark runs in its tiny mode and writes the table it prints."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "benchmark_book.py"


def test_benchmark_floor_tiny(tmp_path):
    output = tmp_path / "benchmark.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--steps", "floor", "--repeats", "1", "--output", output],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(output.read_text())

    assert "floor (kernel + TensorFlow import)" in result.stdout
    assert report["rows"][0]["name"] == "floor (kernel + TensorFlow import)"
    assert report["rows"][0]["median"] > 0


def test_benchmark_rejects_unknown_step():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--steps", "floor,deploy"], capture_output=True, text=True
    )

    assert result.returncode == 2
    assert "unknown steps ['deploy']" in result.stderr
