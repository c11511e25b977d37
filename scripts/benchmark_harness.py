"""Time the packed multi-seed harness against one model per fit, on the same work.

Both sides train the same seeds of the same scheme on JapaneseVowels with the same epochs,
batch size and learning rate: the plain loop builds and fits one Keras model per seed, the
harness fits one packed model (rnn_dropout.experiments.train_packed). The script prints both
wall times, their ratio and the test accuracies, checks that the two sets of accuracies agree
within the seed spread (difference of means under 2 standard errors, or under 0.01) and writes
everything as JSON.

Example:
    python scripts/benchmark_harness.py --seeds 5 --epochs 10 --json _build/benchmark_harness.json
"""

import argparse
import json
import platform
import time
from pathlib import Path

import keras
import numpy as np

from rnn_dropout import data, experiments, reproducibility


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="models per side (default 5)")
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (default 10)")
    parser.add_argument("--batch-size", type=int, default=64, help="minibatch size (default 64)")
    parser.add_argument("--units", type=int, default=16, help="GRU units (default 16)")
    parser.add_argument("--scheme", default="dropout", help="dropout scheme (default dropout)")
    parser.add_argument("--rate", type=float, default=0.2, help="dropout rate (default 0.2)")
    parser.add_argument(
        "--json", type=Path, default=Path("_build/benchmark_harness.json"), help="output file"
    )
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    reproducibility.setup(seed=0)
    x, _, y = data.load_japanese_vowels("train")
    x_test, _, y_test = data.load_japanese_vowels("test")
    branches = [
        experiments.Branch(arguments.scheme, arguments.rate, seed)
        for seed in range(arguments.seeds)
    ]
    settings = {"epochs": arguments.epochs, "batch_size": arguments.batch_size, "verbose": 0}

    start = time.perf_counter()
    plain_accuracy = []
    for branch in branches:
        keras.utils.set_random_seed(0)
        model = experiments.build_model(
            branch, timesteps=x.shape[1], features=x.shape[2], units=arguments.units, outputs=9
        )
        model.fit(x, y, **settings)
        predictions = model.predict(x_test, batch_size=1024, verbose=0)
        plain_accuracy.append(float((predictions.argmax(-1) == y_test).mean()))
    plain_seconds = time.perf_counter() - start

    start = time.perf_counter()
    packed = experiments.train_packed(
        branches,
        x,
        y,
        epochs=arguments.epochs,
        batch_size=arguments.batch_size,
        units=arguments.units,
    )
    predictions = experiments.predict_packed(packed, x_test)
    packed_accuracy = (predictions.argmax(-1) == y_test[:, None]).mean(axis=0).tolist()
    packed_seconds = time.perf_counter() - start

    comparison = experiments.compare_means(packed_accuracy, plain_accuracy)
    equivalent = abs(comparison["z"]) < 2 or abs(comparison["difference"]) < 0.01
    ratio = plain_seconds / packed_seconds
    result = {
        "settings": vars(arguments) | {"json": str(arguments.json)},
        "plain_seconds": plain_seconds,
        "packed_seconds": packed_seconds,
        "speedup": ratio,
        "plain_accuracy": plain_accuracy,
        "packed_accuracy": packed_accuracy,
        "comparison": comparison,
        "accuracies_equivalent": bool(equivalent),
        "machine": {"processor": platform.processor(), "cores": __import__("os").cpu_count()},
        "keras": keras.__version__,
    }
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps(result, indent=2))

    print(f"plain loop: {plain_seconds:.1f} s, mean accuracy {np.mean(plain_accuracy):.3f}")
    print(f"packed:     {packed_seconds:.1f} s, mean accuracy {np.mean(packed_accuracy):.3f}")
    print(f"speed-up {ratio:.1f}x; accuracy difference {comparison['difference']:+.3f}")
    print(f"(standard error {comparison['se']:.3f}); equivalent: {equivalent}")
    print(f"wrote {arguments.json}")


if __name__ == "__main__":
    main()
