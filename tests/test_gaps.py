"""make_gaps removes only real values at the requested rate, and the fills replace NaN."""

import numpy as np
import pytest

from rnn_dropout import gaps

BATCH, TIMESTEPS, FEATURES = 400, 20, 6


def batch_and_lengths():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, TIMESTEPS, FEATURES)).astype(np.float32) + 5.0
    lengths = rng.integers(5, TIMESTEPS + 1, size=BATCH)
    x[np.arange(TIMESTEPS)[None, :] >= lengths[:, None]] = 0.0
    return x, lengths


@pytest.mark.parametrize("kind", gaps.GAP_KINDS)
def test_gaps_only_below_lengths(kind):
    x, lengths = batch_and_lengths()

    _, missing = gaps.make_gaps(x, 0.5, kind, seed=1, lengths=lengths)

    padding = np.arange(TIMESTEPS)[None, :] >= lengths[:, None]
    assert not missing[padding].any()


@pytest.mark.parametrize("kind", gaps.GAP_KINDS)
@pytest.mark.parametrize("rate", [0.1, 0.3, 0.5])
def test_gap_fraction_matches_rate(kind, rate):
    x, lengths = batch_and_lengths()
    real = gaps.real_frames(x.shape, lengths)

    # Mean over 20 seeds; 6 standard errors of the per-seed fractions bound a fair estimate.
    fractions = [
        gaps.make_gaps(x, rate, kind, seed=seed, lengths=lengths)[1][real].mean()
        for seed in range(20)
    ]
    bound = 6 * np.std(fractions, ddof=1) / np.sqrt(len(fractions)) + 1e-3
    assert abs(np.mean(fractions) - rate) < bound


@pytest.mark.parametrize("kind", gaps.GAP_KINDS)
def test_gaps_seeded(kind):
    x, lengths = batch_and_lengths()

    _, first = gaps.make_gaps(x, 0.3, kind, seed=7, lengths=lengths)
    _, again = gaps.make_gaps(x, 0.3, kind, seed=7, lengths=lengths)
    _, other = gaps.make_gaps(x, 0.3, kind, seed=8, lengths=lengths)

    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_missing_values_are_nan():
    x, lengths = batch_and_lengths()

    x_with_gaps, missing = gaps.make_gaps(x, 0.3, "elements", seed=0, lengths=lengths)

    assert np.isnan(x_with_gaps[missing]).all()
    assert np.array_equal(x_with_gaps[~missing], x[~missing])


def test_timesteps_remove_whole_frames():
    x, lengths = batch_and_lengths()

    _, missing = gaps.make_gaps(x, 0.3, "timesteps", seed=0, lengths=lengths)

    per_frame = missing.sum(axis=2)
    assert set(np.unique(per_frame)) == {0, FEATURES}


def test_blocks_are_one_contiguous_run():
    x, lengths = batch_and_lengths()

    _, missing = gaps.make_gaps(x, 0.3, "blocks", seed=0, lengths=lengths)

    frames = missing[:, :, 0].astype(int)
    starts = (np.diff(frames, axis=1, prepend=0) == 1).sum(axis=1)
    assert starts.max() == 1
    assert (missing.all(axis=2) == missing.any(axis=2)).all()


def test_channels_missing_whole_sequence():
    x = np.ones((BATCH, TIMESTEPS, FEATURES), np.float32)

    _, missing = gaps.make_gaps(x, 0.3, "channels", seed=0)

    per_channel = missing.sum(axis=1)
    assert set(np.unique(per_channel)) == {0, TIMESTEPS}


def test_zero_rate_removes_nothing():
    x, lengths = batch_and_lengths()

    _, missing = gaps.make_gaps(x, 0.0, "blocks", seed=0, lengths=lengths)

    assert not missing.any()


def test_fill_zeros_replaces_nan():
    x = np.array([[[1.0, np.nan], [np.nan, np.nan]]])

    filled = gaps.fill_zeros(x)

    assert np.array_equal(filled, [[[1.0, 0.0], [0.0, 0.0]]])


def test_fill_last_observation_carries_forward():
    x = np.array([[[np.nan, 1.0], [2.0, np.nan], [np.nan, np.nan], [4.0, 5.0]]])

    filled = gaps.fill_last_observation(x, initial=-1.0)

    expected = [[[-1.0, 1.0], [2.0, 1.0], [2.0, 1.0], [4.0, 5.0]]]
    assert np.array_equal(filled, expected)


def test_steps_since_observation_counts():
    missing = np.array([[[True], [False], [True], [True], [False]]])

    intervals = gaps.steps_since_observation(missing)

    assert np.array_equal(intervals[0, :, 0], [1, 0, 1, 2, 0])


def test_fill_with_indicators_channels():
    x = np.array([[[1.0, np.nan], [np.nan, 3.0], [0.0, 0.0]]])

    filled = gaps.fill_with_indicators(x, interval_scale=2.0)

    assert filled.shape == (1, 3, 6)
    assert np.array_equal(filled[0, :, :2], [[1.0, 0.0], [0.0, 3.0], [0.0, 0.0]])
    assert np.array_equal(filled[0, :, 2:4], [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    assert np.array_equal(filled[0, :, 4:], [[0.0, 0.5], [0.5, 0.0], [0.0, 0.0]])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": 1.0}, "rate must be in"),
        ({"rate": -0.1}, "rate must be in"),
        ({"kind": "frames"}, "kind must be one of"),
        ({"lengths": np.array([3, 4])}, "lengths must have shape"),
        ({"lengths": np.full(BATCH, TIMESTEPS + 1)}, "lengths must lie in"),
    ],
)
def test_make_gaps_bad_input(kwargs, message):
    x, _ = batch_and_lengths()
    arguments = {"rate": 0.2, "kind": "timesteps", **kwargs}

    with pytest.raises(ValueError, match=message):
        gaps.make_gaps(x, seed=0, **arguments)


def test_make_gaps_rejects_rank_two():
    with pytest.raises(ValueError, match="rank 3"):
        gaps.make_gaps(np.zeros((4, 3)), 0.1, "timesteps", seed=0)


def test_fill_with_indicators_bad_base():
    with pytest.raises(ValueError, match="base must be one of"):
        gaps.fill_with_indicators(np.zeros((1, 2, 3)), base="mean")
