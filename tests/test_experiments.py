"""The packed model contains independent branches, is seeded, and its summaries are correct."""

import keras
import numpy as np
import pytest

from rnn_dropout import experiments
from rnn_dropout.experiments import Branch

TIMESTEPS, FEATURES, UNITS, CLASSES = 5, 3, 4, 3
BRANCHES = [Branch("none", 0.0, 0), Branch("dropout", 0.2, 1), Branch("timestep_dropout", 0.3, 2)]


def inputs(seed=0, n=8):
    return np.random.default_rng(seed).normal(size=(n, TIMESTEPS, FEATURES)).astype(np.float32)


def packed(branches=BRANCHES):
    return experiments.build_packed_model(
        branches, timesteps=TIMESTEPS, features=FEATURES, units=UNITS, outputs=CLASSES
    )


def test_packed_output_shape():
    model = packed()

    assert model(inputs()).shape == (8, len(BRANCHES), CLASSES)


def test_packed_branch_matches_solo_model():
    model = packed()
    for k, branch in enumerate(BRANCHES):
        solo = experiments.build_model(
            branch, timesteps=TIMESTEPS, features=FEATURES, units=UNITS, outputs=CLASSES
        )

        np.testing.assert_allclose(model(inputs())[:, k], solo(inputs()), atol=1e-5)


def test_changing_one_branch_leaves_others():
    model = packed([Branch("none", 0.0, 0), Branch("input_dropout", 0.1, 1)])
    before = keras.ops.convert_to_numpy(model(inputs()))

    head = model.get_layer("b0_head")
    head.kernel.assign(head.kernel + 1.0)
    gru = model.get_layer("gru_group0")
    # Rows of branch 0's inputs reach only branch 0's columns.
    scale = np.ones(gru.cell.kernel.shape, np.float32)
    scale[:FEATURES] = 1.5
    gru.cell.kernel.assign(gru.cell.kernel * scale)
    after = keras.ops.convert_to_numpy(model(inputs()))

    assert not np.allclose(after[:, 0], before[:, 0])
    np.testing.assert_allclose(after[:, 1], before[:, 1], atol=1e-6)


def test_training_keeps_blocks_diagonal():
    branches = [Branch("none", 0.0, 0), Branch("spatial_dropout", 0.2, 1)]
    y = np.arange(8) % CLASSES

    model = experiments.train_packed(branches, inputs(), y, epochs=2, batch_size=4, units=UNITS)

    kernel = keras.ops.convert_to_numpy(model.get_layer("gru_group0").cell.kernel)
    assert np.all(kernel[:FEATURES, UNITS : 2 * UNITS] == 0.0)
    assert np.all(kernel[FEATURES:, :UNITS] == 0.0)


def test_training_is_seeded():
    y = np.arange(8) % CLASSES

    first = experiments.train_packed(BRANCHES, inputs(), y, epochs=2, batch_size=4, units=UNITS)
    again = experiments.train_packed(BRANCHES, inputs(), y, epochs=2, batch_size=4, units=UNITS)

    np.testing.assert_allclose(
        experiments.predict_packed(first, inputs(1)),
        experiments.predict_packed(again, inputs(1)),
        atol=1e-6,
    )


def test_regression_output_shape():
    targets = np.zeros((8, 2), np.float32)

    model = experiments.train_packed(
        BRANCHES, inputs(), targets, epochs=1, units=UNITS, task="regression"
    )

    assert experiments.predict_packed(model, inputs()).shape == (8, len(BRANCHES), 2)


@pytest.mark.parametrize(
    ("branch", "message"),
    [
        (Branch("zoneout", 0.1, 0), "scheme must be one of"),
        (Branch("dropout", 1.0, 0), "rate must be in"),
        (Branch("none", 0.2, 0), "scheme 'none' takes rate 0.0"),
        (Branch("dropout", 0.1, -1), "seed must be a non-negative integer"),
    ],
)
def test_bad_branch_rejected(branch, message):
    with pytest.raises(ValueError, match=message):
        packed([branch])


def test_unknown_scheme_lists_accepted():
    with pytest.raises(ValueError, match="recurrent_dropout"):
        experiments.check_branch(Branch("zoneout", 0.1, 0))


def test_empty_branches_rejected():
    with pytest.raises(ValueError, match="at least one"):
        packed([])


def test_nan_training_input_rejected():
    x = inputs()
    x[0, 0, 0] = np.nan

    with pytest.raises(ValueError, match="contains NaN"):
        experiments.train_packed(BRANCHES, x, np.zeros(8, int), epochs=1)


def test_summarize_mean_and_spread():
    rows = experiments.tidy_results(
        [Branch("none", 0.0, s) for s in range(3)], {"accuracy": np.array([0.5, 0.6, 0.7])}
    )

    summary = experiments.summarize(rows, "accuracy", by=("scheme",))

    assert summary[("none",)]["mean"] == pytest.approx(0.6)
    assert summary[("none",)]["std"] == pytest.approx(0.1)
    assert summary[("none",)]["sem"] == pytest.approx(0.1 / np.sqrt(3))


def test_tidy_results_length_checked():
    with pytest.raises(ValueError, match="one per branch"):
        experiments.tidy_results(BRANCHES, {"accuracy": np.zeros(2)})


def test_compare_means_difference():
    comparison = experiments.compare_means([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])

    assert comparison["difference"] == pytest.approx(1.0)
    assert comparison["se"] == pytest.approx(np.sqrt(2 / 3))
