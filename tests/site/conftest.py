"""Fixtures for the checks of the built book in _build/html."""

from pathlib import Path

import pytest

BUILD = Path(__file__).resolve().parents[2] / "_build" / "html"


@pytest.fixture(scope="session")
def build_dir() -> Path:
    if not (BUILD / "index.html").is_file():
        pytest.fail(f"{BUILD}/index.html not found; build the book first with `make book`")
    return BUILD
