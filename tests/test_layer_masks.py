"""Tests of rnn_dropout.layer_masks against real Keras Dropout-family layers."""

import re

import keras
import matplotlib
import numpy as np
import pytest

from rnn_dropout import heatmaps, layer_masks

matplotlib.use("Agg")


def test_dropout_mask_matches_layer_output():
    layer = keras.layers.Dropout(0.3, seed=1)
    twin = keras.layers.Dropout(0.3, seed=1)
    keep = layer_masks.draw_layer_mask(layer, (4, 5, 6))
    output = twin(np.ones((4, 5, 6), "float32"), training=True).numpy()
    assert np.array_equal(keep, output != 0)


def test_seeded_draws_repeat():
    layer = keras.layers.Dropout(0.5)
    first = layer_masks.draw_layer_mask(layer, (8, 6, 4), seed=7)
    second = layer_masks.draw_layer_mask(layer, (8, 6, 4), seed=7)
    assert np.array_equal(first, second)


def test_unseeded_draws_differ():
    layer = keras.layers.Dropout(0.5, seed=3)
    first = layer_masks.draw_layer_mask(layer, (8, 6, 4))
    second = layer_masks.draw_layer_mask(layer, (8, 6, 4))
    assert not np.array_equal(first, second)


def test_spatial_dropout_constant_over_time():
    keep = layer_masks.draw_layer_mask(keras.layers.SpatialDropout1D(0.5), (16, 9, 5), seed=0)
    assert (keep == keep[:, :1, :]).all()
    assert 0 < keep.mean() < 1


def test_spatial_dropout_equals_noise_shape():
    spatial = layer_masks.draw_layer_mask(keras.layers.SpatialDropout1D(0.4), (6, 7, 5), seed=2)
    dropout = keras.layers.Dropout(0.4, noise_shape=(None, 1, 5))
    assert np.array_equal(spatial, layer_masks.draw_layer_mask(dropout, (6, 7, 5), seed=2))


def test_noise_shape_none_any_length():
    layer = keras.layers.Dropout(0.5, noise_shape=(None, 1, None), seed=0)
    for timesteps in (5, 9):
        keep = layer_masks.draw_layer_mask(layer, (8, timesteps, 3))
        assert keep.shape == (8, timesteps, 3)
        assert (keep == keep[:, :1, :]).all()


def test_timestep_noise_shape_whole_rows():
    layer = keras.layers.Dropout(0.5, noise_shape=(None, 10, 1))
    keep = layer_masks.draw_layer_mask(layer, (8, 10, 4), seed=0)
    assert (keep == keep[:, :, :1]).all()


def test_time_distributed_dropout_mask():
    layer = keras.layers.TimeDistributed(keras.layers.Dropout(0.5))
    keep = layer_masks.draw_layer_mask(layer, (64, 6, 4), seed=0)
    assert keep.shape == (64, 6, 4)
    assert not (keep == keep[:, :1, :]).all()


def test_measured_frequency_within_bound():
    rate, features = 0.5, 3
    keep = layer_masks.draw_layer_mask(keras.layers.Dropout(rate), (2000, 20, features), seed=0)
    low, high = layer_masks.frequency_bounds(
        layer_masks.all_dropped_probability(rate, features), 2000 * 20
    )
    assert low <= layer_masks.timestep_drop_frequency(keep) <= high


def test_timestep_drop_frequency_counts_rows():
    keep = np.ones((1, 4, 2), bool)
    keep[0, 1] = False
    keep[0, 2, 0] = False
    assert layer_masks.timestep_drop_frequency(keep) == 0.25


def test_rnn_keep_mask_broadcasts_over_time():
    mask = np.array([[0.0, 2.0], [2.0, 2.0]])
    keep = layer_masks.rnn_keep_mask(mask, 3)
    assert keep.shape == (2, 3, 2)
    assert (keep == np.array([[False, True], [True, True]])[:, None, :]).all()


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
def test_probability_rejects_rate(rate):
    with pytest.raises(ValueError, match=f"rate must be in \\[0, 1\\), got {rate}"):
        layer_masks.all_dropped_probability(rate, 3)


def test_draw_rejects_rate_one():
    with pytest.raises(ValueError, match="got 1.0"):
        layer_masks.draw_layer_mask(keras.layers.Dropout(1.0), (2, 3, 4))


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4, 5), (2, 0, 4)])
def test_draw_rejects_wrong_shape(shape):
    with pytest.raises(ValueError, match="shape must be three positive integers"):
        layer_masks.draw_layer_mask(keras.layers.Dropout(0.5), shape)


@pytest.mark.parametrize("noise_shape", [(None, 2, 5), (None, 6, 4), (None, 1, 5, 1)])
def test_draw_rejects_bad_noise_shape(noise_shape):
    layer = keras.layers.Dropout(0.5, noise_shape=noise_shape)
    with pytest.raises(ValueError, match=re.escape(f"noise_shape={noise_shape}")):
        layer_masks.draw_layer_mask(layer, (4, 6, 5))


def test_noise_shape_shorter_broadcasts():
    layer_masks.check_noise_shape((1, 5), (4, 6, 5))


def test_draw_rejects_other_layer():
    with pytest.raises(ValueError, match="got Dense"):
        layer_masks.draw_layer_mask(keras.layers.Dense(3), (2, 3, 4))


def test_draw_rejects_negative_seed():
    with pytest.raises(ValueError, match="got -1"):
        layer_masks.draw_layer_mask(keras.layers.Dropout(0.5), (2, 3, 4), seed=-1)


def test_frequency_rejects_rank_two():
    with pytest.raises(ValueError, match=r"got shape \(3, 4\)"):
        layer_masks.timestep_drop_frequency(np.ones((3, 4), bool))


def test_frequency_rejects_non_binary():
    with pytest.raises(ValueError, match="zeros and ones"):
        layer_masks.timestep_drop_frequency(np.full((1, 2, 2), 2.0))


def test_rnn_keep_mask_rejects_gate_list():
    with pytest.raises(ValueError, match="list of gate masks"):
        layer_masks.rnn_keep_mask([np.ones((2, 3))] * 3, 4)


def test_bounds_reject_zero_trials():
    with pytest.raises(ValueError, match="got 0"):
        layer_masks.frequency_bounds(0.5, 0)


def test_mask_panels_draw_each_mask():
    keep = np.ones((3, 4, 2), bool)
    fig = heatmaps.mask_panels({"a": keep, "b": ~keep}, columns=2)
    assert len(fig.axes) == 2


def test_mask_panels_reject_few_sequences():
    with pytest.raises(ValueError, match="at least 3 sequences"):
        heatmaps.mask_panels({"a": np.ones((2, 4, 2), bool)})


def test_drop_plot_rejects_mismatched_rates():
    with pytest.raises(ValueError, match="same rates"):
        heatmaps.timestep_drop_plot([1], {0.5: [0.5]}, {0.2: [0.2]}, {0.5: [True]})


@pytest.mark.parametrize(
    ("noise_shape", "expected"),
    [
        (None, "element"),
        ((None, 1, 6), "column"),
        ((None, None, 1), "timestep"),
        ((None, 1, 1), "sequence"),
    ],
)
def test_coin_coverage_names_each_noise_shape(noise_shape, expected):
    layer = keras.layers.Dropout(0.5, noise_shape=noise_shape)
    keep = layer_masks.draw_layer_mask(layer, (64, 8, 6), seed=0)

    assert layer_masks.coin_coverage(keep) == expected


def test_coin_coverage_rejects_single_timestep():
    with pytest.raises(ValueError, match=r"at least two timesteps and two columns.*\(4, 1, 3\)"):
        layer_masks.coin_coverage(np.ones((4, 1, 3), bool))
