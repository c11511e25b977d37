"""Calls of a layer in training mode inside a compiled graph, for long sequences.

An eager call of a recurrent layer over hundreds of timesteps runs each step as separate
operations and takes seconds on a CPU. `Model.predict` compiles the call into a graph, but it
passes `training=False`; the wrapper model here overrides that. Introduced in the chapter
'Questions readers ask'.
"""

import keras
import numpy as np


class TrainingModeModel(keras.Model):
    """Model that calls a wrapped layer with ``training=True``, even under ``predict``."""

    def __init__(self, layer: keras.layers.Layer):
        super().__init__(name=f"training_mode_{layer.name}")
        self.wrapped = layer

    def call(self, inputs, training=None):
        return self.wrapped(inputs, training=True)


def predict_in_training_mode(layer: keras.layers.Layer, x: object) -> np.ndarray | list[np.ndarray]:
    """Run a layer on x with `training=True` in one compiled call and return its output.

    Dropout is active, and every call draws new masks from the layer's seed generator, as an
    eager `layer(x, training=True)` does. The whole of x goes through as one batch. A
    functional `keras.Model` counts as a layer, so several layers that share an input can run
    in one compiled call.

    Args:
        layer: A Keras layer, or a functional model with one input.
        x: Input batch as a NumPy array; its first axis is the batch.

    Returns:
        The layer's output as a NumPy array, or a list of arrays for a model with several
        outputs.

    Raises:
        ValueError: If layer is not a Keras layer or x is not a numeric array with a batch
            axis.
    """
    if not isinstance(layer, keras.layers.Layer):
        raise ValueError(f"layer must be a keras.layers.Layer, got {type(layer).__name__}")

    array = np.asarray(x)
    numeric = np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    if not numeric or array.ndim < 1 or array.shape[0] == 0:
        raise ValueError(
            f"x must be a numeric array with at least one sample on its first axis, got "
            f"dtype {array.dtype} and shape {array.shape}"
        )

    model = TrainingModeModel(layer)
    return model.predict(array, batch_size=array.shape[0], verbose=0)
