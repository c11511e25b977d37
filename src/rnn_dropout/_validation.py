"""Input checks shared by `rnn_dropout.masks` and `rnn_dropout.reference`."""

import keras
import numpy as np

RNN_LAYER_TYPES = (keras.layers.SimpleRNN, keras.layers.GRU, keras.layers.LSTM)


def check_sequence_batch(x: object) -> np.ndarray:
    """Convert x to a NumPy array and check that it is a (batch, timesteps, features) batch.

    Raises:
        ValueError: If x is not numeric, not of rank 3 or has an empty dimension.
    """
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"x must be a numeric array of shape (batch, timesteps, features), but NumPy "
            f"cannot convert the {type(x).__name__} passed: {error}"
        ) from error

    is_real = np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    if not is_real:
        raise ValueError(
            f"x must contain integers or floats, got dtype {array.dtype}; "
            "convert it with np.asarray(x, dtype='float32')"
        )

    if array.ndim != 3:
        raise ValueError(
            f"x must have rank 3 (batch, timesteps, features), got shape {array.shape}"
        )

    if 0 in array.shape:
        raise ValueError(
            f"x must have at least one sequence, timestep and feature, got shape {array.shape}"
        )

    return array


def check_layer(layer: object) -> None:
    """Check that layer is a supported recurrent layer or a Bidirectional wrapper of one.

    Raises:
        ValueError: If layer has another type, wraps another type, or is stateful.
    """
    if isinstance(layer, keras.layers.Bidirectional):
        wrapped = [layer.forward_layer, layer.backward_layer]
    else:
        wrapped = [layer]

    for rnn in wrapped:
        if type(rnn) not in RNN_LAYER_TYPES:
            raise ValueError(
                "layer must be a keras.layers.SimpleRNN, GRU or LSTM, or a Bidirectional "
                f"wrapper of one, got {_describe(rnn)}"
            )

        if rnn.stateful:
            raise ValueError(
                f"layer {rnn.name!r} has stateful=True, which is not supported because "
                "rnn_dropout.reference.forward starts every sequence from zero states; "
                "create the layer with stateful=False"
            )


def check_input_dim(rnn: keras.layers.RNN, x: np.ndarray) -> None:
    """Check that x has as many features as a built layer's kernel expects.

    Raises:
        ValueError: If the layer is built for another number of input features.
    """
    if not rnn.cell.built:
        return

    input_dim = rnn.cell.kernel.shape[0]
    if x.shape[2] != input_dim:
        raise ValueError(
            f"x has {x.shape[2]} features (shape {x.shape}) but layer {rnn.name!r} was built "
            f"for {input_dim}; pass x of shape (batch, timesteps, {input_dim}) or use a new layer"
        )


def _describe(value: object) -> str:
    name = getattr(value, "name", None)
    if name is None:
        return type(value).__name__
    return f"{type(value).__name__} {name!r}"
