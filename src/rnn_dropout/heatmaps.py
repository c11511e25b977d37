"""Figures of dropout keep masks: timestep-by-feature heatmaps and whole-timestep drop rates.

Introduced in the chapter 'A separate Dropout layer'.
"""

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from rnn_dropout.reproducibility import PALETTE

KEPT_COLOUR = "#cfe1f2"
DROPPED_COLOUR = PALETTE[1]


def mask_panels(
    masks: Mapping[str, np.ndarray],
    *,
    sequences: int = 3,
    columns: int = 4,
    width_labels: Mapping[str, str] | None = None,
) -> plt.Figure:
    """Draw one heatmap per keep mask: timesteps down, features across, sequences side by side.

    Each panel shows the first `sequences` sequences of a (batch, timesteps, width) keep mask,
    separated by a blank column. Dropped entries are dark orange and kept entries light blue.

    Introduced in the chapter 'A separate Dropout layer'.

    Args:
        masks: Panel label to keep mask, boolean or 0/1, of shape (batch, timesteps, width).
        sequences: How many sequences to show per panel, at least 1.
        columns: Panels per row, at least 1.
        width_labels: Optional panel label to x-axis label; the default is "feature".

    Returns:
        The figure.

    Raises:
        ValueError: If masks is empty, a mask is not rank 3 or has fewer than `sequences`
            sequences, or sequences or columns is below 1.
    """
    if not masks:
        raise ValueError("masks must contain at least one keep mask, got an empty mapping")
    if sequences < 1 or columns < 1:
        raise ValueError(f"sequences and columns must be at least 1, got {sequences}, {columns}")
    width_labels = dict(width_labels or {})

    rows = -(-len(masks) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(2.6 * columns, 2.9 * rows), squeeze=False, layout="constrained"
    )
    cmap = ListedColormap([DROPPED_COLOUR, KEPT_COLOUR]).with_extremes(bad="white")

    for ax, (label, mask) in zip(axes.flat, masks.items(), strict=False):
        image = _side_by_side(np.asarray(mask), sequences, label)
        ax.imshow(image, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel(f"{width_labels.get(label, 'feature')}, {sequences} sequences", fontsize=8)
        ax.set_ylabel("timestep", fontsize=8)
        ax.set_xticks([])
        ax.tick_params(labelsize=7)
        ax.grid(False)

    for ax in axes.flat[len(masks) :]:
        ax.set_axis_off()
    legend = [Patch(color=KEPT_COLOUR, label="kept"), Patch(color=DROPPED_COLOUR, label="dropped")]
    fig.legend(handles=legend, loc="outside lower center", ncols=2)
    return fig


def timestep_drop_plot(
    features: Sequence[int],
    theory: Mapping[float, Sequence[float]],
    measured: Mapping[float, Sequence[float]],
    reliable: Mapping[float, Sequence[bool]],
) -> plt.Figure:
    """Plot the probability that a whole timestep is dropped against the number of features.

    Lines are the theory rate**F; markers are measured frequencies, filled where the expected
    count was large enough to measure and hollow where it was not. A measured frequency of
    0 cannot be drawn on the log axis and is left out.

    Introduced in the chapter 'A separate Dropout layer'.

    Args:
        features: The feature counts F on the x axis.
        theory, measured, reliable: Per rate, one value per F.

    Returns:
        The figure.

    Raises:
        ValueError: If the rates of the three mappings differ or a sequence has the wrong length.
    """
    if not (set(theory) == set(measured) == set(reliable)):
        raise ValueError("theory, measured and reliable must have the same rates as keys")
    features = np.asarray(features)

    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    smallest_seen = 1.0
    for colour, rate in zip(PALETTE, sorted(theory), strict=False):
        values = [np.asarray(m[rate], dtype=float) for m in (theory, measured)]
        ok = np.asarray(reliable[rate], dtype=bool)
        if any(len(v) != len(features) for v in (*values, ok)):
            raise ValueError(f"rate {rate}: every sequence must have {len(features)} values")

        expected, observed = values
        ax.plot(features, expected, color=colour, lw=1.5, label=f"theory $p^F$, p = {rate}")
        seen = observed > 0
        smallest_seen = min(smallest_seen, observed[seen].min(initial=1.0))
        ax.plot(features[seen & ok], observed[seen & ok], "o", color=colour, ms=6)
        ax.plot(features[seen & ~ok], observed[seen & ~ok], "o", mfc="none", color=colour, ms=6)

    ax.plot([], [], "o", color="#555555", label="measured")
    ax.plot([], [], "o", mfc="none", color="#555555", label="measured, too few samples")
    ax.set_yscale("log")
    # The theory curves fall far below anything a sample can show, so cut the axis a decade
    # under the smallest measured frequency instead of letting them squeeze the points.
    ax.set_ylim(bottom=smallest_seen / 10, top=2.0)
    ax.set_xlabel("features per timestep F")
    ax.set_ylabel("P(whole timestep dropped)")
    ax.legend(fontsize=8, loc="lower left")
    return fig


def _side_by_side(mask: np.ndarray, sequences: int, label: str) -> np.ndarray:
    if mask.ndim != 3 or mask.shape[0] < sequences:
        raise ValueError(
            f"mask {label!r} must have shape (batch, timesteps, width) with at least "
            f"{sequences} sequences, got shape {mask.shape}"
        )
    timesteps = mask.shape[1]
    gap = np.full((timesteps, 1), np.nan)
    blocks = []
    for index in range(sequences):
        if index:
            blocks.append(gap)
        blocks.append(mask[index].astype(float))
    return np.hstack(blocks)
