"""Versions and the machine description are read from the running environment."""

import os

import keras
import pytest

from rnn_dropout import environment


def test_versions_lists_keras():
    rows = dict(environment.versions())

    assert rows["keras"] == keras.__version__
    assert "Python" in rows


def test_versions_rejects_missing_package():
    with pytest.raises(ValueError, match="'no-such-package' is not installed"):
        environment.versions(("no-such-package",))


def test_machine_names_cpu_count():
    assert f"{os.cpu_count()} CPU cores" in environment.machine()
