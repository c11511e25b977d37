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


def test_errors_by_method_rows_and_baselines():
    groups = {"GRU, zeros": [0.5, 0.6, 0.55], "GRU, indicator": [0.4, 0.45]}
    figure = gap_plots.errors_by_method(groups, {"last value": 0.7}, xlabel="error (ppm)")

    ax = figure.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == list(groups)
    assert [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"] == [0.7]


@pytest.mark.parametrize(
    ("groups", "baselines", "message"),
    [
        ({}, {}, "at least one method label"),
        ({"GRU": []}, {}, "'GRU' needs a flat, non-empty sequence"),
        ({"GRU": [0.5, float("nan")]}, {}, "errors of 'GRU' must be finite"),
        ({"GRU": [0.5]}, {"last value": float("inf")}, "errors of 'last value' must be finite"),
    ],
)
def test_errors_by_method_rejects_bad_input(groups, baselines, message):
    with pytest.raises(ValueError, match=message):
        gap_plots.errors_by_method(groups, baselines, xlabel="error")
