"""Tests of rnn_dropout.fast_path."""

import keras
import numpy as np
import pytest

from rnn_dropout import fast_path

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def sequence_batch() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(3, 4, 2)).astype("float32")


def test_cudnn_input_returns_unmasked_inference_input():
    x = sequence_batch()

    handed = fast_path.cudnn_input(keras.layers.GRU(3, dropout=0.5), x, training=False)

    np.testing.assert_array_equal(handed, x)


def test_cudnn_input_none_without_cudnn_attempt():
    layer = keras.layers.LSTM(3, use_cudnn=False)

    assert fast_path.cudnn_input(layer, sequence_batch()) is None


def test_cudnn_input_restores_backend_function():
    original = keras.src.backend.gru

    fast_path.cudnn_input(keras.layers.GRU(3), sequence_batch())

    assert keras.src.backend.gru is original


def test_cudnn_input_rejects_simple_rnn():
    with pytest.raises(ValueError, match="SimpleRNN"):
        fast_path.cudnn_input(keras.layers.SimpleRNN(3), sequence_batch())


def test_cudnn_input_rejects_rank_two_input():
    with pytest.raises(ValueError, match="rank 3"):
        fast_path.cudnn_input(keras.layers.GRU(3), np.ones((3, 4)))


def test_cudnn_accepts_right_padded_mask():
    assert fast_path.cudnn_accepts_mask(np.array([[True, True, False], [True, True, True]]))


def test_cudnn_rejects_fully_masked_sequence():
    assert not fast_path.cudnn_accepts_mask(np.array([[False, False], [True, True]]))


def test_cudnn_accepts_mask_rejects_integer_mask():
    with pytest.raises(ValueError, match="boolean"):
        fast_path.cudnn_accepts_mask(np.array([[1, 0]]))
