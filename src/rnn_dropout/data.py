"""Loaders for the real datasets under ``data/``, returned as NumPy arrays.

Both files ship with the repository (see ``data/README.md`` for provenance and licences), so
nothing downloads at run time. Introduced in the chapter "Gaps in sequence classification".
"""

import os
from pathlib import Path

import numpy as np

JAPANESE_VOWELS_CHANNELS = 12
JAPANESE_VOWELS_CLASSES = 9
# The longest utterance in either split has 29 frames. Both splits pad to it, so shapes agree.
JAPANESE_VOWELS_MAX_LENGTH = 29

_SPLITS = ("train", "test")


def data_dir() -> Path:
    """Return the folder that contains the datasets.

    It is ``data/`` at the top of the repository, or the folder named by the environment
    variable ``RNN_DROPOUT_DATA``.

    Raises:
        FileNotFoundError: If the folder does not exist.
    """
    default = Path(__file__).resolve().parents[2] / "data"
    folder = Path(os.environ.get("RNN_DROPOUT_DATA", default))
    if not folder.is_dir():
        raise FileNotFoundError(
            f"dataset folder {folder} not found; run from a clone of the book's repository"
            " (pip install -e .) or set RNN_DROPOUT_DATA to the folder that holds data/"
        )
    return folder


def load_japanese_vowels(split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load one split of the JapaneseVowels speaker-identification dataset.

    Each utterance is 7 to 29 frames of 12 LPC cepstrum coefficients; the task is to identify
    which of nine speakers spoke it (Kudo, Toyama and Shimbo, 1999).

    Args:
        split: ``"train"`` (270 utterances) or ``"test"`` (370 utterances).

    Returns:
        ``(x, lengths, y)``: ``x`` is float32 of shape (n, 29, 12), each sequence followed by
        zero frames up to 29; ``lengths`` is int64 of shape (n,), the number of real frames;
        ``y`` is int64 of shape (n,), the speaker as 0 to 8.

    Raises:
        ValueError: If ``split`` is not ``"train"`` or ``"test"``.
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")

    path = data_dir() / "japanese_vowels" / f"JapaneseVowels_{split.upper()}.ts"
    cases = [_parse_ts_case(line) for line in _ts_data_lines(path)]

    x = np.zeros((len(cases), JAPANESE_VOWELS_MAX_LENGTH, JAPANESE_VOWELS_CHANNELS), np.float32)
    lengths = np.array([len(frames) for frames, _ in cases], dtype=np.int64)
    y = np.array([label - 1 for _, label in cases], dtype=np.int64)
    for i, (frames, _) in enumerate(cases):
        x[i, : len(frames)] = frames
    return x, lengths, y


def load_co2() -> tuple[np.ndarray, np.ndarray]:
    """Load the weekly Mauna Loa CO2 series, 1958-03-29 to 2001-12-29.

    The series has real gaps: 59 of its 2,284 weeks have no value (Keeling and Whorf, 2004).

    Returns:
        ``(dates, co2)``: ``dates`` is ``datetime64[D]`` of shape (2284,), one per week;
        ``co2`` is float64 of shape (2284,) in ppmv, ``NaN`` where the week has no value.
    """
    path = data_dir() / "co2" / "co2.csv"
    lines = path.read_text().splitlines()
    if lines[0] != "date,co2":
        raise ValueError(f"{path} must start with the header 'date,co2', got {lines[0]!r}")

    dates, values = [], []
    for line in lines[1:]:
        day, value = line.split(",")
        dates.append(f"{day[:4]}-{day[4:6]}-{day[6:]}")
        values.append(float(value) if value else np.nan)
    return np.array(dates, dtype="datetime64[D]"), np.array(values, dtype=np.float64)


def _ts_data_lines(path: Path) -> list[str]:
    # The .ts format of the UEA/UCR archive: '#' comments and '@' headers, then one case a line.
    lines = path.read_text().splitlines()
    start = lines.index("@data") + 1
    return [line for line in lines[start:] if line.strip()]


def _parse_ts_case(line: str) -> tuple[np.ndarray, int]:
    # One case: channels separated by ':', values by ',', the class label last.
    *channels, label = line.split(":")
    frames = np.array([[float(v) for v in channel.split(",")] for channel in channels]).T
    if frames.shape[1] != JAPANESE_VOWELS_CHANNELS:
        raise ValueError(f"expected {JAPANESE_VOWELS_CHANNELS} channels, got {frames.shape[1]}")
    return frames, int(label)
