"""Committed notebooks carry no outputs, and every chapter notebook is part of the book."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from toc_notebooks import toc_notebooks  # noqa: E402

NOTEBOOKS = sorted(ROOT.glob("chapters/**/*.ipynb"))


def _code_cells(path):
    notebook = json.loads(path.read_text())
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path):
    dirty = [i for i, cell in enumerate(_code_cells(path)) if cell["outputs"]]

    assert not dirty, f"{path.name}: code cells {dirty} carry outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_execution_counts(path):
    counted = [i for i, cell in enumerate(_code_cells(path)) if cell["execution_count"]]

    assert not counted, f"{path.name}: code cells {counted} carry execution counts"


def test_every_chapter_in_toc():
    listed = {ROOT / path for path in toc_notebooks()}
    missing = [path.name for path in NOTEBOOKS if path not in listed]

    assert not missing, f"notebooks not listed in _toc.yml: {missing}"
