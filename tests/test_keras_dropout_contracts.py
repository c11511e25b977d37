"""Keras 3.15.1 dropout behaviours that the chapter 'The two dropout parameters' states.

Each test pins one behaviour. When one fails after a Keras upgrade, the chapter's text and
asserts must change with it.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_dropout.masks import record_masks

CHAPTER = "the chapter 'The two dropout parameters' (chapters/dropout_parameters.ipynb)"
LAYER_TYPES = {
    "SimpleRNN": keras.layers.SimpleRNN,
    "GRU": keras.layers.GRU,
    "LSTM": keras.layers.LSTM,
}
GATED_TYPES = {"GRU": keras.layers.GRU, "LSTM": keras.layers.LSTM}

# keras.ops.convert_to_numpy calls np.array on TensorFlow tensors, which NumPy 2 flags.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


@pytest.fixture(autouse=True)
def seeded_keras():
    keras.utils.set_random_seed(0)


@pytest.fixture
def x():
    return np.random.default_rng(0).normal(size=(4, 5, 3)).astype("float32")


def _mask_count(masks):
    if masks is None:
        return 0
    return len(masks) if isinstance(masks, list) else 1


@pytest.mark.parametrize(
    ("rate", "stored"), [(1.5, 1.0), (-0.2, 0.0), (15, 1.0), (0.3, 0.3)], ids=str
)
@pytest.mark.parametrize("kind", LAYER_TYPES)
def test_rates_clamped_to_unit_interval(kind, rate, stored):
    layer = LAYER_TYPES[kind](4, dropout=rate, recurrent_dropout=rate)

    assert layer.dropout == stored, (
        f"Keras stores {kind}(dropout={rate}) as {layer.dropout}, not {stored}; update {CHAPTER}"
    )
    assert layer.recurrent_dropout == stored, (
        f"Keras stores {kind}(recurrent_dropout={rate}) as {layer.recurrent_dropout}, "
        f"not {stored}; update {CHAPTER}"
    )


@pytest.mark.parametrize("argument", ["dropout", "recurrent_dropout"])
@pytest.mark.parametrize("kind", GATED_TYPES)
def test_rate_one_applies_no_dropout(kind, argument, x):
    layer = GATED_TYPES[kind](4, **{argument: 1.0})

    training = layer(x, training=True).numpy()
    inference = layer(x, training=False).numpy()

    assert np.allclose(training, inference), (
        f"{kind}({argument}=1.0) now changes the training output on CPU; update {CHAPTER}"
    )


@pytest.mark.parametrize("argument", ["dropout", "recurrent_dropout"])
def test_simple_rnn_rate_one_drops_all(argument, x):
    layer = keras.layers.SimpleRNN(4, **{argument: 1.0})

    training = layer(x, training=True).numpy()
    inference = layer(x, training=False).numpy()

    assert not np.allclose(training, inference), (
        f"SimpleRNN({argument}=1.0) no longer applies its zero mask; update {CHAPTER}"
    )


@pytest.mark.parametrize("kind", GATED_TYPES)
def test_recurrent_dropout_forces_implementation_one(kind):
    default = GATED_TYPES[kind](4, dropout=0.3)
    forced = GATED_TYPES[kind](4, recurrent_dropout=0.3, implementation=2)

    assert default.cell.implementation == 2, (
        f"{kind} with recurrent_dropout=0 no longer defaults to implementation=2; update {CHAPTER}"
    )
    assert forced.cell.implementation == 1, (
        f"{kind} with recurrent_dropout>0 no longer forces implementation=1; update {CHAPTER}"
    )


MASK_COUNTS = [
    # kind, dropout, recurrent_dropout, input masks, recurrent masks
    ("SimpleRNN", 0.3, 0.0, 1, 0),
    ("SimpleRNN", 0.0, 0.3, 0, 1),
    ("SimpleRNN", 0.3, 0.3, 1, 1),
    ("GRU", 0.3, 0.0, 1, 0),
    ("GRU", 0.0, 0.3, 0, 3),
    ("GRU", 0.3, 0.3, 3, 3),
    ("LSTM", 0.3, 0.0, 1, 0),
    ("LSTM", 0.0, 0.3, 0, 4),
    ("LSTM", 0.3, 0.3, 4, 4),
]


@pytest.mark.parametrize(
    ("kind", "dropout", "recurrent_dropout", "input_count", "recurrent_count"),
    MASK_COUNTS,
    ids=[f"{row[0]}-{row[1]}-{row[2]}" for row in MASK_COUNTS],
)
def test_mask_count_per_layer_type(
    kind, dropout, recurrent_dropout, input_count, recurrent_count, x
):
    layer = LAYER_TYPES[kind](4, dropout=dropout, recurrent_dropout=recurrent_dropout)

    _, input_masks, recurrent_masks = record_masks(layer, x)

    assert _mask_count(input_masks) == input_count, (
        f"{kind}(dropout={dropout}, recurrent_dropout={recurrent_dropout}) drew "
        f"{_mask_count(input_masks)} input masks, not {input_count}; update {CHAPTER}"
    )
    assert _mask_count(recurrent_masks) == recurrent_count, (
        f"{kind}(dropout={dropout}, recurrent_dropout={recurrent_dropout}) drew "
        f"{_mask_count(recurrent_masks)} recurrent masks, not {recurrent_count}; update {CHAPTER}"
    )


def test_same_input_mask_every_timestep():
    # With kernel = I, recurrent_kernel = 0, no bias and a linear activation, the output at
    # step t of an all-ones input is the input mask used at step t.
    features, timesteps = 16, 8
    probe = keras.layers.SimpleRNN(
        features, activation="linear", use_bias=False, dropout=0.5, return_sequences=True
    )
    ones = np.ones((3, timesteps, features), dtype="float32")
    probe.build(ones.shape)
    probe.set_weights([np.eye(features), np.zeros((features, features))])

    step_masks = probe(ones, training=True).numpy()

    for sequence, masks in enumerate(step_masks):
        assert np.array_equal(masks, np.broadcast_to(masks[0], masks.shape)), (
            f"sequence {sequence} used different input masks at different timesteps; "
            f"update {CHAPTER}"
        )
    assert not np.array_equal(step_masks[0, 0], step_masks[1, 0]), (
        f"two sequences of a batch shared one input mask; update {CHAPTER}"
    )


@pytest.mark.parametrize("kind", GATED_TYPES)
def test_implementation_one_fails_in_training(kind, x):
    layer = GATED_TYPES[kind](4, dropout=0.3, implementation=1)

    try:
        layer(x, training=True)
    except tf.errors.InvalidArgumentError:
        pass
    else:
        pytest.fail(
            f"{kind}(dropout=0.3, implementation=1) now trains without InvalidArgumentError; "
            f"update the pitfall in {CHAPTER}"
        )


@pytest.mark.parametrize("kind", GATED_TYPES)
def test_implementation_one_without_cudnn_trains(kind, x):
    layer = GATED_TYPES[kind](4, dropout=0.3, implementation=1, use_cudnn=False)

    output = layer(x, training=True)

    assert output.shape == (len(x), 4), (
        f"the use_cudnn=False workaround for {kind} changed; update {CHAPTER}"
    )
