"""Tests that rnn_dropout.reference.forward reproduces Keras 3.15.1 recurrent layers.

Set RNN_DROPOUT_FULL_GRID=1 to run the layer grid over the full product of shapes and flags.
"""

import dataclasses
import itertools
import os
import zlib

import keras
import numpy as np
import pytest

from rnn_dropout.masks import record_masks
from rnn_dropout.reference import forward

# keras.ops.convert_to_numpy calls np.array on TensorFlow tensors, which NumPy 2 flags.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

TOLERANCE = 1e-5
BATCH = 5
RATES = [(0.0, 0.0), (0.3, 0.0), (0.0, 0.3), (0.3, 0.3)]
LAYER_TYPES = {
    "SimpleRNN": keras.layers.SimpleRNN,
    "GRU": keras.layers.GRU,
    "LSTM": keras.layers.LSTM,
}


@pytest.fixture(autouse=True)
def seeded_keras():
    keras.utils.set_random_seed(20240611)


@dataclasses.dataclass(frozen=True)
class LayerConfig:
    kind: str
    units: int
    features: int
    timesteps: int
    implementation: int | None
    reset_after: bool | None
    return_sequences: bool
    go_backwards: bool
    dropout: float
    recurrent_dropout: float

    def __str__(self) -> str:
        fields = dataclasses.astuple(self)
        return "-".join(str(value) for value in fields)


UNITS = [1, 3]
FEATURES = [1, 4]
TIMESTEPS = [1, 6]
FLAGS = list(itertools.product([False, True], [False, True]))  # return_sequences, go_backwards


def covering_rows() -> list[tuple[int, int, int, bool, bool]]:
    """Return 8 (units, features, timesteps, return_sequences, go_backwards) rows.

    Every (units, features, timesteps) combination, every (timesteps, return_sequences,
    go_backwards) combination and every pair of values occurs. The flags pair with the shapes
    in reverse order for the second timesteps value, which covers the pairs across the two.
    """
    shapes = list(itertools.product(UNITS, FEATURES))
    rows = []
    for index, timesteps in enumerate(TIMESTEPS):
        flags = FLAGS if index == 0 else FLAGS[::-1]
        for (units, features), (return_sequences, go_backwards) in zip(shapes, flags, strict=True):
            rows.append((units, features, timesteps, return_sequences, go_backwards))
    return rows


def full_rows() -> list[tuple[int, int, int, bool, bool]]:
    return [
        (units, features, timesteps, return_sequences, go_backwards)
        for units, features, timesteps, (return_sequences, go_backwards) in itertools.product(
            UNITS, FEATURES, TIMESTEPS, FLAGS
        )
    ]


def layer_grid(rows: list[tuple[int, int, int, bool, bool]]) -> list[LayerConfig]:
    """Cross the rows with every layer type, implementation, reset_after and rate pair."""
    configs = []
    for kind in LAYER_TYPES:
        implementations = [None] if kind == "SimpleRNN" else [1, 2]
        reset_afters = [True, False] if kind == "GRU" else [None]
        product = itertools.product(rows, implementations, reset_afters, RATES)
        for row, implementation, reset_after, rates in product:
            units, features, timesteps, return_sequences, go_backwards = row
            configs.append(
                LayerConfig(
                    kind,
                    units,
                    features,
                    timesteps,
                    implementation,
                    reset_after,
                    return_sequences,
                    go_backwards,
                    *rates,
                )
            )
    return configs


# The full product takes 4 times as long as the covering rows, so it runs only when
# RNN_DROPOUT_FULL_GRID=1 is set.
GRID = layer_grid(
    full_rows() if os.environ.get("RNN_DROPOUT_FULL_GRID") == "1" else covering_rows()
)
_BUILT_LAYERS: dict[LayerConfig, keras.layers.Layer] = {}


def grid_layer(config: LayerConfig) -> keras.layers.Layer:
    """Return the built layer of a grid config, creating it on first use.

    The training and inference cases of one config share the layer, which halves the time
    spent building layers. Its weights depend on the config alone, not on the test order.
    """
    if config not in _BUILT_LAYERS:
        _BUILT_LAYERS[config] = make_layer(config)
    return _BUILT_LAYERS[config]


def make_layer(config: LayerConfig) -> keras.layers.Layer:
    arguments = {
        "units": config.units,
        "dropout": config.dropout,
        "recurrent_dropout": config.recurrent_dropout,
        "return_sequences": config.return_sequences,
        "go_backwards": config.go_backwards,
    }
    if config.implementation is not None:
        arguments["implementation"] = config.implementation
    if config.reset_after is not None:
        arguments["reset_after"] = config.reset_after

    # Keras 3.15.1 fails in training for an explicit implementation=1 with dropout only,
    # unless use_cudnn=False skips the cuDNN attempt. test_record_masks.py pins that failure.
    if config.implementation == 1 and config.recurrent_dropout == 0 and config.dropout > 0:
        arguments["use_cudnn"] = False

    layer = LAYER_TYPES[config.kind](**arguments)
    layer.build((None, config.timesteps, config.features))
    randomize_weights(layer, seed=zlib.crc32(str(config).encode()))
    return layer


def randomize_weights(layer: keras.layers.Layer, seed: int) -> None:
    # Keras initializes biases to zeros, so random biases are needed to test how they enter.
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(scale=0.5, size=weight.shape) for weight in layer.get_weights()])


def sequence_batch(timesteps: int, features: int, batch: int = BATCH) -> np.ndarray:
    rng = np.random.default_rng(timesteps * 100 + features)
    return rng.normal(size=(batch, timesteps, features)).astype("float32")


def as_list(outputs: object) -> list[np.ndarray]:
    if isinstance(outputs, (list, tuple)):
        return [keras.ops.convert_to_numpy(output) for output in outputs]
    return [keras.ops.convert_to_numpy(outputs)]


def assert_outputs_close(actual: object, expected: object) -> None:
    actual = as_list(actual)
    expected = as_list(expected)
    assert len(actual) == len(expected)
    for index, (actual_array, expected_array) in enumerate(zip(actual, expected, strict=True)):
        np.testing.assert_allclose(
            actual_array, expected_array, rtol=0, atol=TOLERANCE, err_msg=f"output {index}"
        )


# Grid


# The training and inference case of a config are adjacent, so pytest-xdist usually runs
# them on one worker, which builds the config's layer once.
GRID_CASES = [(mode, config) for config in GRID for mode in ("training", "inference")]


@pytest.mark.parametrize(
    ("mode", "config"), GRID_CASES, ids=[f"{mode}-{config}" for mode, config in GRID_CASES]
)
def test_forward_matches_keras_grid(mode, config):
    layer = grid_layer(config)
    x = sequence_batch(config.timesteps, config.features)

    if mode == "training":
        outputs, input_masks, recurrent_masks = record_masks(layer, x)
        assert_outputs_close(outputs, forward(layer, x, input_masks, recurrent_masks))
    else:
        assert_outputs_close(layer(x, training=False), forward(layer, x))


@pytest.mark.parametrize("kind", LAYER_TYPES)
@pytest.mark.parametrize("rates", RATES[1:], ids=str)
def test_forward_needs_masks_in_training(kind, rates):
    # Guards the training test against masks that change nothing: without the recorded
    # masks, the reference must miss the training output.
    dropout, recurrent_dropout = rates
    layer = LAYER_TYPES[kind](8, dropout=dropout, recurrent_dropout=recurrent_dropout)
    x = sequence_batch(6, 8, batch=16)

    outputs, _, _ = record_masks(layer, x)

    assert np.abs(outputs - forward(layer, x)).max() > 100 * TOLERANCE


# Layer options outside the grid


@pytest.mark.parametrize("kind", LAYER_TYPES)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_forward_return_state_structure(kind, return_sequences):
    layer = LAYER_TYPES[kind](
        3, dropout=0.3, recurrent_dropout=0.3, return_state=True, return_sequences=return_sequences
    )
    x = sequence_batch(6, 4)
    layer.build(x.shape)
    randomize_weights(layer, seed=1)

    outputs, input_masks, recurrent_masks = record_masks(layer, x)
    expected = forward(layer, x, input_masks, recurrent_masks)

    state_count = 2 if kind == "LSTM" else 1
    assert isinstance(expected, list)
    assert len(expected) == 1 + state_count
    assert_outputs_close(outputs, expected)
    assert_outputs_close(layer(x, training=False), forward(layer, x))


@pytest.mark.parametrize("kind", LAYER_TYPES)
@pytest.mark.parametrize("rates", RATES, ids=str)
def test_forward_without_bias(kind, rates):
    dropout, recurrent_dropout = rates
    layer = LAYER_TYPES[kind](
        3, use_bias=False, dropout=dropout, recurrent_dropout=recurrent_dropout
    )
    x = sequence_batch(6, 4)
    layer.build(x.shape)
    randomize_weights(layer, seed=2)

    outputs, input_masks, recurrent_masks = record_masks(layer, x)

    assert_outputs_close(outputs, forward(layer, x, input_masks, recurrent_masks))
    assert_outputs_close(layer(x, training=False), forward(layer, x))


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_without_bias_reset_after(reset_after):
    layer = keras.layers.GRU(3, use_bias=False, reset_after=reset_after, recurrent_dropout=0.3)
    x = sequence_batch(6, 4)
    layer.build(x.shape)
    randomize_weights(layer, seed=3)

    outputs, input_masks, recurrent_masks = record_masks(layer, x)

    assert_outputs_close(outputs, forward(layer, x, input_masks, recurrent_masks))


@pytest.mark.parametrize("kind", ["GRU", "LSTM"])
@pytest.mark.parametrize(
    "activations", [("relu", "sigmoid"), ("tanh", "hard_sigmoid"), ("relu", "hard_sigmoid")]
)
def test_forward_custom_activations(kind, activations):
    activation, recurrent_activation = activations
    layer = LAYER_TYPES[kind](
        3,
        activation=activation,
        recurrent_activation=recurrent_activation,
        dropout=0.3,
        recurrent_dropout=0.3,
        return_sequences=True,
    )
    x = sequence_batch(6, 4)
    layer.build(x.shape)
    randomize_weights(layer, seed=4)

    outputs, input_masks, recurrent_masks = record_masks(layer, x)

    assert_outputs_close(outputs, forward(layer, x, input_masks, recurrent_masks))
    assert_outputs_close(layer(x, training=False), forward(layer, x))


ELEMENTWISE_ACTIVATIONS = [
    "linear", "tanh", "sigmoid", "hard_sigmoid", "sparse_sigmoid", "log_sigmoid", "relu",
    "relu6", "leaky_relu", "elu", "selu", "celu", "softplus", "softsign", "squareplus",
    "sparse_plus", "silu", "swish", "hard_silu", "hard_swish", "gelu", "mish", "exponential",
    "hard_tanh", "tanh_shrink", "soft_shrink", "hard_shrink", None,
]  # fmt: skip


@pytest.mark.parametrize("activation", ELEMENTWISE_ACTIVATIONS)
def test_forward_elementwise_activation(activation):
    # One timestep keeps the exponential activation from overflowing float32 through the
    # recurrence, and the scaled input reaches the kinks of the piecewise activations.
    layer = keras.layers.SimpleRNN(16, activation=activation)
    x = 3.0 * sequence_batch(1, 4, batch=16)
    layer.build(x.shape)
    randomize_weights(layer, seed=5)

    expected = forward(layer, x)

    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x, training=False)), expected, rtol=1e-6, atol=TOLERANCE
    )


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_forward_unrolled_layer(kind):
    layer = LAYER_TYPES[kind](3, unroll=True, dropout=0.3, recurrent_dropout=0.3)
    x = sequence_batch(6, 4)

    outputs, input_masks, recurrent_masks = record_masks(layer, x)

    assert_outputs_close(outputs, forward(layer, x, input_masks, recurrent_masks))


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_forward_builds_unbuilt_layer(kind):
    layer = LAYER_TYPES[kind](3)
    x = sequence_batch(6, 4)

    expected = forward(layer, x)

    assert layer.built
    assert_outputs_close(layer(x, training=False), expected)


def test_forward_accepts_integer_input():
    layer = keras.layers.LSTM(3)
    x = np.arange(2 * 3 * 4).reshape(2, 3, 4) % 3

    assert_outputs_close(layer(x, training=False), forward(layer, x))


# Mask formats


@pytest.mark.parametrize("kind", ["GRU", "LSTM"])
def test_shared_mask_equals_per_gate_copies(kind):
    layer = LAYER_TYPES[kind](3, dropout=0.3)
    x = sequence_batch(6, 4)
    gate_count = 3 if kind == "GRU" else 4

    outputs, input_mask, _ = record_masks(layer, x)

    assert isinstance(input_mask, np.ndarray)
    assert_outputs_close(outputs, forward(layer, x, [input_mask] * gate_count))


def test_per_gate_masks_on_implementation_2():
    # Per-gate masks for an implementation=2 layer give the implementation=1 result.
    layer = keras.layers.LSTM(3, implementation=1, use_cudnn=False, dropout=0.3)
    twin = keras.layers.LSTM(3, implementation=2)
    x = sequence_batch(6, 4)
    layer.build(x.shape)
    twin.build(x.shape)
    twin.set_weights(layer.get_weights())

    outputs, input_masks, _ = record_masks(layer, x)

    assert isinstance(input_masks, list)
    assert_outputs_close(outputs, forward(twin, x, input_masks))


# Bidirectional


def bidirectional_cases() -> list[tuple[str, str | None, bool, bool]]:
    # Every merge mode with every output flag pair; the wrapped type cycles through all three.
    merge_modes = ["concat", "sum", "ave", "mul", None]
    flags = list(itertools.product([False, True], [False, True]))
    kinds = itertools.cycle(LAYER_TYPES)
    return [
        (next(kinds), merge_mode, return_sequences, return_state)
        for merge_mode, (return_sequences, return_state) in itertools.product(merge_modes, flags)
    ]


@pytest.mark.parametrize(
    ("kind", "merge_mode", "return_sequences", "return_state"), bidirectional_cases()
)
def test_forward_bidirectional_matches_keras(kind, merge_mode, return_sequences, return_state):
    wrapped = LAYER_TYPES[kind](
        3,
        dropout=0.3,
        recurrent_dropout=0.3,
        return_sequences=return_sequences,
        return_state=return_state,
    )
    layer = keras.layers.Bidirectional(wrapped, merge_mode=merge_mode)
    x = sequence_batch(6, 4)
    layer.build(x.shape)
    randomize_weights(layer, seed=6)

    outputs, input_masks, recurrent_masks = record_masks(layer, x)

    assert_outputs_close(outputs, forward(layer, x, input_masks, recurrent_masks))
    assert_outputs_close(layer(x, training=False), forward(layer, x))


def test_forward_bidirectional_input_dropout_only():
    layer = keras.layers.Bidirectional(keras.layers.GRU(3, dropout=0.3, return_sequences=True))
    x = sequence_batch(6, 4)

    outputs, input_masks, recurrent_masks = record_masks(layer, x)

    assert recurrent_masks == {"forward": None, "backward": None}
    assert_outputs_close(outputs, forward(layer, x, input_masks, recurrent_masks))


# Invalid input


def test_forward_rejects_dense_layer():
    with pytest.raises(ValueError, match="got Dense 'dense_layer'"):
        forward(keras.layers.Dense(3, name="dense_layer"), sequence_batch(6, 4))


def test_forward_rejects_conv_lstm():
    layer = keras.layers.ConvLSTM1D(2, 3)
    with pytest.raises(ValueError, match="got ConvLSTM1D"):
        forward(layer, sequence_batch(6, 4))


def test_forward_rejects_bidirectional_conv_lstm():
    layer = keras.layers.Bidirectional(keras.layers.ConvLSTM1D(2, 3))
    with pytest.raises(ValueError, match="got ConvLSTM1D"):
        forward(layer, sequence_batch(6, 4))


def test_forward_rejects_stateful_layer():
    layer = keras.layers.GRU(3, stateful=True, name="stateful_gru")
    with pytest.raises(ValueError, match="'stateful_gru' has stateful=True"):
        forward(layer, sequence_batch(6, 4))


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((4, 5)), r"rank 3 \(batch, timesteps, features\), got shape \(4, 5\)"),
        (np.zeros((2, 4, 5, 3)), r"got shape \(2, 4, 5, 3\)"),
        (np.zeros((2, 0, 3)), r"at least one .* got shape \(2, 0, 3\)"),
        (np.full((2, 3, 4), "a"), "integers or floats, got dtype <U1"),
        (np.zeros((2, 3, 4), dtype=bool), "integers or floats, got dtype bool"),
        ([[[1.0, 2.0]], [[1.0]]], "NumPy cannot convert the list"),
    ],
    ids=["rank-2", "rank-4", "no-timesteps", "strings", "booleans", "ragged"],
)
def test_forward_rejects_invalid_x(x, message):
    with pytest.raises(ValueError, match=message):
        forward(keras.layers.SimpleRNN(3), x)


def test_forward_rejects_feature_mismatch():
    layer = keras.layers.LSTM(3, name="lstm_four")
    layer.build((None, 6, 4))
    with pytest.raises(ValueError, match=r"x has 2 features .* 'lstm_four' was built for 4"):
        forward(layer, sequence_batch(6, 2))


def test_forward_rejects_two_lstm_masks():
    layer = keras.layers.LSTM(3, name="lstm_gates")
    x = sequence_batch(6, 4)
    masks = [np.ones((BATCH, 4))] * 2
    with pytest.raises(ValueError, match="'lstm_gates' .* list of 4 arrays .* got a list of 2"):
        forward(layer, x, input_masks=masks)


def test_forward_rejects_recurrent_mask_count():
    layer = keras.layers.GRU(3)
    with pytest.raises(ValueError, match="recurrent_masks .* list of 3 arrays .* a list of 4"):
        forward(layer, sequence_batch(6, 4), recurrent_masks=[np.ones((BATCH, 3))] * 4)


@pytest.mark.parametrize(
    ("input_masks", "recurrent_masks", "message"),
    [
        (np.ones((BATCH, 3)), None, r"input_masks must have shape .* \(5, 4\), got \(5, 3\)"),
        (np.ones(4), None, r"input_masks must have shape .* \(5, 4\), got \(4,\)"),
        (None, np.ones((BATCH, 4)), r"recurrent_masks must have shape .* \(5, 3\), got \(5, 4\)"),
        (None, [np.ones((BATCH, 3))] * 3 + [np.ones((2, 3))], r"recurrent_masks\[3\] .* \(2, 3\)"),
        ([np.ones((BATCH, 4))] * 3 + [None], None, r"input_masks\[3\] must be a numeric array"),
        ("ones", None, "input_masks must be a numeric array .* got str"),
    ],
    ids=["features", "rank-1", "units", "gate-shape", "gate-none", "string"],
)
def test_forward_rejects_invalid_masks(input_masks, recurrent_masks, message):
    layer = keras.layers.LSTM(3)
    with pytest.raises(ValueError, match=message):
        forward(layer, sequence_batch(6, 4), input_masks, recurrent_masks)


@pytest.mark.parametrize(
    ("masks", "message"),
    [
        (np.ones((BATCH, 4)), "must be None or a dict .* got ndarray"),
        ({"forward": None}, r"got a dict with keys \['forward'\]"),
        ({"forward": None, "backward": None, "left": None}, "keys 'forward' and 'backward'"),
    ],
    ids=["array", "missing-key", "extra-key"],
)
def test_forward_rejects_bidirectional_masks(masks, message):
    layer = keras.layers.Bidirectional(keras.layers.GRU(3))
    with pytest.raises(ValueError, match=message):
        forward(layer, sequence_batch(6, 4), input_masks=masks)


@pytest.mark.parametrize("activation", ["softmax", "log_softmax"])
def test_forward_rejects_axis_activation(activation):
    layer = keras.layers.SimpleRNN(3, activation=activation, name="softmax_rnn")
    with pytest.raises(ValueError, match=f"activation '{activation}' of layer 'softmax_rnn'"):
        forward(layer, sequence_batch(6, 4))


def test_forward_rejects_custom_activation():
    def scaled_tanh(z):
        return 2.0 * keras.ops.tanh(z)

    layer = keras.layers.GRU(3, recurrent_activation=scaled_tanh)
    with pytest.raises(ValueError, match="recurrent_activation 'scaled_tanh' .* no NumPy"):
        forward(layer, sequence_batch(6, 4))
