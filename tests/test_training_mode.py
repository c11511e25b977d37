"""Tests of rnn_dropout.training_mode."""

import keras
import numpy as np
import pytest

from rnn_dropout.training_mode import predict_in_training_mode


def test_training_mode_applies_dropout():
    outputs = predict_in_training_mode(keras.layers.Dropout(0.5, seed=1), np.ones((4, 8)))

    assert set(np.unique(outputs)) == {0.0, 2.0}


def test_training_mode_draws_new_masks():
    layer = keras.layers.Dropout(0.5, seed=1)

    first = predict_in_training_mode(layer, np.ones((4, 8)))
    second = predict_in_training_mode(layer, np.ones((4, 8)))

    assert not np.array_equal(first, second)


def test_training_mode_rejects_non_layer():
    with pytest.raises(ValueError, match="keras.layers.Layer"):
        predict_in_training_mode(lambda x: x, np.ones((4, 8)))


def test_training_mode_rejects_empty_batch():
    with pytest.raises(ValueError, match="at least one sample"):
        predict_in_training_mode(keras.layers.Dropout(0.5), np.ones((0, 8)))
