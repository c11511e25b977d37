"""Seeding, determinism, quiet logging and the book's plot style, set in one call.

Every chapter starts with :func:`setup`. Introduced in the chapter "The two kernels".
"""

import logging
import os
import random

import matplotlib as mpl
import numpy as np

# Colours that keep their contrast on the light and the dark page of the book's theme.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F", "#000000"]

STYLE = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.frameon": False,
    "font.size": 10,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
}


def setup(seed: int = 0) -> None:
    """Seed Python, NumPy and Keras, make TensorFlow deterministic, quiet it and style plots.

    Two executions of a chapter that calls this first produce identical numbers on the same
    machine and versions.

    Args:
        seed: Non-negative integer seed for Python's ``random``, NumPy and Keras.

    Raises:
        ValueError: If ``seed`` is not a non-negative integer, or if Keras runs on a backend
            other than TensorFlow (the book's numbers were checked with TensorFlow).
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")

    _quiet_tensorflow()

    import keras
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise ValueError(
            "the book runs on the TensorFlow backend, got"
            f" KERAS_BACKEND={keras.backend.backend()!r}; unset it or set it to 'tensorflow'"
        )

    random.seed(seed)
    # Seeds the legacy global generator too, for readers' code that still calls np.random.*.
    np.random.seed(seed)  # noqa: NPY002
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()

    mpl.rcParams.update(STYLE)


def _quiet_tensorflow() -> None:
    # Only effective before TensorFlow is first imported; the Makefile also sets it for kernels.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
