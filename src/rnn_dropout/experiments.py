"""Train small GRU models under each dropout scheme, many seeds in one `fit`.

A *branch* is one model: a dropout scheme, its rate and a seed. :func:`build_packed_model` puts
K branches side by side in one Keras model. They share the input and nothing else. Each has its
own noise layer, its own seeded initial weights and its own head. Branches that need the same GRU
rates share one wide GRU whose block-diagonal kernels keep them apart, and each draws its own
elements of that GRU's dropout masks. The loss is the sum of the branches' losses, so each
branch's weights get the gradient they would get alone. One `fit` of the packed model trains K
models and saves K - 1 graph traces and Python training loops.

Every branch has the same architecture: ``Masking(0.0)``, an optional noise layer on the inputs,
a ``GRU`` and a ``Dense`` head. Keras computes the mask before the noise, so ``Masking`` skips
padding and all-zero input frames, while a frame zeroed by timestep dropout during training is
fed to the GRU as zeros.

Introduced in the chapter "Gaps in sequence classification".
"""

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import keras
import numpy as np

SCHEMES = (
    "none",
    "input_dropout",
    "timestep_dropout",
    "spatial_dropout",
    "dropout",
    "recurrent_dropout",
    "both",
)
TASKS = ("classification", "regression")


class Branch(NamedTuple):
    """One model of a packed model: dropout scheme, dropout rate and seed."""

    scheme: str
    rate: float
    seed: int


def check_branch(branch: Branch) -> Branch:
    """Return ``branch`` as a :class:`Branch` after checking its scheme, rate and seed.

    Raises:
        ValueError: If the scheme is unknown, the rate is outside [0, 1) (or not 0 for
            ``"none"``), or the seed is not a non-negative integer.
    """
    scheme, rate, seed = branch
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must be in [0, 1), got {rate!r} for scheme {scheme!r}")
    if scheme == "none" and rate != 0.0:
        raise ValueError(f"scheme 'none' takes rate 0.0, got {rate!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return Branch(scheme, float(rate), int(seed))


def _noise_layer(branch: Branch, name: str) -> keras.layers.Layer | None:
    # The layer a scheme puts on the inputs, or None when the scheme drops inside the GRU.
    scheme, rate, seed = branch
    if scheme == "input_dropout":
        return keras.layers.Dropout(rate, seed=seed, name=f"{name}_input_dropout")
    if scheme == "timestep_dropout":
        # Keras 3.15.1 resolves None in noise_shape from the batch (tf.shape), so T may vary.
        return keras.layers.Dropout(
            rate, noise_shape=(None, None, 1), seed=seed, name=f"{name}_timestep_dropout"
        )
    if scheme == "spatial_dropout":
        return keras.layers.SpatialDropout1D(rate, seed=seed, name=f"{name}_spatial_dropout")
    return None


def gru_rates(branch: Branch) -> tuple[float, float]:
    """Return the GRU's ``(dropout, recurrent_dropout)`` for a branch's scheme and rate."""
    scheme, rate, _ = check_branch(branch)
    cell_rates = {"dropout": (rate, 0.0), "recurrent_dropout": (0.0, rate), "both": (rate, rate)}
    return cell_rates.get(scheme, (0.0, 0.0))


def build_model(
    branch: Branch,
    *,
    timesteps: int | None,
    features: int,
    units: int,
    outputs: int,
    task: str = "classification",
    learning_rate: float = 1e-2,
) -> keras.Model:
    """Build and compile one plain model: noise layer, ``Masking(0.0)``, ``GRU``, ``Dense``.

    This is the one-model-per-fit baseline; a branch of :func:`build_packed_model` with the
    same seed starts from the same weights.

    Args:
        branch: Scheme, rate and seed; the seed fixes the initial weights and dropout masks.
        timesteps: Sequence length, or ``None`` for variable length.
        features: Input features per timestep.
        units: GRU units.
        outputs: Classes (softmax head) or regression targets (linear head).
        task: ``"classification"`` or ``"regression"``.
        learning_rate: Adam learning rate.

    Returns:
        A compiled model with output shape (batch, outputs).

    Raises:
        ValueError: If the branch or ``task`` is invalid.
    """
    branch = check_branch(branch)
    _check_task(task)
    inputs = keras.Input((timesteps, features), name="sequences")
    x = keras.layers.Masking(0.0, name="masking")(inputs)
    noise = _noise_layer(branch, "b0")
    if noise is not None:
        x = noise(x)
    dropout, recurrent_dropout = gru_rates(branch)
    x = keras.layers.GRU(
        units,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        seed=branch.seed,
        kernel_initializer=_BlockInitializer([branch], features, units, "kernel"),
        recurrent_initializer=_BlockInitializer([branch], units, units, "recurrent"),
        name="gru",
    )(x)
    head = _head(branch, outputs, task, "b0_head")(x)
    model = keras.Model(inputs, head, name=f"{branch.scheme}_{branch.seed}")
    loss = "sparse_categorical_crossentropy" if task == "classification" else "mse"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, jit_compile=False)
    return model


# NOTE: unroll=True made a training step of 35 packed branches about 10 times slower than the
# symbolic loop (Keras 3.15.1, TensorFlow 2.21, 2 CPU cores), so the GRUs stay rolled.


def _head(branch: Branch, outputs: int, task: str, name: str) -> keras.layers.Dense:
    return keras.layers.Dense(
        outputs,
        activation="softmax" if task == "classification" else None,
        kernel_initializer=keras.initializers.GlorotUniform(seed=branch.seed + 2),
        name=name,
    )


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")


class _BlockInitializer(keras.initializers.Initializer):
    """Block-diagonal GRU weights: branch k's block is what a lone GRU with its seed would get.

    A GRU kernel has columns [z | r | h], each ``K * units`` wide; branch k owns rows
    ``k * rows_per_branch`` onward and columns ``k * units`` onward inside each gate block.
    """

    def __init__(self, branches: Sequence[Branch], rows_per_branch: int, units: int, kind: str):
        self.branches = list(branches)
        self.rows = rows_per_branch
        self.units = units
        self.kind = kind

    def __call__(self, shape, dtype=None):
        count = len(self.branches)
        weights = np.zeros((count * self.rows, 3 * count * self.units), dtype=np.float32)
        for k, branch in enumerate(self.branches):
            if self.kind == "kernel":
                initializer = keras.initializers.GlorotUniform(seed=branch.seed)
            else:
                initializer = keras.initializers.Orthogonal(seed=branch.seed + 1)
            block = keras.ops.convert_to_numpy(initializer((self.rows, 3 * self.units)))
            for gate in range(3):
                columns = _gate_columns(gate, k, count, self.units)
                weights[k * self.rows : (k + 1) * self.rows, columns] = block[
                    :, gate * self.units : (gate + 1) * self.units
                ]
        return keras.ops.convert_to_tensor(weights, dtype=dtype)


def _gate_columns(gate: int, branch_index: int, count: int, units: int) -> slice:
    start = gate * count * units + branch_index * units
    return slice(start, start + units)


class _BlockDiagonal(keras.constraints.Constraint):
    """Zero every weight outside the branches' blocks after each update, so branches stay apart."""

    def __init__(self, count: int, rows_per_branch: int, units: int):
        mask = np.zeros((count * rows_per_branch, 3 * count * units), dtype=np.float32)
        for k in range(count):
            for gate in range(3):
                rows = slice(k * rows_per_branch, (k + 1) * rows_per_branch)
                mask[rows, _gate_columns(gate, k, count, units)] = 1.0
        self.mask = mask

    def __call__(self, w):
        return w * keras.ops.convert_to_tensor(self.mask, dtype=w.dtype)


def build_packed_model(
    branches: Sequence[Branch],
    *,
    timesteps: int | None,
    features: int,
    units: int,
    outputs: int,
    task: str = "classification",
    learning_rate: float = 1e-2,
) -> keras.Model:
    """Build and compile one model that contains K independent branches.

    Each branch gets its own copy of the masked input and its own noise layer. Branches whose
    GRUs share ``(dropout, recurrent_dropout)`` run as one wide GRU with block-diagonal kernels,
    and a constraint keeps the off-diagonal blocks at zero. The GRU draws its input and
    recurrent masks per input unit and per state unit, so they stay independent per branch.
    Each branch has its own ``Dense`` head on its slice of the state.

    Args:
        branches: K (scheme, rate, seed) triples.
        timesteps: Sequence length, or ``None`` for variable length.
        features: Input features per timestep.
        units: GRU units per branch.
        outputs: Classes or regression targets per branch.
        task: ``"classification"`` (softmax, sparse cross-entropy) or ``"regression"``
            (linear head, mean squared error).
        learning_rate: Adam learning rate.

    Returns:
        A compiled model whose output has shape (batch, K, outputs). Its loss is the sum over
        branches of each branch's loss, so the targets are the plain (batch,) labels or
        (batch, outputs) values, shared by all branches.

    Raises:
        ValueError: If ``branches`` is empty, a branch is invalid or ``task`` is unknown.
    """
    branches = [check_branch(branch) for branch in branches]
    if not branches:
        raise ValueError("branches must contain at least one (scheme, rate, seed) triple")
    _check_task(task)

    inputs = keras.Input((timesteps, features), name="sequences")
    masked = keras.layers.Masking(0.0, name="masking")(inputs)

    groups: dict[tuple[float, float], list[int]] = {}
    for k, branch in enumerate(branches):
        groups.setdefault(gru_rates(branch), []).append(k)

    heads: list = [None] * len(branches)
    for g, ((dropout, recurrent_dropout), members) in enumerate(groups.items()):
        copies = []
        for k in members:
            noise = _noise_layer(branches[k], f"b{k}")
            copies.append(masked if noise is None else noise(masked))
        wide_input = copies[0] if len(copies) == 1 else keras.layers.Concatenate()(copies)
        group_branches = [branches[k] for k in members]
        count = len(members)
        state = keras.layers.GRU(
            count * units,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=group_branches[0].seed,
            kernel_initializer=_BlockInitializer(group_branches, features, units, "kernel"),
            recurrent_initializer=_BlockInitializer(group_branches, units, units, "recurrent"),
            kernel_constraint=_BlockDiagonal(count, features, units),
            recurrent_constraint=_BlockDiagonal(count, units, units),
            name=f"gru_group{g}",
        )(wide_input)
        for j, k in enumerate(members):
            own = keras.layers.Lambda(
                lambda s, j=j: s[:, j * units : (j + 1) * units], name=f"b{k}_state"
            )(state)
            heads[k] = _head(branches[k], outputs, task, f"b{k}_head")(own)

    stacked = keras.layers.Lambda(lambda tensors: keras.ops.stack(tensors, axis=1))(heads)
    model = keras.Model(inputs, stacked, name=f"packed_{len(branches)}")
    loss = _summed_crossentropy if task == "classification" else _summed_squared_error
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, jit_compile=False)
    return model


def _summed_crossentropy(y_true, y_pred):
    # y_true (batch,) or (batch, 1) labels, y_pred (batch, K, classes): sum the K losses.
    labels = keras.ops.reshape(keras.ops.cast(y_true, "int32"), (-1, 1))
    labels = keras.ops.broadcast_to(labels, keras.ops.shape(y_pred)[:2])
    losses = keras.losses.sparse_categorical_crossentropy(labels, y_pred)
    return keras.ops.sum(losses, axis=1)


def _summed_squared_error(y_true, y_pred):
    # y_true (batch, outputs), y_pred (batch, K, outputs): mean over outputs, sum over K.
    errors = keras.ops.square(y_pred - keras.ops.expand_dims(y_true, 1))
    return keras.ops.sum(keras.ops.mean(errors, axis=2), axis=1)


def train_packed(
    branches: Sequence[Branch],
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int = 32,
    units: int = 16,
    task: str = "classification",
    learning_rate: float = 1e-2,
    shuffle_seed: int = 0,
) -> keras.Model:
    """Train K branches with one `fit` and return the packed model.

    Args:
        branches: K (scheme, rate, seed) triples.
        x: Training inputs of shape (n, timesteps, features), without NaN.
        y: Labels of shape (n,) for classification, targets of shape (n, outputs) for
            regression.
        epochs: Training epochs, a positive integer.
        batch_size: Minibatch size.
        units: GRU units per branch.
        task: ``"classification"`` or ``"regression"``.
        learning_rate: Adam learning rate.
        shuffle_seed: Seed of Keras's global generator, which fixes the batch order.

    Returns:
        The trained model, output shape (batch, K, outputs).

    Raises:
        ValueError: If ``x`` contains NaN or is not of rank 3, ``x`` and ``y`` disagree in
            length, or ``epochs`` is not positive (plus the errors of
            :func:`build_packed_model`).
    """
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    if x.ndim != 3:
        raise ValueError(f"x must have rank 3 (n, timesteps, features), got shape {x.shape}")
    if np.isnan(x).any():
        raise ValueError("x contains NaN; fill the gaps first (rnn_dropout.gaps.fill_*)")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")

    outputs = int(y.max()) + 1 if task == "classification" else y.shape[1]
    keras.utils.set_random_seed(shuffle_seed)
    model = build_packed_model(
        branches,
        timesteps=x.shape[1],
        features=x.shape[2],
        units=units,
        outputs=outputs,
        task=task,
        learning_rate=learning_rate,
    )
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def predict_packed(model: keras.Model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Return the predictions of every branch, shape (n, K, outputs), in inference mode."""
    return model.predict(np.asarray(x, dtype=np.float32), batch_size=batch_size, verbose=0)


def tidy_results(
    branches: Sequence[Branch], metrics: dict[str, np.ndarray], **labels: object
) -> list[dict]:
    """Return one dict per branch: scheme, rate, seed, the given labels and each metric.

    Args:
        branches: The K branches, in the order of the packed model.
        metrics: Metric name to an array of K values, one per branch.
        labels: Extra columns with the same value in every row (for example ``gap="blocks"``).

    Raises:
        ValueError: If a metric does not hold one value per branch.
    """
    rows = []
    for name, values in metrics.items():
        if np.shape(values) != (len(branches),):
            raise ValueError(
                f"metric {name!r} must hold {len(branches)} values, one per branch, got shape "
                f"{np.shape(values)}"
            )
    for k, branch in enumerate(branches):
        row = dict(zip(Branch._fields, check_branch(branch), strict=True))
        row.update(labels)
        row.update({name: float(values[k]) for name, values in metrics.items()})
        rows.append(row)
    return rows


def summarize(rows: Iterable[dict], metric: str, by: Sequence[str]) -> dict[tuple, dict]:
    """Group rows by the columns ``by`` and return the mean and spread of ``metric`` per group.

    Returns:
        A dict from the group's values (a tuple in the order of ``by``) to a dict with ``n``,
        ``mean``, ``std`` (sample standard deviation across seeds, ddof=1) and ``sem``
        (standard error of the mean, ``std / sqrt(n)``).

    Raises:
        ValueError: If a row lacks ``metric`` or a column of ``by``.
    """
    groups: dict[tuple, list[float]] = {}
    for row in rows:
        missing = [column for column in (*by, metric) if column not in row]
        if missing:
            raise ValueError(f"row {row} has no column(s) {missing}")
        groups.setdefault(tuple(row[column] for column in by), []).append(row[metric])

    summary = {}
    for key, values in groups.items():
        values = np.asarray(values, dtype=np.float64)
        std = float(values.std(ddof=1)) if len(values) > 1 else float("nan")
        summary[key] = {
            "n": len(values),
            "mean": float(values.mean()),
            "std": std,
            "sem": std / np.sqrt(len(values)),
        }
    return summary


def compare_means(a: Sequence[float], b: Sequence[float]) -> dict[str, float]:
    """Compare two sets of per-seed results: difference of means and its standard error.

    Returns:
        ``{"difference": mean(a) - mean(b), "se": sqrt(var_a / n_a + var_b / n_b),
        "z": difference / se}``. A difference counts as larger than the seed spread when
        ``abs(z) > 2``.

    Raises:
        ValueError: If either set has fewer than two values.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"each set needs at least two seeds, got {len(a)} and {len(b)}")
    difference = float(a.mean() - b.mean())
    se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    z = difference / se if se > 0 else float(np.sign(difference) * np.inf)
    return {"difference": difference, "se": se, "z": z}
