"""The datasets under data/ are the published files, and the loaders read them correctly."""

import hashlib

import numpy as np
import pytest

from rnn_dropout import data

SHA256 = {
    "japanese_vowels/JapaneseVowels_TRAIN.ts": (
        "68a430eabd919cc77f40b1f5f3bc0dcafacc1486bca9260785aeb7d262cc78cd"
    ),
    "japanese_vowels/JapaneseVowels_TEST.ts": (
        "b3d41d6a0ca3bcad3afb9ca7d4365382aa51341e2e58bae2a574babdda5b9462"
    ),
    "co2/co2.csv": "16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f",
}


@pytest.mark.parametrize("relative_path", sorted(SHA256))
def test_dataset_file_checksum(relative_path):
    content = (data.data_dir() / relative_path).read_bytes()

    assert hashlib.sha256(content).hexdigest() == SHA256[relative_path]


@pytest.mark.parametrize(("split", "count"), [("train", 270), ("test", 370)])
def test_japanese_vowels_shapes(split, count):
    x, lengths, y = data.load_japanese_vowels(split)

    assert x.shape == (count, 29, 12)
    assert x.dtype == np.float32
    assert lengths.shape == (count,)
    assert y.shape == (count,)
    assert set(np.unique(y)) == set(range(9))


def test_japanese_vowels_lengths_range():
    lengths = np.concatenate([data.load_japanese_vowels(s)[1] for s in ("train", "test")])

    assert lengths.min() == 7
    assert lengths.max() == 29


def test_japanese_vowels_padding_is_zero():
    x, lengths, _ = data.load_japanese_vowels("train")
    after_end = np.arange(29)[None, :] >= lengths[:, None]

    assert np.all(x[after_end] == 0.0)
    assert np.all(np.any(x[~after_end] != 0.0, axis=-1))


def test_japanese_vowels_first_value():
    x, _, y = data.load_japanese_vowels("train")

    assert x[0, 0, 0] == pytest.approx(1.860936)
    assert x[0, 1, 0] == pytest.approx(1.891651)
    assert x[0, 0, 1] == pytest.approx(-0.207383)
    assert y[0] == 0


def test_japanese_vowels_rejects_unknown_split():
    with pytest.raises(ValueError, match="'validation'"):
        data.load_japanese_vowels("validation")


def test_co2_shape_and_missing_weeks():
    dates, co2 = data.load_co2()

    assert dates.shape == co2.shape == (2284,)
    assert np.isnan(co2).sum() == 59
    assert str(dates[0]) == "1958-03-29"
    assert str(dates[-1]) == "2001-12-29"
    assert np.all(np.diff(dates) == np.timedelta64(7, "D"))


def test_co2_gaps_count():
    _, co2 = data.load_co2()
    missing = np.isnan(co2).astype(int)
    gap_starts = np.flatnonzero(np.diff(np.concatenate([[0], missing])) == 1)

    assert len(gap_starts) == 22


def test_data_dir_missing_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("RNN_DROPOUT_DATA", str(tmp_path / "absent"))

    with pytest.raises(FileNotFoundError, match="absent"):
        data.data_dir()
