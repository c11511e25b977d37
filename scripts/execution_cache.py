"""Fill the book's execution cache so that `jupyter-book build` re-executes nothing.

Jupyter Book 1 executes uncached notebooks one after another. This script does the same work
in parallel, with the same machinery (jupyter-cache's ``single_nb_execution``, as MyST-NB calls
it), and stores the results under the notebooks' own paths in ``_build/.jupyter_cache``:

    python scripts/execution_cache.py execute [--workers N]   # run uncached chapters
    python scripts/execution_cache.py add FOLDER               # store notebooks nbmake executed

``add`` lets ``make test`` execute every chapter once: nbmake runs copies under FOLDER with
``--overwrite``, and the build then reads their outputs from the cache.
"""

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from toc_notebooks import ROOT, toc_notebooks

CACHE = ROOT / "_build" / ".jupyter_cache"
TIMEOUT_SECONDS = 300  # the same as `execute.timeout` in _config.yml


def is_cached(cache, notebook: nbformat.NotebookNode) -> bool:
    """Return True when the cache contains outputs for exactly this notebook's code."""
    try:
        cache.match_cache_notebook(notebook)
    except KeyError:
        return False
    return True


def execute_one(path: Path) -> tuple[Path, nbformat.NotebookNode, float, str | None]:
    """Execute one notebook in its own folder; return it with its run time and any traceback."""
    notebook = nbformat.read(ROOT / path, as_version=4)
    result = single_nb_execution(
        notebook,
        cwd=str((ROOT / path).parent),
        timeout=TIMEOUT_SECONDS,
        allow_errors=False,
        meta_override=True,
    )
    return path, notebook, result.time, result.exc_string if result.err else None


def execute(workers: int) -> int:
    """Execute every uncached chapter listed in _toc.yml, ``workers`` at a time."""
    cache = get_cache(str(CACHE))
    pending = [
        path
        for path in toc_notebooks()
        if not is_cached(cache, nbformat.read(ROOT / path, as_version=4))
    ]
    if not pending:
        print("Execution cache: every chapter is up to date.")
        return 0

    print(f"Executing {len(pending)} chapter(s) with {workers} worker(s)...", flush=True)
    failed = []
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path, notebook, seconds, traceback in pool.map(execute_one, pending):
            if traceback:
                failed.append(path)
                print(f"FAILED {path} after {seconds:.1f} s:\n{traceback}", file=sys.stderr)
                continue
            _store(cache, notebook, path, seconds)
            print(f"  {path}: {seconds:.1f} s", flush=True)

    print(f"Executed in {time.perf_counter() - start:.1f} s of wall time.")
    return 1 if failed else 0


def add(folder: Path) -> int:
    """Store notebooks executed under ``folder`` as the outputs of the same paths in the book."""
    cache = get_cache(str(CACHE))
    for path in toc_notebooks():
        executed = folder / path
        if not executed.is_file():
            print(f"{executed} not found; run nbmake with --overwrite on it first", file=sys.stderr)
            return 1
        notebook = nbformat.read(executed, as_version=4)
        seconds = _recorded_seconds(notebook)
        for cell in notebook.cells:
            # nbclient records timings in cell metadata, which is part of the cache's hash.
            cell.metadata.pop("execution", None)
        _store(cache, notebook, path, seconds)
    print(f"Execution cache: stored {len(toc_notebooks())} chapter(s) executed by nbmake.")
    return 0


def _recorded_seconds(notebook: nbformat.NotebookNode) -> float | None:
    # From the first cell's start to the last cell's reply, as nbclient recorded them.
    stamps = [cell.metadata.get("execution", {}) for cell in notebook.cells]
    starts = [s["iopub.execute_input"] for s in stamps if "iopub.execute_input" in s]
    ends = [s["shell.execute_reply"] for s in stamps if "shell.execute_reply" in s]
    if not starts or not ends:
        return None
    first, last = datetime.fromisoformat(min(starts)), datetime.fromisoformat(max(ends))
    return (last - first).total_seconds()


def _store(cache, notebook, path: Path, seconds: float | None) -> None:
    data = {} if seconds is None else {"execution_seconds": seconds}
    bundle = CacheBundleIn(notebook, str(ROOT / path), data=data)
    cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("execute", help="execute uncached chapters in parallel")
    run.add_argument("--workers", type=int, default=2, help="notebooks run at once (default 2)")
    store = commands.add_parser("add", help="store chapters executed under FOLDER")
    store.add_argument("folder", type=Path, help="folder that mirrors the book's layout")
    arguments = parser.parse_args()

    if arguments.command == "execute":
        if arguments.workers < 1:
            parser.error(f"--workers must be at least 1, got {arguments.workers}")
        return execute(arguments.workers)
    return add(arguments.folder)


if __name__ == "__main__":
    sys.exit(main())
