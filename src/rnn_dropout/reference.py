"""NumPy reference of the SimpleRNN, GRU and LSTM forward pass with given dropout masks.

The step equations follow the cells of Keras 3.15.1 (`keras/src/layers/rnn/simple_rnn.py`,
`gru.py` and `lstm.py`). Keras's `implementation=1` splits every matrix product per gate and
`implementation=2` fuses them, but both compute the same function of the same weights. The
only difference is which masks the cell draws (see `rnn_dropout.masks`), so `forward` always
uses the per-gate form and expands a single shared mask to every gate. The computation runs
in float64, so it differs from Keras's float32 result by rounding only.
"""

import dataclasses
import math
from collections.abc import Callable

import keras
import numpy as np

from rnn_dropout._validation import check_input_dim, check_layer, check_sequence_batch
from rnn_dropout.masks import LayerMasks, Masks

Activation = Callable[[np.ndarray], np.ndarray]

GATE_NAMES = {
    keras.layers.SimpleRNN: ("h",),
    keras.layers.GRU: ("z", "r", "h"),
    keras.layers.LSTM: ("i", "f", "c", "o"),
}
"""Gates of each layer type in Keras's kernel order (GRU: update, reset, candidate)."""

_DIRECTIONS = ("forward", "backward")


def forward(
    layer: keras.layers.Layer,
    x: object,
    input_masks: Masks = None,
    recurrent_masks: Masks = None,
) -> np.ndarray | list[np.ndarray]:
    """Compute a recurrent layer's output for x in NumPy, with the given dropout masks.

    The weights and configuration (activations, use_bias, reset_after, go_backwards,
    return_sequences, return_state, Bidirectional merge_mode) are read from the layer. Every
    sequence starts from zero states. With no masks the result equals the layer's inference
    output `layer(x, training=False)`. An unbuilt layer is built for x's shape, which creates
    its weights.

    Introduced in the chapter 'The two kernels'.

    Args:
        layer: A `keras.layers.SimpleRNN`, `GRU` or `LSTM` with `stateful=False`, or a
            `keras.layers.Bidirectional` wrapper of one.
        x: Input batch of shape (batch, timesteps, features).
        input_masks: Multipliers of the input at every timestep, in the format that
            `rnn_dropout.masks.record_masks` returns: None for no dropout, one array of shape
            (batch, features) shared by all gates, or a list with one such array per gate in
            `GATE_NAMES` order. For a Bidirectional layer, a dict with keys "forward" and
            "backward" containing one of these each.
        recurrent_masks: Multipliers of the previous hidden state, in the same format with
            arrays of shape (batch, units). Only the state fed into the matrix products is
            masked, as in Keras: the GRU update `z * h + (1 - z) * candidate` and the LSTM
            carry use the unmasked state.

    Returns:
        The output as a float64 array of shape (batch, timesteps, units) with
        return_sequences, else (batch, units). A Bidirectional layer with merge_mode "concat"
        has 2 * units features. Like Keras, the function returns a list instead where Keras
        returns several tensors: `[output, *states]` with return_state (a Bidirectional layer
        lists the forward states, then the backward states), and `[forward_output,
        backward_output, ...]` for a Bidirectional layer with merge_mode None.

    Raises:
        ValueError: If the layer type is not supported or the layer is stateful. Also if x
            is not a numeric rank-3 array or its feature count differs from a built layer's
            input dimension, if a mask has the wrong shape or count, or if an activation has
            no NumPy equivalent.
    """
    check_layer(layer)
    x = check_sequence_batch(x).astype(np.float64)

    if isinstance(layer, keras.layers.Bidirectional):
        check_input_dim(layer.forward_layer, x)
        check_input_dim(layer.backward_layer, x)
        _build_if_needed(layer, x)
        return _forward_bidirectional(layer, x, input_masks, recurrent_masks)

    check_input_dim(layer, x)
    _build_if_needed(layer, x)
    return _forward_rnn(layer, x, input_masks, recurrent_masks)


def _build_if_needed(layer: keras.layers.Layer, x: np.ndarray) -> None:
    if not layer.built:
        layer.build(x.shape)


# Activations


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # The tanh form avoids the overflow warning that 1 / (1 + exp(-z)) gives for large -z.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _hard_sigmoid(z: np.ndarray) -> np.ndarray:
    return np.clip(z + 3.0, 0.0, 6.0) / 6.0


def _elu(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0.0, z, np.expm1(np.minimum(z, 0.0)))


def _selu(z: np.ndarray) -> np.ndarray:
    # Constants of tf.nn.selu, which keras.activations.selu calls on TensorFlow.
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    return scale * np.where(z > 0.0, z, alpha * np.expm1(np.minimum(z, 0.0)))


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _gelu(z: np.ndarray) -> np.ndarray:
    # keras.activations.gelu defaults to approximate=False, the erf form.
    return 0.5 * z * (1.0 + _erf(z / math.sqrt(2.0)))


def _sparse_plus(z: np.ndarray) -> np.ndarray:
    return np.where(z <= -1.0, 0.0, np.where(z < 1.0, 0.25 * (z + 1.0) ** 2, z))


def _soft_shrink(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0.5, z - 0.5, np.where(z < -0.5, z + 0.5, 0.0))


_NUMPY_ACTIVATIONS: dict[Callable, Activation] = {
    keras.activations.linear: lambda z: z,
    keras.activations.tanh: np.tanh,
    keras.activations.sigmoid: _sigmoid,
    keras.activations.hard_sigmoid: _hard_sigmoid,
    keras.activations.sparse_sigmoid: lambda z: np.clip(0.5 * (z + 1.0), 0.0, 1.0),
    keras.activations.log_sigmoid: lambda z: -np.logaddexp(0.0, -z),
    keras.activations.relu: lambda z: np.maximum(z, 0.0),
    keras.activations.relu6: lambda z: np.clip(z, 0.0, 6.0),
    keras.activations.leaky_relu: lambda z: np.where(z >= 0.0, z, 0.2 * z),
    keras.activations.elu: _elu,
    keras.activations.selu: _selu,
    keras.activations.celu: lambda z: np.maximum(z, 0.0) + np.expm1(np.minimum(z, 0.0)),
    keras.activations.softplus: _softplus,
    keras.activations.softsign: lambda z: z / (1.0 + np.abs(z)),
    keras.activations.squareplus: lambda z: (z + np.sqrt(z**2 + 4.0)) / 2.0,
    keras.activations.sparse_plus: _sparse_plus,
    keras.activations.silu: lambda z: z * _sigmoid(z),
    keras.activations.hard_silu: lambda z: z * _hard_sigmoid(z),
    keras.activations.gelu: _gelu,
    keras.activations.mish: lambda z: z * np.tanh(_softplus(z)),
    keras.activations.exponential: np.exp,
    keras.activations.hard_tanh: lambda z: np.clip(z, -1.0, 1.0),
    keras.activations.tanh_shrink: lambda z: z - np.tanh(z),
    keras.activations.soft_shrink: _soft_shrink,
    keras.activations.hard_shrink: lambda z: np.where(np.abs(z) > 0.5, z, 0.0),
}
"""NumPy equivalents of the element-wise Keras activations with their default arguments."""


def _numpy_activation(function: Callable, argument: str, rnn: keras.layers.RNN) -> Activation:
    """Look up the NumPy equivalent of a Keras activation, or raise ValueError naming it."""
    try:
        return _NUMPY_ACTIVATIONS[function]
    except (KeyError, TypeError):
        name = getattr(function, "__name__", repr(function))
        known = ", ".join(sorted(known.__name__ for known in _NUMPY_ACTIVATIONS))
        raise ValueError(
            f"{argument} {name!r} of layer {rnn.name!r} has no NumPy equivalent in "
            f"rnn_dropout.reference; use one of: {known}"
        ) from None


# Weights


@dataclasses.dataclass(frozen=True)
class _CellWeights:
    """Weights of one cell split per gate, in float64, with zeros for absent biases."""

    kernels: list[np.ndarray]
    recurrent_kernels: list[np.ndarray]
    input_biases: list[np.ndarray]
    recurrent_biases: list[np.ndarray]
    activation: Activation
    recurrent_activation: Activation | None
    reset_after: bool


def _read_cell(rnn: keras.layers.RNN) -> _CellWeights:
    cell = rnn.cell
    gate_count = len(GATE_NAMES[type(rnn)])
    units = cell.units

    kernel = _to_float64(cell.kernel)
    recurrent_kernel = _to_float64(cell.recurrent_kernel)
    input_bias, recurrent_bias = _read_biases(cell, gate_count)

    recurrent_activation = None
    if hasattr(cell, "recurrent_activation"):
        recurrent_activation = _numpy_activation(
            cell.recurrent_activation, "recurrent_activation", rnn
        )

    return _CellWeights(
        kernels=_split_gates(kernel, gate_count, units),
        recurrent_kernels=_split_gates(recurrent_kernel, gate_count, units),
        input_biases=_split_gates(input_bias, gate_count, units),
        recurrent_biases=_split_gates(recurrent_bias, gate_count, units),
        activation=_numpy_activation(cell.activation, "activation", rnn),
        recurrent_activation=recurrent_activation,
        reset_after=getattr(cell, "reset_after", False),
    )


def _read_biases(cell: keras.layers.Layer, gate_count: int) -> tuple[np.ndarray, np.ndarray]:
    zeros = np.zeros(gate_count * cell.units)
    if cell.bias is None:
        return zeros, zeros

    bias = _to_float64(cell.bias)
    if bias.ndim == 2:
        # GRU with reset_after=True stores the input and the recurrent bias as rows.
        return bias[0], bias[1]
    return bias, zeros


def _to_float64(variable: object) -> np.ndarray:
    return keras.ops.convert_to_numpy(variable).astype(np.float64)


def _split_gates(weights: np.ndarray, gate_count: int, units: int) -> list[np.ndarray]:
    return [weights[..., gate * units : (gate + 1) * units] for gate in range(gate_count)]


# Masks


def _gate_masks(
    masks: LayerMasks, argument: str, rnn: keras.layers.RNN, shape: tuple[int, int], axes: str
) -> list[np.ndarray | float]:
    """Check one layer's masks and return one multiplier per gate (1.0 for no mask)."""
    gates = GATE_NAMES[type(rnn)]
    if masks is None:
        return [1.0] * len(gates)

    if not isinstance(masks, (list, tuple)):
        return [_check_mask(masks, argument, shape, axes)] * len(gates)

    if len(masks) != len(gates):
        raise ValueError(
            f"{argument} for {type(rnn).__name__} {rnn.name!r} must be one array shared by all "
            f"gates or a list of {len(gates)} arrays (gates {', '.join(gates)}), "
            f"got a list of {len(masks)}"
        )
    return [
        _check_mask(mask, f"{argument}[{index}]", shape, axes) for index, mask in enumerate(masks)
    ]


def _check_mask(mask: object, name: str, shape: tuple[int, int], axes: str) -> np.ndarray:
    array = np.asarray(mask)
    is_real = np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    if not is_real:
        raise ValueError(
            f"{name} must be a numeric array of shape {axes} = {shape}, "
            f"got {type(mask).__name__} with dtype {array.dtype}"
        )

    if array.shape != shape:
        raise ValueError(f"{name} must have shape {axes} = {shape}, got {array.shape}")
    return array.astype(np.float64)


def _direction_masks(masks: Masks, argument: str, layer: keras.layers.Bidirectional) -> dict:
    if masks is None:
        return {direction: None for direction in _DIRECTIONS}

    if not isinstance(masks, dict) or set(masks) != set(_DIRECTIONS):
        found = (
            f"a dict with keys {sorted(masks)}" if isinstance(masks, dict) else type(masks).__name__
        )
        raise ValueError(
            f"{argument} for Bidirectional layer {layer.name!r} must be None or a dict with "
            f"keys 'forward' and 'backward', got {found}"
        )
    return masks


# Forward pass


def _forward_rnn(
    rnn: keras.layers.RNN, x: np.ndarray, input_masks: LayerMasks, recurrent_masks: LayerMasks
) -> np.ndarray | list[np.ndarray]:
    batch, timesteps, features = x.shape
    weights = _read_cell(rnn)
    step = _STEPS[type(rnn)]

    gate_inputs_masks = _gate_masks(
        input_masks, "input_masks", rnn, (batch, features), "(batch, features)"
    )
    gate_state_masks = _gate_masks(
        recurrent_masks, "recurrent_masks", rnn, (batch, rnn.cell.units), "(batch, units)"
    )

    state_count = 2 if isinstance(rnn, keras.layers.LSTM) else 1
    states = [np.zeros((batch, rnn.cell.units)) for _ in range(state_count)]

    # With go_backwards Keras reads the sequence from the end and returns the outputs in the
    # order it computed them, so outputs[:, 0] belongs to the last timestep of x.
    order = range(timesteps - 1, -1, -1) if rnn.go_backwards else range(timesteps)
    outputs = []
    for t in order:
        states = step(weights, x[:, t], states, gate_inputs_masks, gate_state_masks)
        outputs.append(states[0])

    output = np.stack(outputs, axis=1) if rnn.return_sequences else outputs[-1]
    if rnn.return_state:
        return [output, *states]
    return output


def _simple_rnn_step(weights, inputs, states, input_masks, recurrent_masks):
    (h,) = states
    pre_activation = (
        (inputs * input_masks[0]) @ weights.kernels[0]
        + weights.input_biases[0]
        + (h * recurrent_masks[0]) @ weights.recurrent_kernels[0]
    )
    return [weights.activation(pre_activation)]


def _gru_step(weights, inputs, states, input_masks, recurrent_masks):
    (h,) = states
    x_z, x_r, x_h = _project_inputs(weights, inputs, input_masks)
    h_z, h_r, h_h = (h * mask for mask in recurrent_masks)
    kernel_z, kernel_r, kernel_h = weights.recurrent_kernels
    bias_z, bias_r, bias_h = weights.recurrent_biases

    z = weights.recurrent_activation(x_z + h_z @ kernel_z + bias_z)
    r = weights.recurrent_activation(x_r + h_r @ kernel_r + bias_r)

    # reset_after=True applies the reset gate after the recurrent product. For
    # reset_after=False the layer has only an input bias, so bias_h is zero.
    if weights.reset_after:
        recurrent_h = r * (h_h @ kernel_h + bias_h)
    else:
        recurrent_h = (r * h_h) @ kernel_h
    candidate = weights.activation(x_h + recurrent_h)

    return [z * h + (1.0 - z) * candidate]


def _lstm_step(weights, inputs, states, input_masks, recurrent_masks):
    h, c = states
    x_i, x_f, x_c, x_o = _project_inputs(weights, inputs, input_masks)
    h_i, h_f, h_c, h_o = (h * mask for mask in recurrent_masks)
    kernel_i, kernel_f, kernel_c, kernel_o = weights.recurrent_kernels

    i = weights.recurrent_activation(x_i + h_i @ kernel_i)
    f = weights.recurrent_activation(x_f + h_f @ kernel_f)
    c = f * c + i * weights.activation(x_c + h_c @ kernel_c)
    o = weights.recurrent_activation(x_o + h_o @ kernel_o)

    return [o * weights.activation(c), c]


def _project_inputs(weights, inputs, input_masks):
    return [
        (inputs * mask) @ kernel + bias
        for mask, kernel, bias in zip(
            input_masks, weights.kernels, weights.input_biases, strict=True
        )
    ]


_STEPS = {
    keras.layers.SimpleRNN: _simple_rnn_step,
    keras.layers.GRU: _gru_step,
    keras.layers.LSTM: _lstm_step,
}


def _forward_bidirectional(
    layer: keras.layers.Bidirectional, x: np.ndarray, input_masks: Masks, recurrent_masks: Masks
) -> np.ndarray | list[np.ndarray]:
    input_masks = _direction_masks(input_masks, "input_masks", layer)
    recurrent_masks = _direction_masks(recurrent_masks, "recurrent_masks", layer)

    y = _forward_rnn(layer.forward_layer, x, input_masks["forward"], recurrent_masks["forward"])
    y_reversed = _forward_rnn(
        layer.backward_layer, x, input_masks["backward"], recurrent_masks["backward"]
    )

    states = []
    if layer.return_state:
        states = [*y[1:], *y_reversed[1:]]
        y = y[0]
        y_reversed = y_reversed[0]

    # The backward layer returns its sequence in reading order, last timestep first, and
    # Bidirectional flips it back to align it with the forward output.
    if layer.return_sequences:
        y_reversed = np.flip(y_reversed, axis=1)

    merged = _merge(layer.merge_mode, y, y_reversed)
    if not layer.return_state:
        return merged
    if layer.merge_mode is None:
        return [*merged, *states]
    return [merged, *states]


def _merge(
    merge_mode: str | None, y: np.ndarray, y_reversed: np.ndarray
) -> np.ndarray | list[np.ndarray]:
    if merge_mode == "concat":
        return np.concatenate([y, y_reversed], axis=-1)
    if merge_mode == "sum":
        return y + y_reversed
    if merge_mode == "ave":
        return (y + y_reversed) / 2.0
    if merge_mode == "mul":
        return y * y_reversed
    if merge_mode is None:
        return [y, y_reversed]
    raise ValueError(
        f"merge_mode {merge_mode!r} is not one of 'concat', 'sum', 'ave', 'mul' or None"
    )
