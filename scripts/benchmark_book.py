"""Measure what the book costs to build and test on this machine, and print one table.

Steps, each optional (``--steps``):

- ``floor``: start a kernel and import TensorFlow, Keras and the helper package (the least
  any chapter can take), median of ``--repeats`` tries;
- ``chapters``: execute every chapter listed in _toc.yml, one at a time, ``--repeats`` times;
- ``book-cold``: ``make book`` after removing ``_build`` (packages already installed);
- ``book-rebuild``: ``make book`` again with nothing changed;
- ``test``: ``make test``.

The table (median, spread as min to max, ratio of each chapter to the floor, budget) is printed
and written with the raw times to ``_build/benchmark.json``. Run it on an otherwise idle
machine: other processes on the two cores inflate every number.
"""

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from toc_notebooks import ROOT, toc_notebooks

STEPS = ("floor", "chapters", "book-cold", "book-rebuild", "test")
BUDGET_SECONDS = {"chapter": 180, "book-cold": 360, "book-rebuild": 20, "test": 600}
FLOOR_CODE = (
    "import keras, tensorflow\nfrom rnn_dropout import reproducibility\nreproducibility.setup()"
)
OUTPUT = ROOT / "_build" / "benchmark.json"


def time_notebook(notebook: nbformat.NotebookNode, folder: Path) -> float:
    """Return the wall time of starting a kernel and executing ``notebook`` in ``folder``."""
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def time_floor() -> float:
    """Return the wall time of a kernel that only imports what every chapter imports."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CODE)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return time_notebook(notebook, ROOT)


def time_command(command: list[str], *, clean_build: bool = False) -> float:
    """Return the wall time of a shell command run in the repository, failing if it fails."""
    if clean_build:
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def summarize(name: str, times: list[float], budget: float | None, floor: float | None) -> dict:
    """Return one table row: median, min, max, ratio to the floor and the budget verdict."""
    median = statistics.median(times)
    return {
        "name": name,
        "times": times,
        "median": median,
        "min": min(times),
        "max": max(times),
        "floor_ratio": median / floor if floor else None,
        "budget": budget,
        "within_budget": None if budget is None else median <= budget,
    }


def format_table(rows: list[dict]) -> str:
    """Format the rows as a fixed-width text table."""
    header = (
        f"{'step':<42}{'median s':>10}{'min s':>9}{'max s':>9}{'x floor':>9}{'budget s':>10}  ok"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        ratio = "" if row["floor_ratio"] is None else f"{row['floor_ratio']:.1f}"
        budget = "" if row["budget"] is None else f"{row['budget']:.0f}"
        verdict = {None: "", True: "yes", False: "NO"}[row["within_budget"]]
        lines.append(
            f"{row['name']:<42}{row['median']:>10.1f}{row['min']:>9.1f}{row['max']:>9.1f}"
            f"{ratio:>9}{budget:>10}  {verdict}"
        )
    return "\n".join(lines)


def run(steps: list[str], repeats: int) -> list[dict]:
    """Measure the chosen steps and return the table rows."""
    rows = []
    floor = None
    if "floor" in steps:
        times = [time_floor() for _ in range(repeats)]
        floor = statistics.median(times)
        rows.append(summarize("floor (kernel + TensorFlow import)", times, None, None))

    if "chapters" in steps:
        for path in toc_notebooks():
            notebook = nbformat.read(ROOT / path, as_version=4)
            folder = (ROOT / path).parent
            times = [time_notebook(nbformat.from_dict(notebook), folder) for _ in range(repeats)]
            rows.append(summarize(str(path), times, BUDGET_SECONDS["chapter"], floor))
            print(f"  {path}: {statistics.median(times):.1f} s", file=sys.stderr, flush=True)

    commands = {
        "book-cold": (["make", "book"], True),
        "book-rebuild": (["make", "book"], False),
        "test": (["make", "test"], False),
    }
    for step, (command, clean_build) in commands.items():
        if step in steps:
            seconds = time_command(command, clean_build=clean_build)
            rows.append(
                summarize(f"make {command[1]} ({step})", [seconds], BUDGET_SECONDS[step], None)
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help=f"comma-separated steps to measure, from {', '.join(STEPS)} (default: all)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="tries of floor and chapters")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the JSON")
    arguments = parser.parse_args()

    steps = [step.strip() for step in arguments.steps.split(",") if step.strip()]
    unknown = [step for step in steps if step not in STEPS]
    if unknown or not steps:
        parser.error(f"unknown steps {unknown}; choose from {', '.join(STEPS)}")
    if arguments.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {arguments.repeats}")

    rows = run(steps, arguments.repeats)
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}")
    print(format_table(rows))

    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(
        json.dumps({"machine": platform.platform(), "rows": rows}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
