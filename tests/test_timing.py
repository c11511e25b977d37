"""Tests of rnn_dropout.timing on scripted timers, so every statistic is exact."""

import matplotlib.pyplot as plt
import pytest

from rnn_dropout.timing import (
    Timing,
    machine_description,
    measure,
    measure_interleaved,
    ratio_chart,
    ratios,
    summarize,
)


def scripted_timer(durations):
    """Return a timer whose successive start/stop readings differ by the given durations."""
    readings = []
    now = 0.0
    for duration in durations:
        readings += [now, now + duration]
        now += duration + 100.0
    return iter(readings).__next__


def counter():
    calls = []
    return calls, lambda: calls.append(1)


def test_measure_records_scripted_durations():
    timing = measure(lambda: None, warmup=0, repeats=4, timer=scripted_timer([4.0, 1.0, 3.0, 2.0]))

    assert timing.times == (4.0, 1.0, 3.0, 2.0)
    assert timing.median == 2.5
    assert timing.min == 1.0
    assert timing.max == 4.0


def test_measure_quartiles_interpolate_linearly():
    timing = measure(lambda: None, warmup=0, repeats=5, timer=scripted_timer([1, 2, 3, 4, 5]))

    assert timing.q1 == 2.0
    assert timing.q3 == 4.0
    assert timing.iqr == 2.0


def test_measure_warmup_calls_are_untimed():
    calls, fn = counter()
    timing = measure(fn, warmup=3, repeats=2, timer=scripted_timer([1.0, 1.0]))

    assert len(calls) == 5
    assert len(timing.times) == 2


@pytest.mark.parametrize("warmup", [-1, 1.5, True, "2"])
def test_measure_rejects_bad_warmup(warmup):
    with pytest.raises(ValueError, match=f"warmup .* got {warmup!r}"):
        measure(lambda: None, warmup=warmup, repeats=1)


@pytest.mark.parametrize("repeats", [0, -2, 2.0, None])
def test_measure_rejects_bad_repeats(repeats):
    with pytest.raises(ValueError, match=f"repeats .* got {repeats!r}"):
        measure(lambda: None, warmup=0, repeats=repeats)


def test_measure_rejects_uncallable_fn():
    with pytest.raises(ValueError, match="fn must be callable"):
        measure(42, warmup=0, repeats=1)


def test_summarize_rejects_negative_time():
    with pytest.raises(ValueError, match="-1.0"):
        summarize([1.0, -1.0])


def test_summarize_rejects_empty_times():
    with pytest.raises(ValueError, match="empty"):
        summarize([])


def test_interleaved_runs_in_rounds():
    order = []
    fns = {"a": lambda: order.append("a"), "b": lambda: order.append("b")}
    timer = scripted_timer([1.0, 10.0, 2.0, 20.0, 3.0, 30.0])

    results = measure_interleaved(fns, warmup=1, repeats=3, timer=timer)

    assert order == ["a", "b"] + ["a", "b"] * 3
    assert results["a"].times == (1.0, 2.0, 3.0)
    assert results["b"].times == (10.0, 20.0, 30.0)
    assert list(results) == ["a", "b"]


def test_interleaved_rejects_zero_repeats():
    with pytest.raises(ValueError, match="repeats .* got 0"):
        measure_interleaved({"a": lambda: None}, warmup=0, repeats=0)


def test_interleaved_rejects_empty_mapping():
    with pytest.raises(ValueError, match="empty"):
        measure_interleaved({}, warmup=0, repeats=1)


def test_ratios_divide_by_baseline_median():
    results = {
        "base": summarize([2.0, 2.0, 2.0]),
        "slow": summarize([3.0, 4.0, 5.0, 6.0, 7.0]),
    }

    rows = ratios(results, "base")

    assert [row.name for row in rows] == ["base", "slow"]
    assert rows[0].ratio == 1.0
    assert rows[1].ratio == 2.5
    assert rows[1].ratio_q1 == 2.0
    assert rows[1].ratio_q3 == 3.0
    assert rows[1].median_s == 5.0


def test_ratios_reject_unknown_baseline():
    with pytest.raises(ValueError, match="'missing' is not in results"):
        ratios({"base": summarize([1.0])}, "missing")


def test_ratios_reject_zero_baseline_median():
    with pytest.raises(ValueError, match="median of baseline 'base' is 0.0"):
        ratios({"base": summarize([0.0, 0.0])}, "base")


def test_ratio_chart_draws_one_bar_per_row():
    rows = ratios({"base": summarize([1.0, 2.0]), "other": summarize([2.0, 3.0])}, "base")

    fig = ratio_chart(rows, "base")

    assert len(fig.axes[0].patches) == 2
    assert "base" in fig.axes[0].get_xlabel()
    plt.close(fig)


def test_ratio_chart_rejects_empty_rows():
    with pytest.raises(ValueError, match="empty"):
        ratio_chart([], "base")


def test_machine_description_names_cpu_count():
    description = machine_description()

    assert int(description["CPU count"]) >= 1
    assert description["backend"] == "tensorflow"
    assert "GPUs" in description


def test_timing_is_frozen():
    timing = Timing(times=(1.0,), median=1.0, q1=1.0, q3=1.0, min=1.0, max=1.0)

    with pytest.raises(AttributeError):
        timing.median = 2.0  # type: ignore[misc]
