"""Unit tests of rnn_dropout.monte_carlo: seeded Monte Carlo passes and their summaries."""

import keras
import numpy as np
import pytest

from rnn_dropout import monte_carlo

X = np.random.default_rng(0).normal(size=(4, 5, 3)).astype("float32")


def _model(dropout: float) -> keras.Model:
    inputs = keras.Input((5, 3))
    state = keras.layers.GRU(6, dropout=dropout, recurrent_dropout=dropout, seed=1)(inputs)
    outputs = keras.layers.Dense(2, activation="softmax")(state)
    return keras.Model(inputs, outputs)


@pytest.fixture(scope="module")
def dropout_model() -> keras.Model:
    return _model(0.5)


def test_mc_predict_stacks_passes(dropout_model):
    stack = monte_carlo.mc_predict(dropout_model, X, 3, seed=0)
    assert stack.shape == (3, 4, 2)


def test_mc_predict_batch_size_same_shape(dropout_model):
    stack = monte_carlo.mc_predict(dropout_model, X, 3, seed=0, batch_size=5)
    assert stack.shape == (3, 4, 2)


def test_mc_predict_same_seed_identical(dropout_model):
    first = monte_carlo.mc_predict(dropout_model, X, 3, seed=7)
    second = monte_carlo.mc_predict(dropout_model, X, 3, seed=7)
    assert np.array_equal(first, second)


def test_mc_predict_different_seeds_differ(dropout_model):
    first = monte_carlo.mc_predict(dropout_model, X, 3, seed=7)
    second = monte_carlo.mc_predict(dropout_model, X, 3, seed=8)
    assert not np.allclose(first, second)


def test_mc_predict_passes_differ(dropout_model):
    stack = monte_carlo.mc_predict(dropout_model, X, 2, seed=0)
    assert not np.allclose(stack[0], stack[1])


def test_mc_predict_restores_seed_state(dropout_model):
    before = [keras.ops.convert_to_numpy(v.value) for v in dropout_model.variables]
    monte_carlo.mc_predict(dropout_model, X, 2, seed=3)
    after = [keras.ops.convert_to_numpy(v.value) for v in dropout_model.variables]
    for old, new in zip(before, after, strict=True):
        assert np.array_equal(old, new)


def test_mc_predict_without_dropout_deterministic():
    model = _model(0.0)
    stack = monte_carlo.mc_predict(model, X, 3, seed=0)
    assert np.allclose(stack[0], stack[1])
    assert np.allclose(stack[0], model.predict(X, verbose=0), atol=1e-6)


@pytest.mark.parametrize("passes", [0, -1, 2.0, True, "3"])
def test_mc_predict_rejects_bad_passes(dropout_model, passes):
    with pytest.raises(ValueError, match=f"passes must be a positive integer, got {passes!r}"):
        monte_carlo.mc_predict(dropout_model, X, passes, seed=0)


@pytest.mark.parametrize("seed", [-1, 1.5, None])
def test_mc_predict_rejects_bad_seed(dropout_model, seed):
    with pytest.raises(ValueError, match=f"seed must be a non-negative integer, got {seed!r}"):
        monte_carlo.mc_predict(dropout_model, X, 2, seed=seed)


def test_mc_predict_rejects_bad_batch_size(dropout_model):
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        monte_carlo.mc_predict(dropout_model, X, 2, seed=0, batch_size=0)


def test_mc_predict_rejects_non_model():
    with pytest.raises(ValueError, match="got function"):
        monte_carlo.mc_predict(lambda x: x, X, 2, seed=0)


def test_mc_predict_rejects_empty_batch(dropout_model):
    with pytest.raises(ValueError, match=r"shape \(0, 5, 3\)"):
        monte_carlo.mc_predict(dropout_model, X[:0], 2, seed=0)


def test_mc_predict_rejects_text_input(dropout_model):
    with pytest.raises(ValueError, match="dtype <U1"):
        monte_carlo.mc_predict(dropout_model, np.array(["a", "b"]), 2, seed=0)


def test_entropy_uniform_is_log_classes():
    entropy = monte_carlo.predictive_entropy(np.full((2, 4), 0.25))
    assert np.allclose(entropy, np.log(4))


def test_entropy_one_hot_is_zero():
    entropy = monte_carlo.predictive_entropy(np.eye(3))
    assert np.allclose(entropy, 0.0)


def test_entropy_rejects_unnormalised():
    with pytest.raises(ValueError, match="sum of 2.0000"):
        monte_carlo.predictive_entropy(np.array([[1.0, 1.0]]))


def test_mutual_information_zero_for_agreement():
    samples = np.tile(np.array([[0.7, 0.3]]), (5, 1, 1))
    assert np.allclose(monte_carlo.mutual_information(samples), 0.0)


def test_mutual_information_positive_for_disagreement():
    samples = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    assert np.allclose(monte_carlo.mutual_information(samples), np.log(2))


def test_mutual_information_rejects_rank_two():
    with pytest.raises(ValueError, match=r"got shape \(2, 2\)"):
        monte_carlo.mutual_information(np.eye(2))


def test_ece_perfect_confident_predictions():
    assert monte_carlo.expected_calibration_error(np.eye(3), np.arange(3)) == 0.0


def test_ece_confident_and_wrong():
    assert monte_carlo.expected_calibration_error(np.eye(3), np.array([1, 2, 0])) == 1.0


def test_ece_matches_hand_computation():
    probabilities = np.array([[0.6, 0.4], [0.6, 0.4], [0.9, 0.1], [0.9, 0.1]])
    labels = np.array([0, 1, 0, 0])
    # Bin (0.5, 0.6]: confidence 0.6, accuracy 0.5. Bin (0.8, 0.9]: confidence 0.9, accuracy 1.
    expected = 0.5 * 0.1 + 0.5 * 0.1
    assert np.isclose(monte_carlo.expected_calibration_error(probabilities, labels), expected)


def test_reliability_bins_counts_sum():
    probabilities = np.array([[0.6, 0.4], [0.9, 0.1], [0.5, 0.5]])
    _, _, count = monte_carlo.reliability_bins(probabilities, np.array([0, 0, 1]), bins=5)
    assert count.sum() == 3


def test_reliability_bins_empty_bin_nan():
    confidence, accuracy, _ = monte_carlo.reliability_bins(np.eye(2), np.arange(2), bins=4)
    assert np.isnan(confidence[0])
    assert np.isnan(accuracy[0])


def test_ece_rejects_out_of_range_labels():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\), got 0 to 2"):
        monte_carlo.expected_calibration_error(np.eye(2)[[0, 1, 1]], np.array([0, 1, 2]))


def test_ece_rejects_float_labels():
    with pytest.raises(ValueError, match="labels must be integers"):
        monte_carlo.expected_calibration_error(np.eye(2), np.array([0.0, 1.0]))


def test_ece_rejects_bad_bins():
    with pytest.raises(ValueError, match="bins must be a positive integer, got 0"):
        monte_carlo.expected_calibration_error(np.eye(2), np.arange(2), bins=0)


def test_mc_predict_sees_frozen_batch_normalization():
    inputs = keras.Input((5, 3))
    normalised = keras.layers.BatchNormalization()(keras.layers.GRU(6, seed=1)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(normalised))
    model.layers[2].moving_mean.assign(np.full(6, 0.5, "float32"))
    batch_statistics = monte_carlo.mc_predict(model, X, 2, seed=0)
    model.layers[2].trainable = False
    frozen = monte_carlo.mc_predict(model, X, 2, seed=0)
    assert not np.allclose(batch_statistics[0], frozen[0], atol=1e-3)
    assert np.allclose(frozen[0], model.predict(X, verbose=0), atol=1e-6)
