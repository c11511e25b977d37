"""Keras 3.15.1 behaviours behind the replies in the chapter 'Questions readers ask'.

Each test is named after the behaviour it pins and checks it for every layer type and setting
the reply applies to. The comment above each group gives the question number in the chapter.
"""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_dropout.fast_path import cudnn_accepts_mask, cudnn_input
from rnn_dropout.masks import record_masks
from rnn_dropout.reference import forward
from rnn_dropout.training_mode import predict_in_training_mode

# keras.ops.convert_to_numpy calls np.array on TensorFlow tensors, which NumPy 2 flags.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

LAYER_TYPES = {
    "SimpleRNN": keras.layers.SimpleRNN,
    "GRU": keras.layers.GRU,
    "LSTM": keras.layers.LSTM,
}
GATED_TYPES = {"GRU": keras.layers.GRU, "LSTM": keras.layers.LSTM}
DROPOUT_SETTINGS = {
    "dropout": {"dropout": 0.5},
    "recurrent_dropout": {"recurrent_dropout": 0.5},
    "both": {"dropout": 0.5, "recurrent_dropout": 0.5},
}
UNITS = 4
FEATURES = 5


@pytest.fixture(autouse=True)
def seeded_keras():
    keras.utils.set_random_seed(1234)


def sequence_batch(batch: int = 8, timesteps: int = 6, features: int = FEATURES) -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.normal(size=(batch, timesteps, features)).astype("float32")


def to_numpy(tensor) -> np.ndarray:
    return keras.ops.convert_to_numpy(tensor)


def mask_count(masks) -> int:
    if masks is None:
        return 0
    if isinstance(masks, list):
        return len(masks)
    return 1


# Question 1: recurrent_dropout rules out cuDNN.
@pytest.mark.parametrize("name", GATED_TYPES)
def test_recurrent_dropout_forces_implementation_one(name):
    layer = GATED_TYPES[name](UNITS, recurrent_dropout=0.2, implementation=2)

    assert layer.cell.implementation == 1


@pytest.mark.parametrize("name", GATED_TYPES)
@pytest.mark.parametrize("training", [True, False])
def test_recurrent_dropout_skips_cudnn(name, training):
    layer = GATED_TYPES[name](UNITS, recurrent_dropout=0.2)

    assert cudnn_input(layer, sequence_batch(), training=training) is None


# Question 2: dropout alone keeps the cuDNN path.
@pytest.mark.parametrize("name", GATED_TYPES)
@pytest.mark.parametrize("training", [True, False])
def test_input_dropout_keeps_cudnn(name, training):
    layer = GATED_TYPES[name](UNITS, dropout=0.2)

    assert cudnn_input(layer, sequence_batch(), training=training) is not None


# Question 3: predict() is deterministic, a training call is not.
def parallel_model(layers: dict[str, keras.layers.Layer], input_shape: tuple) -> keras.Model:
    """Build one model that feeds the same input to every layer, so one compilation serves all."""
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, [layer(inputs) for layer in layers.values()])


def test_predict_with_dropout_is_deterministic():
    x = sequence_batch()
    layers = {
        f"{name}-{setting}": LAYER_TYPES[name](UNITS, **DROPOUT_SETTINGS[setting])
        for name in LAYER_TYPES
        for setting in ("dropout", "both")
    }
    model = parallel_model(layers, x.shape[1:])

    first = model.predict(x, verbose=0)
    second = model.predict(x, verbose=0)

    for key, first_output, second_output, layer in zip(
        layers, first, second, layers.values(), strict=True
    ):
        np.testing.assert_array_equal(first_output, second_output, err_msg=key)
        np.testing.assert_allclose(first_output, forward(layer, x), atol=1e-5, err_msg=key)


@pytest.mark.parametrize("setting", DROPOUT_SETTINGS)
@pytest.mark.parametrize("name", LAYER_TYPES)
def test_training_call_with_dropout_is_random(name, setting):
    x = sequence_batch()
    layer = LAYER_TYPES[name](UNITS, **DROPOUT_SETTINGS[setting])

    first = to_numpy(layer(x, training=True))
    second = to_numpy(layer(x, training=True))

    assert not np.allclose(first, second)


# Question 4: one input mask per sequence, on the cell loop and on the cuDNN path.
@pytest.mark.parametrize("name", LAYER_TYPES)
def test_input_mask_constant_across_timesteps(name):
    x = sequence_batch()
    layer = LAYER_TYPES[name](UNITS, dropout=0.5, return_sequences=True)

    outputs, input_masks, _ = record_masks(layer, x)

    assert input_masks.shape == (x.shape[0], FEATURES)
    np.testing.assert_allclose(outputs, forward(layer, x, input_masks=input_masks), atol=1e-5)


@pytest.mark.parametrize("name", GATED_TYPES)
def test_cudnn_input_mask_constant_across_timesteps(name):
    x = sequence_batch() + 10.0  # no entry is 0, so a 0 in the result is a dropped entry
    layer = GATED_TYPES[name](UNITS, dropout=0.5)

    masked = cudnn_input(layer, x, training=True)
    dropped = masked == 0

    assert dropped.any()
    assert (dropped == dropped[:, :1, :]).all()


# Question 5: how many masks a layer draws.
MASK_COUNTS = [
    ("SimpleRNN", {"dropout": 0.2}, 1, 0),
    ("SimpleRNN", {"dropout": 0.2, "recurrent_dropout": 0.2}, 1, 1),
    ("GRU", {"dropout": 0.2}, 1, 0),
    ("GRU", {"dropout": 0.2, "recurrent_dropout": 0.2}, 3, 3),
    ("GRU", {"recurrent_dropout": 0.2}, 0, 3),
    ("LSTM", {"dropout": 0.2}, 1, 0),
    ("LSTM", {"dropout": 0.2, "recurrent_dropout": 0.2}, 4, 4),
    ("LSTM", {"recurrent_dropout": 0.2}, 0, 4),
]


@pytest.mark.parametrize(
    "name, rates, input_count, recurrent_count",
    MASK_COUNTS,
    ids=[f"{name}-{'-'.join(rates)}" for name, rates, _, _ in MASK_COUNTS],
)
def test_mask_count_per_layer(name, rates, input_count, recurrent_count):
    layer = LAYER_TYPES[name](UNITS, **rates)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert mask_count(input_masks) == input_count
    assert mask_count(recurrent_masks) == recurrent_count


# Question 6: recurrent_dropout alone changes the output of every training call.
@pytest.mark.parametrize("name", LAYER_TYPES)
def test_recurrent_dropout_alone_varies_output(name):
    x = sequence_batch()
    layer = LAYER_TYPES[name](UNITS, recurrent_dropout=0.5)

    first = to_numpy(layer(x, training=True))
    second = to_numpy(layer(x, training=True))

    assert not np.allclose(first, second)


@pytest.mark.parametrize("name", LAYER_TYPES)
def test_recurrent_mask_uses_recurrent_rate(name):
    layer = LAYER_TYPES[name](UNITS, dropout=0.1, recurrent_dropout=0.6)

    _, _, recurrent_masks = record_masks(layer, sequence_batch())
    masks = recurrent_masks if isinstance(recurrent_masks, list) else [recurrent_masks]
    values = np.unique(np.concatenate([np.ravel(mask) for mask in masks]))

    np.testing.assert_allclose(values, [0.0, 1.0 / (1.0 - 0.6)], rtol=1e-6)


# Question 7: tanh layers stay in [-1, 1] under heavy recurrent dropout over 200 steps.
def test_tanh_outputs_stay_bounded():
    x = 3.0 * sequence_batch(batch=4, timesteps=200, features=3)
    layers = {
        "SimpleRNN": keras.layers.SimpleRNN(8, recurrent_dropout=0.5, return_sequences=True),
        "GRU-reset_after": keras.layers.GRU(8, recurrent_dropout=0.5, return_sequences=True),
        "GRU-reset_before": keras.layers.GRU(
            8, recurrent_dropout=0.5, reset_after=False, return_sequences=True
        ),
        "LSTM": keras.layers.LSTM(8, recurrent_dropout=0.5, return_sequences=True),
    }

    outputs = predict_in_training_mode(parallel_model(layers, x.shape[1:]), x)

    for key, output in zip(layers, outputs, strict=True):
        assert np.isfinite(output).all(), key
        assert np.abs(output).max() <= 1.0, key


# Question 8: without training=True a call applies no dropout.
@pytest.mark.parametrize("name", LAYER_TYPES)
def test_default_call_skips_dropout(name):
    x = sequence_batch()
    layer = LAYER_TYPES[name](UNITS, dropout=0.5, recurrent_dropout=0.5)

    default = to_numpy(layer(x))

    np.testing.assert_allclose(default, forward(layer, x), atol=1e-5)


def test_default_call_skips_dropout_layer():
    x = sequence_batch()

    np.testing.assert_array_equal(to_numpy(keras.layers.Dropout(0.5)(x)), x)


# Question 9: which entries share a mask.
def dropped_entries(layer: keras.layers.Layer, shape=(16, 12, 6)) -> np.ndarray:
    return to_numpy(layer(np.ones(shape, "float32"), training=True)) == 0


def test_dropout_masks_each_entry():
    dropped = dropped_entries(keras.layers.Dropout(0.5))

    assert not (dropped == dropped[:, :1, :]).all()
    assert not (dropped == dropped[:, :, :1]).all()


@pytest.mark.parametrize(
    "layer",
    [keras.layers.SpatialDropout1D(0.5), keras.layers.Dropout(0.5, noise_shape=(None, 1, 6))],
    ids=["SpatialDropout1D", "noise_shape-batch-1-features"],
)
def test_feature_masks_shared_over_time(layer):
    dropped = dropped_entries(layer)

    assert dropped.any()
    assert (dropped == dropped[:, :1, :]).all()
    assert not (dropped == dropped[:, :, :1]).all()


def test_timestep_mask_shared_over_features():
    dropped = dropped_entries(keras.layers.Dropout(0.5, noise_shape=(None, 12, 1)))

    assert dropped.any()
    assert (dropped == dropped[:, :, :1]).all()
    assert not (dropped == dropped[:, :1, :]).all()


# Question 10: None in noise_shape takes the input's size; other mismatches raise.
@pytest.mark.parametrize("timesteps", [3, 11])
def test_noise_shape_none_fits_any_length(timesteps):
    layer = keras.layers.Dropout(0.5, noise_shape=(None, 1, None))

    dropped = dropped_entries(layer, shape=(16, timesteps, 6))

    assert dropped.any()
    assert (dropped == dropped[:, :1, :]).all()


@pytest.mark.parametrize(
    "noise_shape", [(None, 2, 6), (16, 1, 5), (None, 1)], ids=["time-2", "features-5", "rank-2"]
)
def test_invalid_noise_shape_raises(noise_shape):
    layer = keras.layers.Dropout(0.5, noise_shape=noise_shape)

    with pytest.raises(tf.errors.InvalidArgumentError):
        layer(np.ones((16, 12, 6), "float32"), training=True)


# Question 11: a masked step repeats the previous output; cuDNN needs right padding.
@pytest.mark.parametrize("name", LAYER_TYPES)
def test_masked_step_repeats_previous_output(name):
    x = sequence_batch(batch=2, timesteps=5)
    step_mask = np.array([[True, True, False, True, True], [True] * 5])
    layer = LAYER_TYPES[name](UNITS, return_sequences=True)

    outputs = to_numpy(layer(x, mask=step_mask))

    np.testing.assert_array_equal(outputs[0, 2], outputs[0, 1])
    assert not np.allclose(outputs[0, 3], outputs[0, 2])


@pytest.mark.parametrize(
    "step_mask, accepted",
    [
        ([[True, True, False, True]], False),
        ([[False, True, True, True]], False),
        ([[True, True, True, False]], True),
        ([[True, True, True, True]], True),
    ],
    ids=["gap", "left-padded", "right-padded", "unpadded"],
)
def test_cudnn_mask_needs_right_padding(step_mask, accepted):
    assert cudnn_accepts_mask(np.array(step_mask)) is accepted


# Question 12: layers with recurrent_dropout compile with XLA on CPU.
def test_recurrent_dropout_compiles_with_xla():
    x = tf.constant(sequence_batch(batch=2, timesteps=4))
    layers = {name: LAYER_TYPES[name](UNITS, recurrent_dropout=0.2) for name in LAYER_TYPES}
    compiled = tf.function(
        lambda inputs: [layer(inputs, training=True) for layer in layers.values()],
        jit_compile=True,
    )

    outputs = compiled(x)

    for key, layer, output in zip(layers, layers.values(), outputs, strict=True):
        assert layer.supports_jit, key
        assert output.shape == (2, UNITS), key


# Question 13: a single Keras layer applies its dropout, unlike a 1-layer nn.LSTM.
@pytest.mark.parametrize("name", LAYER_TYPES)
def test_single_layer_applies_dropout(name):
    x = sequence_batch()
    layer = LAYER_TYPES[name](UNITS, dropout=0.5)

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        trained = to_numpy(layer(x, training=True))

    assert not np.allclose(trained, forward(layer, x))


# Question 14: recurrent dropout rescales the state at every step, which relu cannot bound.
def identity_rnn(activation: str) -> keras.layers.SimpleRNN:
    return keras.layers.SimpleRNN(
        4,
        activation=activation,
        kernel_initializer="ones",
        recurrent_initializer="identity",
        recurrent_dropout=0.5,
        return_sequences=True,
        seed=2,
    )


def test_relu_recurrent_dropout_overflows():
    with np.errstate(all="ignore"):
        outputs = predict_in_training_mode(identity_rnn("relu"), np.ones((4, 200, 1), "float32"))

    assert not np.isfinite(outputs).all()


def test_bounded_activation_stays_finite():
    bounds = {"tanh": 1.0, "relu6": 6.0}
    layers = {activation: identity_rnn(activation) for activation in bounds}

    outputs = predict_in_training_mode(parallel_model(layers, (200, 1)), np.ones((4, 200, 1)))

    for activation, output in zip(layers, outputs, strict=True):
        assert np.isfinite(output).all(), activation
        assert np.abs(output).max() <= bounds[activation], activation


# Question 15: seeded training with recurrent dropout repeats exactly on CPU.
def train_once() -> list[np.ndarray]:
    """Train one model with a SimpleRNN, a GRU and an LSTM branch and return its weights."""
    keras.utils.set_random_seed(0)
    x = sequence_batch(batch=16, timesteps=4)
    y = np.linspace(-1.0, 1.0, 16, dtype="float32").reshape(16, 1)
    inputs = keras.Input(x.shape[1:])
    branches = [
        layer_type(UNITS, dropout=0.3, recurrent_dropout=0.3, seed=7)(inputs)
        for layer_type in LAYER_TYPES.values()
    ]
    outputs = keras.layers.Dense(1)(keras.layers.Concatenate()(branches))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=True)
    return model.get_weights()


def test_seeded_training_is_reproducible():
    first = train_once()
    second = train_once()

    assert len(first) == 3 * 3 + 2  # kernel, recurrent kernel and bias per layer, Dense
    for first_weights, second_weights in zip(first, second, strict=True):
        np.testing.assert_array_equal(first_weights, second_weights)
