"""Markdown tables and the unrolled-layer figure render, and reject bad input."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from rnn_dropout import plots  # noqa: E402
from rnn_dropout.tables import markdown_table  # noqa: E402


def test_markdown_table_layout():
    table = markdown_table(["a", "b"], [(1, "x"), (2, None)])

    assert table.data.splitlines() == ["| a | b |", "|---|---|", "| 1 | x |", "| 2 | None |"]


def test_markdown_table_rejects_short_row():
    with pytest.raises(ValueError, match="row 1 has 1 cells"):
        markdown_table(["a", "b"], [(1, 2), (3,)])


@pytest.mark.parametrize("timesteps", [1, 3, 6])
def test_unrolled_layer_draws_masks(timesteps):
    fig = plots.unrolled_layer(timesteps)
    labels = [text.get_text() for text in fig.axes[0].texts]

    assert labels.count("$m_x$") == timesteps
    assert labels.count("$m_h$") == timesteps
    assert labels.count("cell") == timesteps


def test_unrolled_layer_without_masks():
    fig = plots.unrolled_layer(2, show_masks=False)
    labels = [text.get_text() for text in fig.axes[0].texts]

    assert "$m_x$" not in labels


@pytest.mark.parametrize("timesteps", [0, 7, 2.0])
def test_unrolled_layer_rejects_bad_timesteps(timesteps):
    with pytest.raises(ValueError, match="timesteps"):
        plots.unrolled_layer(timesteps)
