"""Monte Carlo dropout: many stochastic passes of a Keras model, and measures of their spread.

Gal and Ghahramani (2016) read a network trained with dropout as an approximate Bayesian model:
keeping the dropout masks at prediction time and averaging T passes approximates the predictive
distribution. :func:`mc_predict` draws those passes in one compiled call per batch, with seeded
masks. :func:`predictive_entropy`, :func:`mutual_information` and
:func:`expected_calibration_error` summarise what the passes return.

Introduced in the chapter 'Monte Carlo dropout'.
"""

import keras
import numpy as np

from rnn_dropout.training_mode import TrainingModeModel

_SEED_STATE_NAME = "seed_generator_state"


def mc_predict(
    model: keras.layers.Layer,
    x: object,
    passes: int,
    *,
    seed: int,
    batch_size: int | None = None,
) -> np.ndarray:
    """Run `passes` training-mode passes of a model over x and stack the outputs.

    The batch is repeated `passes` times along its first axis and run through the model with
    `training=True` in compiled calls. Each row draws its own dropout masks, so row copies are
    independent passes. Every layer runs in training mode: a `BatchNormalization` layer then
    normalises with the statistics of each batch of repeated rows, not its moving averages.

    Before the passes, each seed generator state of the model (one per dropout layer or
    recurrent cell) is set from `seed`, and afterwards the states are restored. The same seed
    therefore gives the same stack, and the model's own random stream is left as it was.

    Introduced in the chapter 'Monte Carlo dropout'.

    Args:
        model: A Keras model or layer with one input and one output tensor.
        x: Input batch as a numeric array; its first axis is the batch (n rows).
        passes: Number of stochastic passes T, a positive integer.
        seed: Non-negative integer that fixes the dropout masks of all passes.
        batch_size: Rows per compiled call, a positive integer. None runs all n * passes rows
            in one call; set it when that does not fit in memory.

    Returns:
        Array of shape (passes, n, ...) with the model's outputs, pass by pass.

    Raises:
        ValueError: If model is not a Keras layer or returns more than one tensor. Also if x
            is not a numeric array with at least one row, passes or batch_size is not a
            positive integer, or seed is not a non-negative integer.
    """
    if not isinstance(model, keras.layers.Layer):
        raise ValueError(f"model must be a keras Model or Layer, got {type(model).__name__}")
    array = _check_batch(x)
    _check_positive_int("passes", passes)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if batch_size is not None:
        _check_positive_int("batch_size", batch_size)

    repeated = np.concatenate([array] * passes, axis=0)
    rows = len(repeated) if batch_size is None else batch_size
    states = [v for v in model.variables if v.path.endswith(_SEED_STATE_NAME)]
    saved = [keras.ops.convert_to_numpy(state.value) for state in states]
    seeds = np.random.default_rng(seed).integers(0, 2**31 - 1, size=len(states))
    try:
        for state, start in zip(states, seeds, strict=True):
            state.assign(np.array([start, 0], dtype=state.dtype))
        # A new wrapper per call, so its traced function uses the current `trainable` flags.
        outputs = TrainingModeModel(model).predict(repeated, batch_size=rows, verbose=0)
    finally:
        for state, value in zip(states, saved, strict=True):
            state.assign(value)

    if isinstance(outputs, list | tuple | dict):
        raise ValueError(
            f"model {model.name!r} returns {len(outputs)} tensors; mc_predict needs a model "
            "with one output"
        )
    return outputs.reshape((passes, len(array)) + outputs.shape[1:])


def predictive_entropy(probabilities: object, axis: int = -1) -> np.ndarray:
    """Compute the entropy, in nats, of categorical distributions along an axis.

    For Monte Carlo passes, pass the mean over passes: the entropy of the mean prediction is
    the total predictive uncertainty.

    Introduced in the chapter 'Monte Carlo dropout'.

    Args:
        probabilities: Array of probabilities, each distribution along `axis` summing to 1.
        axis: Axis of the classes.

    Returns:
        Array with `axis` removed: -sum(p * log p), with 0 * log 0 taken as 0.

    Raises:
        ValueError: If the values are not finite, lie outside [0, 1], or do not sum to 1
            (within 1e-3) along `axis`.
    """
    p = _check_probabilities(probabilities, axis)
    logs = np.log(np.where(p > 0, p, 1.0))
    return -np.sum(p * logs, axis=axis)


def mutual_information(samples: object) -> np.ndarray:
    """Compute the mutual information between prediction and masks from Monte Carlo passes.

    It is the entropy of the mean prediction minus the mean entropy of each pass: the part of
    the predictive uncertainty that comes from disagreement between passes (Gal's "model
    uncertainty"). It is 0 when every pass predicts the same distribution.

    Introduced in the chapter 'Monte Carlo dropout'.

    Args:
        samples: Array of shape (passes, n, classes) of per-pass class probabilities.

    Returns:
        Array of shape (n,), in nats.

    Raises:
        ValueError: If samples is not of rank 3 or is not a valid set of distributions.
    """
    p = np.asarray(samples, dtype=np.float64)
    if p.ndim != 3:
        raise ValueError(f"samples must have shape (passes, n, classes), got shape {p.shape}")
    total = predictive_entropy(p.mean(axis=0))
    expected = predictive_entropy(p).mean(axis=0)
    return total - expected


def reliability_bins(
    probabilities: object, labels: object, bins: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group predictions into equal-width confidence bins and return each bin's statistics.

    The confidence of a prediction is its largest class probability, and it is correct when
    that class is the label. Bin b contains the confidences in (b / bins, (b + 1) / bins]; the
    first bin also contains 0.

    Introduced in the chapter 'Monte Carlo dropout'.

    Args:
        probabilities: Array of shape (n, classes).
        labels: Integer array of shape (n,) with values in [0, classes).
        bins: Number of bins, a positive integer.

    Returns:
        `(confidence, accuracy, count)`, three arrays of shape (bins,): the mean confidence
        and the accuracy of each bin (NaN for an empty bin) and its number of predictions.

    Raises:
        ValueError: If the shapes disagree, labels are out of range, bins is not a positive
            integer, or the probabilities are invalid.
    """
    p = _check_probabilities(probabilities, -1)
    if p.ndim != 2:
        raise ValueError(f"probabilities must have shape (n, classes), got shape {p.shape}")
    y = np.asarray(labels)
    if y.shape != (len(p),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"labels must be integers of shape ({len(p)},), got dtype {y.dtype} and shape {y.shape}"
        )
    if y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"labels must lie in [0, {p.shape[1]}), got {y.min()} to {y.max()}")
    _check_positive_int("bins", bins)

    confidence = p.max(axis=1)
    correct = p.argmax(axis=1) == y
    index = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    count = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_confidence = np.bincount(index, weights=confidence, minlength=bins) / count
        accuracy = np.bincount(index, weights=correct, minlength=bins) / count
    return mean_confidence, accuracy, count


def expected_calibration_error(probabilities: object, labels: object, bins: int = 10) -> float:
    """Compute the expected calibration error (ECE) of class predictions.

    ECE is the mean over bins of |accuracy - mean confidence|, weighted by the fraction of
    predictions in each bin, with the equal-width bins of :func:`reliability_bins`.

    Introduced in the chapter 'Monte Carlo dropout'.

    Args:
        probabilities: Array of shape (n, classes), for example the mean of Monte Carlo passes.
        labels: Integer array of shape (n,).
        bins: Number of bins, a positive integer.

    Returns:
        The ECE, a float in [0, 1].

    Raises:
        ValueError: As :func:`reliability_bins`.
    """
    confidence, accuracy, count = reliability_bins(probabilities, labels, bins)
    filled = count > 0
    gaps = np.abs(accuracy[filled] - confidence[filled])
    return float(np.sum(gaps * count[filled]) / count.sum())


def _check_batch(x: object) -> np.ndarray:
    array = np.asarray(x)
    numeric = np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    if not numeric or array.ndim < 1 or array.shape[0] == 0:
        raise ValueError(
            f"x must be a numeric array with at least one row on its first axis, got dtype "
            f"{array.dtype} and shape {array.shape}"
        )
    return array


def _check_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _check_probabilities(probabilities: object, axis: int) -> np.ndarray:
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim == 0:
        raise ValueError("probabilities must have a class axis, got a scalar")
    if not np.all(np.isfinite(p)) or p.min() < 0.0 or p.max() > 1.0:
        raise ValueError("probabilities must be finite and lie in [0, 1]")
    sums = p.sum(axis=axis)
    if not np.allclose(sums, 1.0, atol=1e-3):
        worst = float(sums.flat[np.argmax(np.abs(sums - 1.0))])
        raise ValueError(
            f"probabilities must sum to 1 along axis {axis}, found a sum of {worst:.4f}; "
            "apply a softmax first"
        )
    return p
