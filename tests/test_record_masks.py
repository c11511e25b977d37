"""Tests of rnn_dropout.masks.record_masks and of the Keras 3.15.1 mask facts it documents."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_dropout.masks import record_masks

# keras.ops.convert_to_numpy calls np.array on TensorFlow tensors, which NumPy 2 flags.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

RATE = 0.3
BATCH = 32
FEATURES = 8
UNITS = 6
LAYER_TYPES = {
    "SimpleRNN": keras.layers.SimpleRNN,
    "GRU": keras.layers.GRU,
    "LSTM": keras.layers.LSTM,
}
GATE_COUNTS = {"GRU": 3, "LSTM": 4}


@pytest.fixture(autouse=True)
def seeded_keras():
    keras.utils.set_random_seed(20240611)


def sequence_batch(timesteps: int = 3, features: int = FEATURES, batch: int = BATCH):
    rng = np.random.default_rng(7)
    return rng.normal(size=(batch, timesteps, features)).astype("float32")


def mask_list(masks: object) -> list[np.ndarray]:
    return masks if isinstance(masks, list) else [masks]


def uses_getter_override(cell: keras.layers.Layer) -> bool:
    return "get_dropout_mask" in vars(cell) or "get_recurrent_dropout_mask" in vars(cell)


# Mask values and shapes


@pytest.mark.parametrize("kind", LAYER_TYPES)
@pytest.mark.parametrize("rate", [0.1, 0.3, 0.5, 0.8])
def test_mask_values_zero_or_scaled(kind, rate):
    layer = LAYER_TYPES[kind](UNITS, dropout=rate, recurrent_dropout=rate)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    for mask in mask_list(input_masks) + mask_list(recurrent_masks):
        is_kept = mask != 0
        np.testing.assert_allclose(mask[is_kept], 1.0 / (1.0 - rate), rtol=1e-6)
        assert is_kept.any()
        assert not is_kept.all()


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_mask_dropped_fraction_near_rate(kind):
    layer = LAYER_TYPES[kind](64, dropout=RATE, recurrent_dropout=RATE)
    x = sequence_batch(timesteps=1, features=64, batch=64)

    _, input_masks, recurrent_masks = record_masks(layer, x)

    # With 64 * 64 draws per mask the fraction has a standard deviation of about 0.007, so
    # 0.05 is about 7 standard deviations.
    for mask in mask_list(input_masks) + mask_list(recurrent_masks):
        assert abs(np.mean(mask == 0) - RATE) < 0.05


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_mask_shapes_follow_batch(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE, recurrent_dropout=RATE)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    for mask in mask_list(input_masks):
        assert mask.shape == (BATCH, FEATURES)
    for mask in mask_list(recurrent_masks):
        assert mask.shape == (BATCH, UNITS)


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_masks_are_numpy_float32(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE, recurrent_dropout=RATE)

    outputs, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert isinstance(outputs, np.ndarray)
    for mask in mask_list(input_masks) + mask_list(recurrent_masks):
        assert isinstance(mask, np.ndarray)
        assert mask.dtype == np.float32


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_return_state_outputs_list(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE, return_state=True, return_sequences=True)

    outputs, _, _ = record_masks(layer, sequence_batch(timesteps=5))

    state_count = 2 if kind == "LSTM" else 1
    assert isinstance(outputs, list)
    assert len(outputs) == 1 + state_count
    assert outputs[0].shape == (BATCH, 5, UNITS)
    for state in outputs[1:]:
        assert state.shape == (BATCH, UNITS)


# Mask formats


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_zero_rates_give_none(kind):
    layer = LAYER_TYPES[kind](UNITS)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert input_masks is None
    assert recurrent_masks is None


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_input_dropout_only_shares_mask(kind):
    # Keras 3.15.1 draws one input mask for all gates with implementation=2, the default.
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert isinstance(input_masks, np.ndarray)
    assert recurrent_masks is None


@pytest.mark.parametrize("kind", GATE_COUNTS)
@pytest.mark.parametrize("dropout", [0.0, RATE])
def test_recurrent_dropout_gives_gate_lists(kind, dropout):
    layer = LAYER_TYPES[kind](UNITS, implementation=2, dropout=dropout, recurrent_dropout=RATE)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    gate_count = GATE_COUNTS[kind]
    assert layer.cell.implementation == 1
    assert isinstance(recurrent_masks, list)
    assert len(recurrent_masks) == gate_count
    if dropout == 0.0:
        assert input_masks is None
    else:
        assert isinstance(input_masks, list)
        assert len(input_masks) == gate_count


@pytest.mark.parametrize("kind", GATE_COUNTS)
def test_gate_masks_differ_per_gate(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE, recurrent_dropout=RATE)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    for masks in (input_masks, recurrent_masks):
        for gate in range(1, GATE_COUNTS[kind]):
            assert not np.array_equal(masks[0], masks[gate])


def test_simple_rnn_masks_are_arrays():
    layer = keras.layers.SimpleRNN(UNITS, dropout=RATE, recurrent_dropout=RATE)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert isinstance(input_masks, np.ndarray)
    assert isinstance(recurrent_masks, np.ndarray)


@pytest.mark.parametrize("kind", GATE_COUNTS)
def test_implementation_1_without_cudnn(kind):
    layer = LAYER_TYPES[kind](UNITS, implementation=1, use_cudnn=False, dropout=RATE)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert isinstance(input_masks, list)
    assert len(input_masks) == GATE_COUNTS[kind]
    assert recurrent_masks is None


# Mask randomness


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_masks_differ_between_sequences(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE, recurrent_dropout=RATE)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    for mask in mask_list(input_masks) + mask_list(recurrent_masks):
        distinct_rows = np.unique(mask, axis=0)
        assert len(distinct_rows) > BATCH // 2


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_masks_change_every_call(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE, recurrent_dropout=RATE)
    x = sequence_batch()

    _, first_input, first_recurrent = record_masks(layer, x)
    _, second_input, second_recurrent = record_masks(layer, x)

    pairs = zip(mask_list(first_input) + mask_list(first_recurrent),
                mask_list(second_input) + mask_list(second_recurrent), strict=True)  # fmt: skip
    for first, second in pairs:
        assert not np.array_equal(first, second)


def test_bidirectional_masks_per_direction():
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(UNITS, dropout=RATE, recurrent_dropout=RATE)
    )

    outputs, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert outputs.shape == (BATCH, 2 * UNITS)
    assert set(input_masks) == {"forward", "backward"}
    assert set(recurrent_masks) == {"forward", "backward"}
    for gate in range(4):
        assert input_masks["forward"][gate].shape == (BATCH, FEATURES)
        assert recurrent_masks["backward"][gate].shape == (BATCH, UNITS)
        assert not np.array_equal(input_masks["forward"][gate], input_masks["backward"][gate])


def test_bidirectional_merge_mode_none():
    layer = keras.layers.Bidirectional(keras.layers.GRU(UNITS, dropout=RATE), merge_mode=None)

    outputs, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert isinstance(outputs, list)
    assert len(outputs) == 2
    assert isinstance(input_masks["backward"], np.ndarray)
    assert recurrent_masks == {"forward": None, "backward": None}


# Layer restoration


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_record_restores_cell_methods(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE, recurrent_dropout=RATE)

    record_masks(layer, sequence_batch())

    assert not uses_getter_override(layer.cell)
    assert layer.cell._dropout_mask is None
    assert layer.cell._recurrent_dropout_mask is None


def test_record_restores_existing_override():
    layer = keras.layers.SimpleRNN(UNITS, dropout=RATE)
    cell_method = layer.cell.get_dropout_mask
    layer.cell.get_dropout_mask = cell_method

    record_masks(layer, sequence_batch())

    assert vars(layer.cell)["get_dropout_mask"] is cell_method
    assert "get_recurrent_dropout_mask" not in vars(layer.cell)


def test_record_builds_unbuilt_layer():
    layer = keras.layers.GRU(UNITS, dropout=RATE)

    record_masks(layer, sequence_batch())

    assert layer.built
    assert layer.cell.kernel.shape == (FEATURES, 3 * UNITS)


# Keras 3.15.1 behaviour that the documentation of rnn_dropout.masks states


@pytest.mark.parametrize("kind", GATE_COUNTS)
def test_keras_implementation_1_dropout_fails(kind):
    # GRU.inner_loop and LSTM.inner_loop broadcast the per-gate mask list to the whole
    # sequence before trying cuDNN, which fails.
    layer = LAYER_TYPES[kind](UNITS, implementation=1, dropout=RATE)

    with pytest.raises(tf.errors.InvalidArgumentError, match="Rank of input"):
        record_masks(layer, sequence_batch())

    assert not uses_getter_override(layer.cell)
    assert layer.cell._dropout_mask is None
    layer(sequence_batch(), training=False)


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_keras_clamps_rates_silently(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=1.5, recurrent_dropout=-0.2)

    assert layer.cell.dropout == 1.0
    assert layer.cell.recurrent_dropout == 0.0


@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_keras_inference_draws_masks(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=RATE)
    x = sequence_batch()
    layer(x, training=False)
    state_before = keras.ops.convert_to_numpy(layer.cell.seed_generator.state)

    layer(x, training=False)

    state_after = keras.ops.convert_to_numpy(layer.cell.seed_generator.state)
    assert not np.array_equal(state_before, state_after)


def test_simple_rnn_full_dropout_zeros():
    layer = keras.layers.SimpleRNN(UNITS, dropout=1.0, recurrent_dropout=1.0)

    _, input_masks, recurrent_masks = record_masks(layer, sequence_batch())

    assert not input_masks.any()
    assert not recurrent_masks.any()


@pytest.mark.skipif(bool(tf.config.list_logical_devices("GPU")), reason="checks the CPU path")
@pytest.mark.parametrize("kind", GATE_COUNTS)
def test_keras_full_dropout_skipped_cpu(kind):
    layer = LAYER_TYPES[kind](UNITS, dropout=1.0)
    x = sequence_batch()

    training = keras.ops.convert_to_numpy(layer(x, training=True))
    inference = keras.ops.convert_to_numpy(layer(x, training=False))

    np.testing.assert_array_equal(training, inference)


# Invalid input


@pytest.mark.parametrize("kind", GATE_COUNTS)
@pytest.mark.parametrize("argument", ["dropout", "recurrent_dropout"])
def test_record_rejects_full_dropout(kind, argument):
    layer = LAYER_TYPES[kind](UNITS, name="full_dropout", **{argument: 1.0})

    with pytest.raises(ValueError, match=f"'full_dropout' has {argument}=1.0"):
        record_masks(layer, sequence_batch())


def test_record_rejects_dense_layer():
    with pytest.raises(ValueError, match="got Dense 'dense_layer'"):
        record_masks(keras.layers.Dense(UNITS, name="dense_layer"), sequence_batch())


def test_record_rejects_conv_lstm():
    with pytest.raises(ValueError, match="got ConvLSTM1D"):
        record_masks(keras.layers.ConvLSTM1D(2, 3), sequence_batch())


def test_record_rejects_non_layer():
    with pytest.raises(ValueError, match="got str"):
        record_masks("LSTM", sequence_batch())


def test_record_rejects_stateful_layer():
    layer = keras.layers.SimpleRNN(UNITS, stateful=True, name="stateful_rnn")

    with pytest.raises(ValueError, match="'stateful_rnn' has stateful=True"):
        record_masks(layer, sequence_batch())


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((4, 5)), r"rank 3 \(batch, timesteps, features\), got shape \(4, 5\)"),
        (np.zeros(5), r"got shape \(5,\)"),
        (np.zeros((0, 3, 4)), r"at least one .* got shape \(0, 3, 4\)"),
        (np.full((2, 3, 4), "a"), "integers or floats, got dtype <U1"),
        (np.zeros((2, 3, 4), dtype=complex), "integers or floats, got dtype complex128"),
        (np.array([[[None]]]), "integers or floats, got dtype object"),
    ],
    ids=["rank-2", "rank-1", "empty-batch", "strings", "complex", "objects"],
)
def test_record_rejects_invalid_x(x, message):
    layer = keras.layers.LSTM(UNITS, dropout=RATE)

    with pytest.raises(ValueError, match=message):
        record_masks(layer, x)

    assert not layer.built


def test_record_rejects_feature_mismatch():
    layer = keras.layers.GRU(UNITS, dropout=RATE, name="gru_eight")
    layer.build((None, 3, FEATURES))

    with pytest.raises(ValueError, match=r"x has 5 features .* 'gru_eight' was built for 8"):
        record_masks(layer, sequence_batch(features=5))


def test_record_rejects_bidirectional_mismatch():
    layer = keras.layers.Bidirectional(keras.layers.GRU(UNITS, name="inner"))
    layer.build((None, 3, FEATURES))

    with pytest.raises(ValueError, match="x has 2 features .* 'forward_inner' was built for 8"):
        record_masks(layer, sequence_batch(features=2))
