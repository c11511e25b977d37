"""Repeatable timing of a function: warm-up, repeats, median and spread, ratios to a baseline.

Introduced in the chapter "Cost and the fast path".
"""

import math
import os
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from rnn_dropout.reproducibility import PALETTE


@dataclass(frozen=True)
class Timing:
    """Wall-clock times of the repeats of one function, in seconds, and their summary."""

    times: tuple[float, ...]
    median: float
    q1: float
    q3: float
    min: float
    max: float

    @property
    def iqr(self) -> float:
        """Interquartile range, ``q3 - q1``."""
        return self.q3 - self.q1


@dataclass(frozen=True)
class Ratio:
    """Median time of one configuration and its spread, divided by the baseline's median."""

    name: str
    median_s: float
    ratio: float
    ratio_q1: float
    ratio_q3: float


def summarize(times: Sequence[float]) -> Timing:
    """Summarize measured times by median, quartiles (linear interpolation), min and max.

    Introduced in the chapter "Cost and the fast path".

    Args:
        times: At least one finite, non-negative duration in seconds.

    Returns:
        The times and their summary statistics.

    Raises:
        ValueError: If ``times`` is empty or contains a negative or non-finite value.
    """
    values = tuple(float(t) for t in times)
    if not values:
        raise ValueError("times must contain at least one duration, got an empty sequence")
    bad = [t for t in values if not math.isfinite(t) or t < 0]
    if bad:
        raise ValueError(
            f"times must be finite and non-negative, got {bad[0]!r}; "
            "check that the timer is monotonic, such as time.perf_counter"
        )

    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return Timing(
        times=values,
        median=float(median),
        q1=float(q1),
        q3=float(q3),
        min=min(values),
        max=max(values),
    )


def measure(
    fn: Callable[[], object],
    *,
    warmup: int,
    repeats: int,
    timer: Callable[[], float] = time.perf_counter,
) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then time ``repeats`` calls one by one.

    Warm-up calls absorb one-off costs such as tracing a ``tf.function`` and are not timed.
    Introduced in the chapter "Cost and the fast path".

    Args:
        fn: Function without arguments to time; its return value is ignored.
        warmup: Number of untimed calls before measuring, 0 or more.
        repeats: Number of timed calls, 1 or more.
        timer: Clock returning seconds; each repeat reads it before and after the call.

    Returns:
        The duration of every timed call and their summary, see :func:`summarize`.

    Raises:
        ValueError: If ``fn`` or ``timer`` is not callable, ``warmup`` is not an integer of 0 or
            more, or ``repeats`` is not an integer of 1 or more.
    """
    if not callable(fn):
        raise ValueError(f"fn must be callable, got {type(fn).__name__} {fn!r}")
    _check_schedule(warmup, repeats, timer)

    for _ in range(warmup):
        fn()

    times = []
    for _ in range(repeats):
        start = timer()
        fn()
        times.append(timer() - start)
    return summarize(times)


def measure_interleaved(
    fns: Mapping[str, Callable[[], object]],
    *,
    warmup: int,
    repeats: int,
    timer: Callable[[], float] = time.perf_counter,
) -> dict[str, Timing]:
    """Time several functions in rounds, one call of each per round, after warming up each.

    Interleaving spreads slow drifts of the machine, such as other processes starting, over
    all functions alike, where timing them one after the other would charge the drift to one.
    Introduced in the chapter "Cost and the fast path".

    Args:
        fns: Functions without arguments by name; the result keeps their order.
        warmup: Number of untimed calls of each function before the first round, 0 or more.
        repeats: Number of rounds, so timed calls per function, 1 or more.
        timer: Clock returning seconds; each call reads it before and after.

    Returns:
        The timing of each function by name, see :func:`summarize`.

    Raises:
        ValueError: If ``fns`` is empty or contains something not callable, or ``warmup``,
            ``repeats`` or ``timer`` is invalid as in :func:`measure`.
    """
    if not fns:
        raise ValueError("fns must contain at least one function, got an empty mapping")
    for name, fn in fns.items():
        if not callable(fn):
            raise ValueError(f"fns[{name!r}] must be callable, got {type(fn).__name__} {fn!r}")

    _check_schedule(warmup, repeats, timer)

    for fn in fns.values():
        for _ in range(warmup):
            fn()

    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            times[name].extend(measure(fn, warmup=0, repeats=1, timer=timer).times)
    return {name: summarize(values) for name, values in times.items()}


def ratios(results: Mapping[str, Timing], baseline: str) -> list[Ratio]:
    """Divide every configuration's median and quartiles by the baseline's median.

    Introduced in the chapter "Cost and the fast path".

    Args:
        results: Timing of each configuration by name, in the order the table should list them.
        baseline: Name in ``results`` whose median is the unit; its own ratio is 1.

    Returns:
        One :class:`Ratio` per configuration, in the order of ``results``.

    Raises:
        ValueError: If ``results`` is empty, ``baseline`` is not one of its names, or the
            baseline's median is 0.
    """
    if not results:
        raise ValueError("results must contain at least one timing, got an empty mapping")
    if baseline not in results:
        raise ValueError(f"baseline {baseline!r} is not in results; pass one of {sorted(results)}")

    unit = results[baseline].median
    if unit <= 0:
        raise ValueError(
            f"the median of baseline {baseline!r} is {unit!r} s, so no ratio can be formed; "
            "time more work per call, for example several steps"
        )

    return [
        Ratio(
            name=name,
            median_s=timing.median,
            ratio=timing.median / unit,
            ratio_q1=timing.q1 / unit,
            ratio_q3=timing.q3 / unit,
        )
        for name, timing in results.items()
    ]


def ratio_chart(rows: Sequence[Ratio], baseline: str) -> plt.Figure:
    """Draw one horizontal bar per configuration: median ratio, with the quartiles as whiskers.

    Introduced in the chapter "Cost and the fast path".

    Args:
        rows: Output of :func:`ratios`.
        baseline: Name of the baseline, used in the axis label and the reference line at 1.

    Raises:
        ValueError: If ``rows`` is empty.
    """
    if not rows:
        raise ValueError("rows must contain at least one Ratio, got an empty sequence")

    names = [row.name for row in rows]
    medians = np.array([row.ratio for row in rows])
    below = medians - np.array([row.ratio_q1 for row in rows])
    above = np.array([row.ratio_q3 for row in rows]) - medians

    fig, ax = plt.subplots(figsize=(7.0, 0.45 * len(rows) + 1.2))
    positions = np.arange(len(rows))[::-1]
    ax.barh(positions, medians, color=PALETTE[0], height=0.6)
    ax.errorbar(medians, positions, xerr=[below, above], fmt="none", ecolor=PALETTE[7], capsize=3)
    ax.axvline(1.0, color=PALETTE[1], linestyle="--", linewidth=1)
    ax.set_yticks(positions, names)
    ax.set_xlabel(f"Median time per call relative to {baseline} (whiskers: quartiles)")
    ax.grid(axis="y", visible=False)
    return fig


def machine_description() -> dict[str, str]:
    """Describe the machine and software a measurement ran on: platform, CPUs, versions, GPUs.

    Imports Keras and, on the TensorFlow backend, TensorFlow to list the GPUs it can use.
    Introduced in the chapter "Cost and the fast path".
    """
    import keras

    description = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "CPU count": str(os.cpu_count()),
        "Python": platform.python_version(),
        "Keras": keras.__version__,
        "backend": keras.backend.backend(),
    }
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        description["TensorFlow"] = tf.__version__
        gpus = tf.config.list_physical_devices("GPU")
        description["GPUs"] = ", ".join(gpu.name for gpu in gpus) or "none"
    return description


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_schedule(warmup: object, repeats: object, timer: object) -> None:
    if not callable(timer):
        raise ValueError(f"timer must be callable, got {type(timer).__name__} {timer!r}")
    if not _is_int(warmup) or warmup < 0:
        raise ValueError(f"warmup must be an integer of 0 or more, got {warmup!r}")
    if not _is_int(repeats) or repeats < 1:
        raise ValueError(f"repeats must be an integer of 1 or more, got {repeats!r}")
