"""metric_against_gap_rate draws one panel per gap kind and rejects incomplete summaries."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from rnn_dropout import gap_plots  # noqa: E402

KINDS, RATES = ("timesteps", "blocks", "channels"), (0.0, 0.1, 0.5)


def summary_for(schemes):
    return {
        (s, k, r): {"mean": 0.9 - r, "std": 0.02} for s in schemes for k in KINDS for r in RATES
    }


def test_one_panel_per_kind():
    figure = gap_plots.metric_against_gap_rate(
        summary_for(["none"]), schemes=["none"], kinds=KINDS, rates=RATES, ylabel="accuracy"
    )

    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert len(visible) == len(KINDS)


def test_missing_entry_rejected():
    with pytest.raises(ValueError, match="no entry"):
        gap_plots.metric_against_gap_rate(
            summary_for(["none"]), schemes=["dropout"], kinds=KINDS, rates=RATES, ylabel="a"
        )
