"""Figures of dropout masks: masks over timesteps and the kernel rows an input mask removes.

Introduced in the chapter 'The two dropout parameters'.
"""

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle

from rnn_dropout.reproducibility import PALETTE

DROPPED_COLOUR = "#d9d9d9"
KEPT_COLOUR = PALETTE[0]


def masks_over_time(panels: Mapping[str, np.ndarray]) -> plt.Figure:
    """Draw masks of one sequence as timestep x feature grids, one panel per mask scheme.

    An entry of 0 is drawn as a dropped (grey) cell and any other entry as a kept cell.

    Introduced in the chapter 'The two dropout parameters'.

    Args:
        panels: Panel label to mask array of shape (timesteps, features), in drawing order.

    Returns:
        The figure, with one Axes per panel.

    Raises:
        ValueError: If panels is empty, or an array is not 2-D or has another shape than the
            first one.
    """
    if not panels:
        raise ValueError("panels must contain at least one mask; got an empty mapping")

    arrays = {label: np.asarray(mask) for label, mask in panels.items()}
    first_shape = next(iter(arrays.values())).shape
    for label, mask in arrays.items():
        if mask.ndim != 2:
            raise ValueError(
                f"mask {label!r} must have shape (timesteps, features), got shape {mask.shape}"
            )
        if mask.shape != first_shape:
            raise ValueError(
                f"mask {label!r} has shape {mask.shape} but the first mask has {first_shape}; "
                "pass masks of one sequence with the same timesteps and features"
            )

    timesteps, features = first_shape
    fig, axes = plt.subplots(
        1, len(arrays), figsize=(3.4 * len(arrays) + 0.6, 0.28 * timesteps + 1.4), squeeze=False
    )
    colours = ListedColormap([DROPPED_COLOUR, KEPT_COLOUR])
    for ax, (label, mask) in zip(axes[0], arrays.items(), strict=True):
        ax.imshow(mask != 0, cmap=colours, vmin=0, vmax=1, aspect="auto", interpolation="none")
        ax.set_xlabel(f"input feature\n{label}")
        ax.set_ylabel("timestep t")
        ax.set_xticks(range(features))
        ax.set_yticks(range(timesteps), [str(t + 1) for t in range(timesteps)])
        ax.grid(False)

    fig.legend(
        handles=[
            Patch(color=KEPT_COLOUR, label="kept"),
            Patch(color=DROPPED_COLOUR, label="dropped"),
        ],
        loc="upper center",
        ncol=2,
        bbox_to_anchor=(0.5, 1.06),
    )
    fig.tight_layout()
    return fig


def masked_kernel(
    kernel: np.ndarray, mask: np.ndarray, gate_names: tuple[str, ...] = ()
) -> plt.Figure:
    """Draw a kernel as a heatmap and grey out the rows that a zero of the input mask removes.

    Introduced in the chapter 'The two dropout parameters'.

    Args:
        kernel: Kernel of shape (features, columns).
        mask: Input mask of one sequence, shape (features,). Rows where it is 0 are greyed.
        gate_names: Names of the gate blocks, which split the columns into equal blocks
            marked on the x-axis. Empty for no gate marks.

    Returns:
        The figure.

    Raises:
        ValueError: If kernel is not 2-D, mask does not have one entry per kernel row, or the
            columns do not split into len(gate_names) equal blocks.
    """
    kernel = np.asarray(kernel)
    mask = np.asarray(mask)
    if kernel.ndim != 2:
        raise ValueError(f"kernel must have shape (features, columns), got shape {kernel.shape}")
    if mask.shape != (kernel.shape[0],):
        raise ValueError(
            f"mask must have shape ({kernel.shape[0]},), one entry per kernel row, "
            f"got shape {mask.shape}"
        )
    if gate_names and kernel.shape[1] % len(gate_names):
        raise ValueError(
            f"kernel has {kernel.shape[1]} columns, which do not split into "
            f"{len(gate_names)} equal gate blocks {gate_names}"
        )

    features, columns = kernel.shape
    fig, ax = plt.subplots(figsize=(0.42 * columns + 2.2, 0.36 * features + 1.2))
    limit = float(np.max(np.abs(kernel))) or 1.0
    image = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    fig.colorbar(image, ax=ax, label="kernel weight")

    for row in np.flatnonzero(mask == 0):
        ax.add_patch(
            Rectangle((-0.5, row - 0.5), columns, 1, facecolor=DROPPED_COLOUR, edgecolor="none")
        )
        ax.text(columns / 2 - 0.5, row, "dropped for the whole sequence", ha="center", va="center")

    if gate_names:
        width = columns // len(gate_names)
        for gate in range(1, len(gate_names)):
            ax.axvline(gate * width - 0.5, color="black", linewidth=1.5)
        ax.set_xticks([gate * width + (width - 1) / 2 for gate in range(len(gate_names))])
        ax.set_xticklabels([f"gate {name}" for name in gate_names])
        ax.set_xlabel("kernel columns, one block per gate")
    else:
        ax.set_xlabel("kernel column")
    ax.set_yticks(range(features))
    ax.set_ylabel("input feature (kernel row)")
    ax.grid(False)
    return fig
