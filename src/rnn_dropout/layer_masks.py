"""Keep masks of the Dropout-family layers, and how often they drop whole timesteps.

A `keras.layers.Dropout`, `SpatialDropout1D` or `TimeDistributed(Dropout)` multiplies its input
by a random mask whose entries are 0 or 1/(1 - rate) in Keras 3.15.1
(`keras/src/backend/tensorflow/random.py`, `dropout`). Calling the layer on a tensor of ones in
training mode therefore returns that scaled mask, and `output != 0` is the 0/1 keep mask.

Introduced in the chapter 'A separate Dropout layer'.
"""

import math

import keras
import numpy as np

DROPOUT_LAYER_TYPES = (keras.layers.Dropout, keras.layers.TimeDistributed)
"""Layer types that `draw_layer_mask` accepts (SpatialDropout1D is a Dropout subclass)."""


def draw_layer_mask(
    layer: keras.layers.Layer, shape: tuple[int, int, int], *, seed: int | None = None
) -> np.ndarray:
    """Draw the 0/1 keep mask that a Dropout-family layer applies to a batch of this shape.

    The layer is called on ones in training mode, which advances its seed generator, so two
    calls draw two masks. With `seed`, a fresh copy of the layer, built from its config with
    that seed, is called instead and the layer itself is left untouched. The same seed then
    gives the same mask, as it does for Keras layers created with that seed.

    Introduced in the chapter 'A separate Dropout layer'.

    Args:
        layer: A `keras.layers.Dropout` (with or without `noise_shape`), a
            `keras.layers.SpatialDropout1D`, or a `keras.layers.TimeDistributed` wrapping a
            `Dropout`. Its rate must be in [0, 1).
        shape: The input shape (batch, timesteps, features), three positive integers.
        seed: Optional non-negative integer seed for a fresh copy of the layer.

    Returns:
        A boolean array of the given shape, True where the layer keeps the input.

    Raises:
        ValueError: If the layer is of another type, its rate is outside [0, 1), shape is not
            three positive integers, a `noise_shape` does not broadcast to shape, seed is not a
            non-negative integer, or the layer's output is not a scaled 0/1 mask.
    """
    dropout = _check_dropout_layer(layer)
    shape = _check_shape(shape)
    check_noise_shape(dropout.noise_shape, shape)

    if seed is not None:
        layer = _copy_with_seed(layer, seed)

    output = keras.ops.convert_to_numpy(layer(np.ones(shape, "float32"), training=True))
    keep = output != 0
    if dropout.rate > 0:
        scale = np.float32(1.0) / np.float32(1.0 - dropout.rate)
        if not np.allclose(output[keep], scale, rtol=1e-6):
            raise ValueError(
                f"layer {layer.name!r} returned values other than 0 and 1/(1 - rate) = {scale} "
                "on a batch of ones; draw_layer_mask supports only plain dropout layers"
            )
    return keep


def check_noise_shape(noise_shape: tuple | None, shape: tuple[int, ...]) -> None:
    """Check that a Dropout `noise_shape` broadcasts to an input shape, as Keras needs.

    Keras 3.15.1 accepts any tuple of positive integers and None when the layer is created and
    fails only at the first training call, with a TensorFlow `InvalidArgumentError`. This
    check raises the ValueError before the call. A None entry takes the input's size, and a
    numeric entry must equal the input's size or be 1. A shorter noise shape is aligned to the
    input's last axes, as in NumPy broadcasting.

    Introduced in the chapter 'noise_shape and SpatialDropout1D'.

    Args:
        noise_shape: The layer's `noise_shape`, or None for one mask entry per input element.
        shape: The input shape.

    Raises:
        ValueError: If noise_shape has more axes than shape, or an entry is neither None, 1 nor
            the input's size on that axis.
    """
    if noise_shape is None:
        return

    noise_shape = tuple(noise_shape)
    if len(noise_shape) > len(shape):
        raise ValueError(
            f"noise_shape={noise_shape} has {len(noise_shape)} axes but the input shape "
            f"{tuple(shape)} has {len(shape)}; give one entry per input axis"
        )

    aligned = tuple(shape)[len(shape) - len(noise_shape) :]
    for axis, (noise, size) in enumerate(zip(noise_shape, aligned, strict=True)):
        if noise is not None and noise not in (1, size):
            raise ValueError(
                f"noise_shape={noise_shape} does not broadcast to the input shape "
                f"{tuple(shape)}: entry {axis} is {noise} but must be None, 1 or {size}"
            )


def rnn_keep_mask(mask: np.ndarray, timesteps: int) -> np.ndarray:
    """Broadcast a recurrent layer's per-sequence mask over time, as a 0/1 keep mask.

    Keras 3.15.1 draws one input mask (batch, features) and one recurrent mask (batch, units)
    per layer call and uses them at every timestep (see `rnn_dropout.masks`). This function
    turns one such mask, as `record_masks` returns it, into the (batch, timesteps, width)
    keep mask that the layer applies over the whole sequence.

    Introduced in the chapter 'A separate Dropout layer'.

    Args:
        mask: A (batch, width) array with entries 0 or 1/(1 - rate).
        timesteps: Number of timesteps, a positive integer.

    Returns:
        A boolean array of shape (batch, timesteps, width), True where the layer keeps.

    Raises:
        ValueError: If mask is not a numeric rank-2 array, or timesteps is not positive.
    """
    array = np.asarray(mask)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(
            f"mask must be a numeric array of shape (batch, width), got shape {array.shape} "
            f"and dtype {array.dtype}; pass one mask of record_masks, not a list of gate masks"
        )
    if isinstance(timesteps, bool) or not isinstance(timesteps, int | np.integer) or timesteps < 1:
        raise ValueError(f"timesteps must be a positive integer, got {timesteps!r}")

    keep = array != 0
    return np.repeat(keep[:, np.newaxis, :], timesteps, axis=1)


def timestep_drop_frequency(keep: np.ndarray) -> float:
    """Compute the fraction of timesteps whose features are all dropped.

    Introduced in the chapter 'A separate Dropout layer'.

    Args:
        keep: A (batch, timesteps, features) keep mask, boolean or 0/1.

    Returns:
        The number of (sequence, timestep) pairs with no kept feature, divided by
        batch * timesteps.

    Raises:
        ValueError: If keep is not a rank-3 array of booleans or zeros and ones.
    """
    keep = _check_keep_mask(keep)
    return float(np.mean(~keep.any(axis=2)))


def coin_coverage(keep: np.ndarray) -> str:
    """Name what one coin of a keep mask covers, read from the mask's values.

    Introduced in the chapter 'Which dropout should I use?'.

    Args:
        keep: A (batch, timesteps, width) keep mask, boolean or 0/1, with more than one
            timestep and more than one column.

    Returns:
        One of four names. "element": entries vary along time and along columns. "column":
        each column keeps one value for the whole sequence. "timestep": each timestep keeps
        one value in all its columns. "sequence": each sequence is kept or dropped whole.

    Raises:
        ValueError: If keep is not a rank-3 array of booleans or zeros and ones, or has a
            single timestep or a single column. Such a mask looks the same whether its coins
            cover columns or timesteps.
    """
    keep = _check_keep_mask(keep)
    if keep.shape[1] < 2 or keep.shape[2] < 2:
        raise ValueError(
            f"keep needs at least two timesteps and two columns to classify, got shape "
            f"{keep.shape}; draw the mask on a larger input"
        )

    same_over_time = bool(np.all(keep == keep[:, :1, :]))
    same_over_columns = bool(np.all(keep == keep[:, :, :1]))
    if same_over_time and same_over_columns:
        return "sequence"
    if same_over_time:
        return "column"
    if same_over_columns:
        return "timestep"
    return "element"


def all_dropped_probability(rate: float, features: int) -> float:
    """Compute the probability rate**features that elementwise dropout drops a whole timestep.

    Introduced in the chapter 'A separate Dropout layer'.

    Raises:
        ValueError: If rate is outside [0, 1) or features is not a positive integer.
    """
    _check_rate(rate)
    if isinstance(features, bool) or not isinstance(features, int | np.integer) or features < 1:
        raise ValueError(f"features must be a positive integer, got {features!r}")
    return float(rate) ** int(features)


def frequency_bounds(probability: float, trials: int, *, z: float = 4.0) -> tuple[float, float]:
    """Compute a binomial confidence interval for the frequency of an event in n trials.

    The interval is probability +- z standard errors, sqrt(p (1 - p) / n), the normal
    approximation of the binomial. It is accurate when the expected count n p and n (1 - p)
    are both at least about 10; callers should check that before they rely on it. With the
    default z = 4 a correct frequency falls outside with probability about 6e-5.

    Introduced in the chapter 'A separate Dropout layer'.

    Returns:
        (low, high), clipped to [0, 1].

    Raises:
        ValueError: If probability is outside [0, 1], trials is not a positive integer or z is
            not positive.
    """
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must be in [0, 1], got {probability!r}")
    if isinstance(trials, bool) or not isinstance(trials, int | np.integer) or trials < 1:
        raise ValueError(f"trials must be a positive integer, got {trials!r}")
    if not z > 0:
        raise ValueError(f"z must be positive, got {z!r}")

    half_width = z * math.sqrt(probability * (1.0 - probability) / trials)
    return max(0.0, probability - half_width), min(1.0, probability + half_width)


def _check_dropout_layer(layer: object) -> keras.layers.Dropout:
    inner = layer.layer if isinstance(layer, keras.layers.TimeDistributed) else layer
    if not isinstance(inner, keras.layers.Dropout):
        raise ValueError(
            "layer must be a keras.layers.Dropout, SpatialDropout1D or a TimeDistributed "
            f"wrapper of a Dropout, got {type(layer).__name__}"
        )
    _check_rate(inner.rate)
    return inner


def _check_rate(rate: float) -> None:
    if not 0.0 <= rate < 1.0:
        raise ValueError(
            f"rate must be in [0, 1), got {rate!r}; a rate of 1 drops everything and leaves no "
            "mask to read"
        )


def _check_shape(shape: object) -> tuple[int, int, int]:
    shape = tuple(shape)
    valid = len(shape) == 3 and all(
        isinstance(size, int | np.integer) and not isinstance(size, bool) and size > 0
        for size in shape
    )
    if not valid:
        raise ValueError(
            f"shape must be three positive integers (batch, timesteps, features), got {shape}"
        )
    return tuple(int(size) for size in shape)


def _check_keep_mask(keep: object) -> np.ndarray:
    array = np.asarray(keep)
    if array.ndim != 3:
        raise ValueError(
            f"keep must have rank 3 (batch, timesteps, features), got shape {array.shape}"
        )
    if array.dtype != bool and not np.isin(array, (0, 1)).all():
        raise ValueError("keep must contain booleans or zeros and ones, got other values")
    return array.astype(bool)


def _copy_with_seed(layer: keras.layers.Layer, seed: int) -> keras.layers.Layer:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")

    config = layer.get_config()
    if isinstance(layer, keras.layers.TimeDistributed):
        inner = type(layer.layer).from_config({**layer.layer.get_config(), "seed": int(seed)})
        return keras.layers.TimeDistributed(inner)
    return type(layer).from_config({**config, "seed": int(seed)})
