"""Figures for the gap experiments: a metric against gap rate, one panel per gap kind.

Introduced in the chapter "Gaps in sequence classification".
"""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from rnn_dropout.reproducibility import PALETTE


def metric_against_gap_rate(
    summary: dict[tuple, dict],
    *,
    schemes: Sequence[str],
    kinds: Sequence[str],
    rates: Sequence[float],
    ylabel: str,
) -> plt.Figure:
    """Plot the mean of a metric against gap rate with a band of one standard deviation.

    Args:
        summary: Output of ``experiments.summarize(..., by=("scheme", "gap", "gap_rate"))``;
            rate 0.0 of every kind is the clean test set.
        schemes: Training schemes, one line each, in legend order (at most 8).
        kinds: Gap kinds, one panel each.
        rates: Gap rates on the x axis, including 0.0.
        ylabel: Label of the y axis.

    Returns:
        The figure.

    Raises:
        ValueError: If there are more than 8 schemes or a (scheme, kind, rate) is missing.
    """
    if len(schemes) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} schemes fit the palette, got {len(schemes)}")
    # Two panels a row keep the figure readable in the book's narrow text column.
    columns = min(2, len(kinds))
    rows = -(-len(kinds) // columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(3.6 * columns, 2.9 * rows), sharey=True, squeeze=False
    )
    axes = axes.ravel()
    for ax in axes[len(kinds) :]:
        ax.set_visible(False)
    for ax, kind in zip(axes, kinds, strict=False):
        for colour, scheme in zip(PALETTE, schemes, strict=False):
            missing = [r for r in rates if (scheme, kind, r) not in summary]
            if missing:
                raise ValueError(f"summary has no entry for {scheme!r}, {kind!r}, rates {missing}")
            means = np.array([summary[(scheme, kind, r)]["mean"] for r in rates])
            stds = np.array([summary[(scheme, kind, r)]["std"] for r in rates])
            ax.plot(rates, means, marker="o", markersize=3, color=colour, label=scheme)
            ax.fill_between(rates, means - stds, means + stds, color=colour, alpha=0.15)
        ax.set_xlabel(f"fraction missing ({kind})")
        ax.grid(alpha=0.3)
    for ax in axes[::columns]:
        ax.set_ylabel(ylabel)
    axes[len(kinds) - 1].legend(fontsize=7, loc="lower left")
    figure.tight_layout()
    return figure
