"""Figures for the gap experiments: a metric against gap rate, and per-seed errors by method.

Introduced in the chapter "Gaps in sequence classification".
"""

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from rnn_dropout.reproducibility import PALETTE

BASELINE_STYLES = ("--", ":", "-.")


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


def errors_by_method(
    groups: Mapping[str, Sequence[float]],
    baselines: Mapping[str, float],
    *,
    xlabel: str,
    colours: Mapping[str, str] | None = None,
) -> plt.Figure:
    """Draw each method's per-seed errors as dots with a tick at their mean, one row each.

    Baselines, which have one error each, are vertical lines named in a legend above the axes.

    Introduced in the chapter "Real gaps: forecasting weekly CO2".

    Args:
        groups: Method label to its errors, one per seed, top row first.
        baselines: Baseline label to its error.
        xlabel: Label of the x axis.
        colours: Optional method label to dot colour; the default is the first palette colour.

    Returns:
        The figure.

    Raises:
        ValueError: If groups is empty, a method has no errors, or an error is not finite.
    """
    if not groups:
        raise ValueError(
            "groups must map at least one method label to its per-seed errors, got an empty mapping"
        )
    values = {label: np.asarray(errors, dtype=float) for label, errors in groups.items()}
    for label, errors in values.items():
        if errors.ndim != 1 or errors.size == 0:
            raise ValueError(
                f"method {label!r} needs a flat, non-empty sequence of per-seed errors, "
                f"got {errors!r}"
            )
    named = {**values, **{label: np.array([error]) for label, error in baselines.items()}}
    for label, errors in named.items():
        if not np.isfinite(errors).all():
            raise ValueError(
                f"errors of {label!r} must be finite numbers, got {errors.tolist()}; "
                "remove the runs that failed or diverged"
            )
    colours = dict(colours or {})

    figure, ax = plt.subplots(figsize=(7.0, 0.42 * len(values) + 1.3), layout="constrained")
    rows = np.arange(len(values))[::-1]
    for row, (label, errors) in zip(rows, values.items(), strict=True):
        colour = colours.get(label, PALETTE[0])
        ax.plot(errors, np.full(errors.size, row), "o", color=colour, alpha=0.6, markersize=5)
        ax.plot([errors.mean()], [row], "|", color="black", markersize=16, markeredgewidth=2)
    for index, (label, error) in enumerate(baselines.items()):
        style = BASELINE_STYLES[index % len(BASELINE_STYLES)]
        ax.axvline(error, color=PALETTE[6], linestyle=style, linewidth=1.2, label=label)
    if baselines:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(baselines))
    ax.set_yticks(rows, list(values))
    ax.set_ylim(-0.6, len(values) - 0.4)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    return figure
