"""Make gaps in sequence batches and fill them again.

A gap is a value the model never saw. :func:`make_gaps` marks values missing by setting them to
NaN and returns the boolean mask of what it removed. The fill functions turn NaN back into
numbers a Keras layer can read: zeros (so that ``Masking(0.0)`` skips a step whose features are
all missing), the last observation carried forward, or the GRU-D inputs of Che et al. (2018), an
indicator channel and the time since the last observation per feature.

Introduced in the chapter "Gaps in sequence classification".
"""

import numpy as np

GAP_KINDS = ("timesteps", "blocks", "channels", "elements")


def make_gaps(
    x: np.ndarray,
    rate: float,
    kind: str,
    *,
    seed: int,
    lengths: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Remove a fraction of the values of a (batch, timesteps, features) batch.

    Only real frames go missing: with ``lengths``, frames at or after ``lengths[i]`` are padding
    and keep their values. The expected fraction of real values removed equals ``rate`` for
    every kind.

    Args:
        x: Array of shape (batch, timesteps, features).
        rate: Expected fraction of real values to remove, in [0, 1).
        kind: ``"timesteps"`` removes whole frames independently. ``"blocks"`` removes one
            contiguous run of frames per sequence, of length ``rate * length`` rounded up or
            down at random so that its mean is exact. ``"channels"`` removes one feature for
            the whole sequence. ``"elements"`` removes single values independently.
        seed: Seed of the NumPy generator; the same seed gives the same gaps.
        lengths: Integer array of shape (batch,), the number of real frames of each sequence.
            ``None`` means every frame is real.

    Returns:
        ``(x_with_gaps, missing)``: a float copy of ``x`` with NaN where a value is missing,
        and a boolean array of ``x``'s shape that is True exactly there.

    Raises:
        ValueError: If ``x`` is not of rank 3, ``rate`` is outside [0, 1), ``kind`` is unknown,
            or ``lengths`` does not have shape (batch,) with values in [0, timesteps].
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"x must have rank 3 (batch, timesteps, features), got shape {x.shape}")
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must be in [0, 1), got {rate!r}")
    if kind not in GAP_KINDS:
        raise ValueError(f"kind must be one of {GAP_KINDS}, got {kind!r}")

    batch, timesteps, features = x.shape
    real = real_frames(x.shape, lengths)
    rng = np.random.default_rng(seed)

    if kind == "timesteps":
        missing = np.repeat(rng.random((batch, timesteps, 1)) < rate, features, axis=2)
    elif kind == "elements":
        missing = rng.random(x.shape) < rate
    elif kind == "channels":
        missing = np.repeat(rng.random((batch, 1, features)) < rate, timesteps, axis=1)
    else:
        missing = _blocks(real[:, :, 0], rate, rng)[:, :, None].repeat(features, axis=2)

    missing &= real
    x_with_gaps = x.astype(np.float32 if x.dtype != np.float64 else np.float64, copy=True)
    x_with_gaps[missing] = np.nan
    return x_with_gaps, missing


def real_frames(shape: tuple[int, int, int], lengths: np.ndarray | None) -> np.ndarray:
    """Return a boolean array of ``shape`` that is True on the real frames, False on padding.

    Args:
        shape: ``(batch, timesteps, features)``.
        lengths: Integer array of shape (batch,) with values in [0, timesteps], or ``None``
            for sequences without padding.

    Raises:
        ValueError: If ``lengths`` has the wrong shape or a value outside [0, timesteps].
    """
    batch, timesteps, features = shape
    if lengths is None:
        return np.ones(shape, dtype=bool)

    lengths = np.asarray(lengths)
    if lengths.shape != (batch,):
        raise ValueError(
            f"lengths must have shape ({batch},), one length per sequence, got {lengths.shape}"
        )
    if not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"lengths must contain integers, got dtype {lengths.dtype}")
    if lengths.min() < 0 or lengths.max() > timesteps:
        raise ValueError(
            f"lengths must lie in [0, {timesteps}], got values from {lengths.min()} to "
            f"{lengths.max()}"
        )
    frames = np.arange(timesteps)[None, :] < lengths[:, None]
    return np.repeat(frames[:, :, None], features, axis=2)


def _blocks(real: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    # One run per sequence; stochastic rounding of rate * length keeps the mean fraction exact.
    batch, timesteps = real.shape
    lengths = real.sum(axis=1)
    exact = rate * lengths
    run = np.floor(exact + rng.random(batch)).astype(int)
    starts = np.floor(rng.random(batch) * (lengths - run + 1)).astype(int)
    steps = np.arange(timesteps)[None, :]
    return (steps >= starts[:, None]) & (steps < (starts + run)[:, None])


def fill_zeros(x_with_gaps: np.ndarray) -> np.ndarray:
    """Replace NaN with 0.

    ``Masking(mask_value=0.0)`` then skips a step only when all its features are 0, so it
    skips missing timesteps and blocks but not single missing elements or channels.

    Args:
        x_with_gaps: Array with NaN where values are missing.

    Returns:
        A float32 copy without NaN.
    """
    return np.nan_to_num(np.asarray(x_with_gaps, dtype=np.float32), nan=0.0)


def fill_last_observation(x_with_gaps: np.ndarray, initial: float = 0.0) -> np.ndarray:
    """Replace each NaN with the last observed value of its feature (LOCF).

    Args:
        x_with_gaps: Array of shape (batch, timesteps, features) with NaN where missing.
        initial: Value used before the first observation of a feature in a sequence.

    Returns:
        A float32 copy without NaN.

    Raises:
        ValueError: If ``x_with_gaps`` is not of rank 3.
    """
    x = np.asarray(x_with_gaps, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"x_with_gaps must have rank 3, got shape {x.shape}")

    observed = ~np.isnan(x)
    steps = np.arange(x.shape[1])[None, :, None]
    # Index of the last observed step at or before t; -1 where nothing was observed yet.
    last = np.maximum.accumulate(np.where(observed, steps, -1), axis=1)
    filled = np.take_along_axis(np.nan_to_num(x, nan=initial), np.maximum(last, 0), axis=1)
    return np.where(last >= 0, filled, np.float32(initial)).astype(np.float32)


def steps_since_observation(missing: np.ndarray) -> np.ndarray:
    """Count, per value, the steps since its feature was last observed.

    The count is 0 where the value is observed and k where the last observation was k steps
    earlier. Before the first observation it is the step index plus 1. This is GRU-D's time
    interval delta for unit time steps (Che et al., 2018).

    Args:
        missing: Boolean array of shape (batch, timesteps, features).

    Returns:
        A float32 array of the same shape.

    Raises:
        ValueError: If ``missing`` is not a boolean array of rank 3.
    """
    missing = np.asarray(missing)
    if missing.ndim != 3 or missing.dtype != bool:
        raise ValueError(
            f"missing must be a boolean array of rank 3, got dtype {missing.dtype} and shape "
            f"{missing.shape}"
        )
    steps = np.arange(missing.shape[1])[None, :, None]
    last = np.maximum.accumulate(np.where(~missing, steps, -1), axis=1)
    return (steps - last).astype(np.float32)


def fill_with_indicators(
    x_with_gaps: np.ndarray, *, base: str = "zeros", interval_scale: float = 1.0
) -> np.ndarray:
    """Fill the gaps and append a missing indicator and the time since the last observation.

    The result has ``3 * features`` channels: the filled values, 1.0 where a value was missing,
    and :func:`steps_since_observation` divided by ``interval_scale``. Observed values and
    padding get indicator 0 and interval 0, so all-zero padding frames stay all zero and
    ``Masking(0.0)`` still skips them.

    Args:
        x_with_gaps: Array of shape (batch, timesteps, features) with NaN where missing.
        base: ``"zeros"`` or ``"last_observation"``, the fill of the value channels.
        interval_scale: Positive number that divides the interval channels.

    Returns:
        A float32 array of shape (batch, timesteps, 3 * features).

    Raises:
        ValueError: If ``x_with_gaps`` is not of rank 3, ``base`` is unknown or
            ``interval_scale`` is not positive.
    """
    x = np.asarray(x_with_gaps, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"x_with_gaps must have rank 3, got shape {x.shape}")
    if interval_scale <= 0:
        raise ValueError(f"interval_scale must be positive, got {interval_scale!r}")
    fills = {"zeros": fill_zeros, "last_observation": fill_last_observation}
    if base not in fills:
        raise ValueError(f"base must be one of {tuple(fills)}, got {base!r}")

    missing = np.isnan(x)
    intervals = steps_since_observation(missing) / np.float32(interval_scale)
    return np.concatenate([fills[base](x), missing.astype(np.float32), intervals], axis=2)
