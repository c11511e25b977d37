"""Whether Keras tries its cuDNN fast path for a recurrent layer, observable without a GPU.

In Keras 3.15.1 with the TensorFlow backend, `GRU.inner_loop` and `LSTM.inner_loop`
(`keras/src/layers/rnn/gru.py` lines 546-588, `lstm.py` lines 527-570) call
`keras.src.backend.gru` or `keras.src.backend.lstm` only when `use_cudnn` is "auto" or True
and `recurrent_dropout == 0`. Those backend functions raise `NotImplementedError` when the
layer cannot run on cuDNN (no GPU, unsupported activations), and the layer then falls back to
the step-by-step loop. Replacing them for one call shows which layers would reach cuDNN on a
GPU. Introduced in the chapter 'Questions readers ask'.
"""

import contextlib
import importlib
from collections.abc import Iterator

import keras
import numpy as np
import tensorflow as tf
from keras.src import backend as keras_backend

from rnn_dropout._validation import check_sequence_batch

# The package `keras.src.backend.tensorflow` exports a function named `rnn` that shadows the
# module of the same name, so the module is looked up by its full name.
_tensorflow_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")

_FAST_PATH_FUNCTIONS = {keras.layers.GRU: "gru", keras.layers.LSTM: "lstm"}


def cudnn_input(
    layer: keras.layers.Layer, x: object, *, training: bool = True
) -> np.ndarray | None:
    """Call a GRU or LSTM once and return the sequence it passed to the cuDNN entry point.

    The entry point is where Keras checks the remaining conditions (activations, use_bias,
    unroll, a GPU), so a returned array means that the layer's dropout settings do not rule
    cuDNN out. For the duration of the call a recorder replaces the entry point and raises
    `NotImplementedError`, as the real one does without a GPU. So the layer computes its
    output on the step-by-step path, and the result does not depend on the machine.

    Args:
        layer: A `keras.layers.GRU` or `keras.layers.LSTM`.
        x: Input batch of shape (batch, timesteps, features).
        training: The `training` argument of the call.

    Returns:
        The input sequence as the layer handed it to cuDNN, after any input dropout mask was
        applied, as an array of x's shape. None if the layer went straight to the
        step-by-step loop.

    Raises:
        ValueError: If layer is not a GRU or LSTM, or x is not a numeric rank-3 array.
    """
    if type(layer) not in _FAST_PATH_FUNCTIONS:
        raise ValueError(
            f"layer must be a keras.layers.GRU or keras.layers.LSTM, got "
            f"{type(layer).__name__}; SimpleRNN has no cuDNN path in Keras 3.15.1"
        )
    x = check_sequence_batch(x).astype("float32")

    with _recording_calls(_FAST_PATH_FUNCTIONS[type(layer)]) as calls:
        layer(x, training=training)

    if not calls:
        return None
    args, _ = calls[0]
    return keras.ops.convert_to_numpy(args[0])


def cudnn_accepts_mask(mask: object) -> bool:
    """Return whether a Keras padding mask meets the cuDNN kernel's conditions.

    Keras 3.15.1 asserts before a cuDNN call (`keras/src/backend/tensorflow/rnn.py` lines
    562-570) that every sequence is right-padded (all kept steps come first) and that no
    sequence is fully masked. This function evaluates the same two conditions.

    Args:
        mask: Boolean array of shape (batch, timesteps), True for the steps to process.

    Returns:
        True if the cuDNN path accepts the mask, False if its assertion would fail.

    Raises:
        ValueError: If mask is not a rank-2 array of booleans.
    """
    array = np.asarray(mask)
    if array.dtype != bool or array.ndim != 2:
        raise ValueError(
            f"mask must be a boolean array of shape (batch, timesteps), got dtype "
            f"{array.dtype} and shape {array.shape}; build it with np.asarray(mask, dtype=bool)"
        )

    right_padded = _tensorflow_rnn._is_sequence_right_padded(tf.constant(array))
    fully_masked = _tensorflow_rnn._has_fully_masked_sequence(tf.constant(array))
    return bool(right_padded) and not bool(fully_masked)


@contextlib.contextmanager
def _recording_calls(function_name: str) -> Iterator[list[tuple]]:
    original = getattr(keras_backend, function_name)
    calls: list[tuple] = []

    def recorder(*args, **kwargs):
        calls.append((args, kwargs))
        raise NotImplementedError

    setattr(keras_backend, function_name, recorder)
    try:
        yield calls
    finally:
        setattr(keras_backend, function_name, original)
