"""Time one training step of a GRU or LSTM model under each dropout configuration.

Runs on any Keras 3 backend, chosen by the KERAS_BACKEND environment variable (tensorflow, jax
or torch), with only Keras, NumPy and that backend installed. It imports neither the book's
rnn_dropout package nor, on another backend, TensorFlow. On a GPU with the TensorFlow backend,
the configurations that meet the cuDNN conditions of Keras run the cuDNN kernel.

Example:
    KERAS_BACKEND=tensorflow python scripts/benchmark_rnn_dropout.py --layer lstm --json out.json

Each configuration is warmed up, then timed in rounds: one round times one repeat of every
configuration, so slow drifts of the machine affect all of them alike. A repeat runs --steps
training steps on one fixed batch, and the table reports seconds per step.
"""

import argparse
import json
import logging
import os
import platform
import sys
import time

import keras
import numpy as np

LAYER_TYPES = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}

# Name -> (layer placed in front of the recurrent layer or None, recurrent layer arguments),
# where "rate" stands for --rate. The same names as rnn_dropout.benchmark.CONFIGURATIONS.
CONFIGURATIONS = {
    "no dropout": (None, {}),
    "dropout": (None, {"dropout": "rate"}),
    "recurrent_dropout": (None, {"recurrent_dropout": "rate"}),
    "both": (None, {"dropout": "rate", "recurrent_dropout": "rate"}),
    "Dropout layer": ("Dropout", {}),
    "SpatialDropout1D layer": ("SpatialDropout1D", {}),
    "unroll=True": (None, {"unroll": True}),
}
BASELINE = "no dropout"


def positive_int(text: str) -> int:
    """Parse a command-line value that must be an integer of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer of 1 or more, got {text}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=positive_int, default=64, help="sequences per batch")
    parser.add_argument("--timesteps", type=positive_int, default=100, help="sequence length")
    parser.add_argument("--features", type=positive_int, default=16, help="input features")
    parser.add_argument("--units", type=positive_int, default=128, help="recurrent units")
    parser.add_argument(
        "--steps", type=positive_int, default=10, help="training steps per timed repeat"
    )
    parser.add_argument(
        "--repeats", type=positive_int, default=15, help="timed repeats per configuration"
    )
    parser.add_argument(
        "--warmup", type=int, default=3, help="untimed repeats per configuration first (0 or more)"
    )
    parser.add_argument("--rate", type=float, default=0.2, help="every dropout rate, in [0, 1)")
    parser.add_argument("--layer", choices=sorted(LAYER_TYPES), default="gru")
    parser.add_argument("--json", metavar="PATH", help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.warmup < 0:
        parser.error(f"--warmup must be 0 or more, got {args.warmup}")
    if not 0 <= args.rate < 1:
        parser.error(f"--rate must be in [0, 1), got {args.rate}")
    return args


def build_model(configuration: str, args: argparse.Namespace) -> keras.Model:
    """Build and compile input -> [dropout layer] -> GRU or LSTM -> Dense(1) with MSE loss."""
    front, arguments = CONFIGURATIONS[configuration]
    arguments = {key: args.rate if value == "rate" else value for key, value in arguments.items()}

    inputs = keras.Input((args.timesteps, args.features))
    hidden = inputs
    if front is not None:
        hidden = getattr(keras.layers, front)(args.rate)(hidden)
    hidden = LAYER_TYPES[args.layer](args.units, **arguments)(hidden)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    model.compile(optimizer="adam", loss="mse")
    return model


def gpu_names() -> list[str]:
    """Return the names of the GPUs the active backend can use, or an empty list on a CPU."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return [
            tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in gpus
        ]
    if backend == "jax":
        import jax

        return [d.device_kind for d in jax.devices() if d.platform == "gpu"]
    if backend == "torch":
        import torch

        return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return []


def describe_machine() -> dict[str, str]:
    """Describe the platform, CPUs, GPUs, backend and versions the measurement runs on."""
    backend = keras.backend.backend()
    backend_module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend)
    backend_version = sys.modules[backend_module].__version__ if backend_module else "unknown"
    return {
        "platform": platform.platform(),
        "CPU count": str(os.cpu_count()),
        "GPUs": ", ".join(gpu_names()) or "none",
        "Python": platform.python_version(),
        "NumPy": np.__version__,
        "Keras": keras.__version__,
        "backend": backend,
        "backend version": backend_version,
    }


def run(args: argparse.Namespace) -> list[dict[str, object]]:
    """Time every configuration and return one result row per configuration, baseline first."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, args.timesteps, args.features)).astype("float32")
    y = rng.normal(size=(args.batch, 1)).astype("float32")

    def repeat_of(model: keras.Model):
        def repeat() -> None:
            for _ in range(args.steps):
                # train_on_batch returns Python floats, so each step waits for the device.
                model.train_on_batch(x, y)

        return repeat

    repeats = {name: repeat_of(build_model(name, args)) for name in CONFIGURATIONS}
    for repeat in repeats.values():
        for _ in range(args.warmup):
            repeat()

    per_step: dict[str, list[float]] = {name: [] for name in CONFIGURATIONS}
    for _ in range(args.repeats):
        for name, repeat in repeats.items():
            start = time.perf_counter()
            repeat()
            per_step[name].append((time.perf_counter() - start) / args.steps)

    baseline = float(np.median(per_step[BASELINE]))
    rows = []
    for name, times in per_step.items():
        q1, median, q3 = np.percentile(times, [25, 50, 75])
        rows.append(
            {
                "configuration": name,
                "median_s": float(median),
                "q1_s": float(q1),
                "q3_s": float(q3),
                "min_s": float(min(times)),
                "max_s": float(max(times)),
                "ratio": float(median / baseline),
                "ratio_q1": float(q1 / baseline),
                "ratio_q3": float(q3 / baseline),
                "times_s": times,
            }
        )
    return rows


def format_table(rows: list[dict[str, object]]) -> str:
    """Format the results as a Markdown table of milliseconds per step and ratios."""
    lines = [
        f"| configuration | ms per step (median) | quartiles (ms) | ratio to {BASELINE} |",
        "|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['configuration']} | {1e3 * row['median_s']:.2f} "
            f"| {1e3 * row['q1_s']:.2f} - {1e3 * row['q3_s']:.2f} "
            f"| {row['ratio']:.2f} ({row['ratio_q1']:.2f} - {row['ratio_q3']:.2f}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the machine and the table, and write JSON if asked."""
    args = parse_args(argv)
    # Seven models trace seven training functions, which TensorFlow warns about as retracing.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    machine = describe_machine()
    settings = {
        key: getattr(args, key)
        for key in ("layer", "batch", "timesteps", "features", "units", "steps", "repeats")
    }
    settings |= {"warmup": args.warmup, "rate": args.rate}

    for key, value in machine.items():
        print(f"{key}: {value}")
    print("settings: " + ", ".join(f"{key}={value}" for key, value in settings.items()))
    rows = run(args)
    print()
    print(format_table(rows))

    if args.json:
        with open(args.json, "w") as file:
            json.dump({"machine": machine, "settings": settings, "results": rows}, file, indent=2)
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
