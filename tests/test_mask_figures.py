"""Tests of the mask figures in rnn_dropout.mask_figures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from rnn_dropout.mask_figures import masked_kernel, masks_over_time  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_masks_over_time_one_axes_per_panel():
    mask = np.array([[0.0, 2.0], [2.0, 0.0], [2.0, 2.0]])

    fig = masks_over_time({"a": mask, "b": mask})

    assert len(fig.axes) == 2


def test_masks_over_time_draws_kept_entries():
    mask = np.array([[0.0, 2.0], [2.0, 0.0]])

    fig = masks_over_time({"a": mask})

    drawn = fig.axes[0].images[0].get_array()
    assert np.array_equal(drawn, mask != 0)


def test_masks_over_time_rejects_empty():
    with pytest.raises(ValueError, match="at least one mask"):
        masks_over_time({})


def test_masks_over_time_rejects_shape_mismatch():
    with pytest.raises(ValueError, match="same timesteps and features"):
        masks_over_time({"a": np.ones((3, 2)), "b": np.ones((3, 4))})


def test_masks_over_time_rejects_1d_mask():
    with pytest.raises(ValueError, match=r"shape \(timesteps, features\)"):
        masks_over_time({"a": np.ones(3)})


def test_masked_kernel_greys_dropped_rows():
    kernel = np.arange(12.0).reshape(4, 3)
    mask = np.array([2.0, 0.0, 2.0, 0.0])

    fig = masked_kernel(kernel, mask)

    greyed = [patch.get_y() + 0.5 for patch in fig.axes[0].patches if isinstance(patch, Rectangle)]
    assert sorted(greyed) == [1.0, 3.0]


def test_masked_kernel_labels_gate_blocks():
    fig = masked_kernel(np.ones((2, 6)), np.ones(2), gate_names=("z", "r", "h"))

    labels = [label.get_text() for label in fig.axes[0].get_xticklabels()]
    assert labels == ["gate z", "gate r", "gate h"]


def test_masked_kernel_rejects_mask_length():
    with pytest.raises(ValueError, match="one entry per kernel row"):
        masked_kernel(np.ones((4, 3)), np.ones(3))


def test_masked_kernel_rejects_1d_kernel():
    with pytest.raises(ValueError, match=r"shape \(features, columns\)"):
        masked_kernel(np.ones(4), np.ones(4))


def test_masked_kernel_rejects_uneven_gates():
    with pytest.raises(ValueError, match="equal gate blocks"):
        masked_kernel(np.ones((2, 5)), np.ones(2), gate_names=("z", "r"))
