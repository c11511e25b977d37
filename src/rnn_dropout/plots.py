"""Figures of the book, each returned as the Matplotlib figure it draws."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from rnn_dropout.reproducibility import PALETTE

INPUT_COLOUR = PALETTE[0]
RECURRENT_COLOUR = PALETTE[1]


def unrolled_layer(timesteps: int = 3, *, show_masks: bool = True) -> plt.Figure:
    """Draw a recurrent layer unrolled over time, marking where each kernel and mask acts.

    ``kernel`` W maps each input x_t into the cell; ``recurrent_kernel`` U maps the previous
    state h_{t-1}. With ``show_masks`` the input mask m_x sits on every input arrow and the
    recurrent mask m_h on every state arrow, the same pair at every timestep, as Keras draws them.
    Introduced in the chapter "The two kernels".

    Args:
        timesteps: Number of steps to draw, 1 to 6.
        show_masks: Whether to draw the two dropout masks.

    Raises:
        ValueError: If ``timesteps`` is outside 1 to 6.
    """
    if not isinstance(timesteps, int) or not 1 <= timesteps <= 6:
        raise ValueError(f"timesteps must be an integer from 1 to 6, got {timesteps!r}")

    fig, ax = plt.subplots(figsize=(2.3 * timesteps + 1.6, 3.6))
    ax.set_axis_off()
    ax.set_xlim(-1.4, 2.3 * (timesteps - 1) + 1.3)
    ax.set_ylim(-0.6, 3.4)

    for t in range(timesteps):
        last = t == timesteps - 1
        _draw_step(ax, x=2.3 * t + 0.6, label=f"{t + 1}", show_masks=show_masks, last=last)
    _draw_state_arrow(ax, -1.2, 0.0, "$h_0$", show_masks)
    return fig


def _draw_step(ax, x: float, label: str, show_masks: bool, last: bool) -> None:
    cell = FancyBboxPatch(
        (x - 0.55, 1.2), 1.1, 0.8, boxstyle="round,pad=0.05", fc="#f2f2f2", ec="#333333"
    )
    ax.add_patch(cell)
    ax.text(x, 1.6, "cell", ha="center", va="center", fontsize=10)
    ax.text(x, -0.35, f"$x_{label}$", ha="center", va="center", fontsize=12)
    ax.text(x, 3.25, f"$h_{label}$", ha="center", va="center", fontsize=12)

    _arrow(ax, (x, -0.15), (x, 1.15), INPUT_COLOUR)
    ax.text(x + 0.12, 0.95, "W", color=INPUT_COLOUR, fontsize=11, va="center")
    _arrow(ax, (x, 2.05), (x, 3.05), "#333333")
    if show_masks:
        _mask_marker(ax, (x, 0.45), "$m_x$", INPUT_COLOUR)

    if not last:
        _draw_state_arrow(ax, x + 0.6, x + 1.7, f"$h_{label}$", show_masks)


def _draw_state_arrow(ax, start: float, end: float, label: str, show_masks: bool) -> None:
    _arrow(ax, (start, 1.6), (end, 1.6), RECURRENT_COLOUR)
    middle = (start + end) / 2
    ax.text(middle, 1.95, label, color=RECURRENT_COLOUR, ha="center", fontsize=10)
    ax.text(end - 0.3, 1.3, "U", color=RECURRENT_COLOUR, fontsize=11, ha="center")
    if show_masks:
        _mask_marker(ax, (middle - 0.15, 1.6), "$m_h$", RECURRENT_COLOUR, below=True)


def _arrow(ax, start, end, colour) -> None:
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, lw=1.6, color=colour)
    )


def _mask_marker(ax, centre, label: str, colour: str, below: bool = False) -> None:
    ax.add_patch(Circle(centre, 0.13, fc="white", ec=colour, lw=1.6, zorder=3))
    ax.text(*centre, "×", ha="center", va="center", color=colour, fontsize=10, zorder=4)
    dx, dy = (0.0, -0.35) if below else (-0.4, 0.0)
    ax.text(centre[0] + dx, centre[1] + dy, label, color=colour, ha="center", va="center")
