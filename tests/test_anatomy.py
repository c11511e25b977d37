"""Gate names, weight blocks and the parameter-count formula agree with real Keras layers."""

import keras
import pytest

from rnn_dropout import anatomy


@pytest.mark.parametrize("kind", ["SimpleRNN", "GRU", "LSTM"])
@pytest.mark.parametrize(("features", "units"), [(1, 1), (3, 4), (7, 2)])
def test_parameter_count_matches_keras(kind, features, units):
    layer = getattr(keras.layers, kind)(units)
    layer.build((None, None, features))

    assert anatomy.parameter_count(kind, features, units) == layer.count_params()


def test_parameter_count_gru_reset_before():
    layer = keras.layers.GRU(5, reset_after=False)
    layer.build((None, None, 3))

    assert anatomy.parameter_count("GRU", 3, 5, reset_after=False) == layer.count_params()


@pytest.mark.parametrize(
    ("kind", "features", "units", "message"),
    [
        ("Conv1D", 3, 4, "'Conv1D'"),
        ("GRU", 0, 4, "features must be a positive integer, got 0"),
        ("GRU", 3, 2.5, "units must be a positive integer, got 2.5"),
        ("LSTM", True, 4, "features must be a positive integer, got True"),
    ],
)
def test_parameter_count_rejects_bad_input(kind, features, units, message):
    with pytest.raises(ValueError, match=message):
        anatomy.parameter_count(kind, features, units)


def test_gate_names_lstm_order():
    assert [g[0] for g in anatomy.gate_names(keras.layers.LSTM(2))] == ["i", "f", "c", "o"]


def test_gate_names_rejects_other_layer():
    with pytest.raises(ValueError, match="Dense"):
        anatomy.gate_names(keras.layers.Dense(2))


def test_weight_blocks_gru_columns():
    layer = keras.layers.GRU(4)
    layer.build((None, None, 3))
    rows = anatomy.weight_blocks(layer)

    assert ("kernel", "(3, 12)", "z (update)", "0:4") in rows
    assert ("recurrent_kernel", "(4, 12)", "h (candidate)", "8:12") in rows
    assert len(rows) == 3 * len(layer.weights)


def test_weight_blocks_rejects_unbuilt_layer():
    with pytest.raises(ValueError, match="not built"):
        anatomy.weight_blocks(keras.layers.LSTM(2))
