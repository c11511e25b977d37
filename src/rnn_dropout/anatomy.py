"""The weights of a Keras recurrent layer: its two kernels, their gate blocks and its size.

Introduced in the chapter "The two kernels".
"""

import keras

# Gate order of the columns of `kernel`, `recurrent_kernel` and `bias` in Keras 3.15.1
# (keras/src/layers/rnn/gru.py and lstm.py slice them in this order).
GATES = {
    "SimpleRNN": ["h (state)"],
    "GRU": ["z (update)", "r (reset)", "h (candidate)"],
    "LSTM": ["i (input)", "f (forget)", "c (cell candidate)", "o (output)"],
}


def gate_names(layer: keras.layers.Layer) -> list[str]:
    """Return the names of the gates of a SimpleRNN, GRU or LSTM layer, in Keras's column order.

    Raises:
        ValueError: If ``layer`` is not a SimpleRNN, GRU or LSTM layer.
    """
    kind = type(layer).__name__
    if kind not in GATES:
        raise ValueError(
            f"layer must be a keras.layers.SimpleRNN, GRU or LSTM, got {kind};"
            " pass one of those layers (not a cell or a wrapper)"
        )
    return GATES[kind]


def parameter_count(kind: str, features: int, units: int, *, reset_after: bool = True) -> int:
    """Return the number of weights of a recurrent layer, from the formula of its step.

    Each of the g gates has an F x n block of ``kernel``, an n x n block of ``recurrent_kernel``
    and n biases. A GRU with ``reset_after=True`` keeps a second bias vector for the recurrent
    projection, so the count is g (F n + n^2 + n), plus g n for that GRU.

    Args:
        kind: ``"SimpleRNN"``, ``"GRU"`` or ``"LSTM"``.
        features: Number of input features F, at least 1.
        units: Number of units n, at least 1.
        reset_after: GRU only: whether the reset gate acts after the recurrent projection.

    Raises:
        ValueError: If ``kind`` is unknown or a size is not a positive integer.
    """
    if kind not in GATES:
        raise ValueError(f"kind must be one of {sorted(GATES)}, got {kind!r}")
    for name, value in (("features", features), ("units", units)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")

    gates = len(GATES[kind])
    count = gates * (features * units + units * units + units)
    if kind == "GRU" and reset_after:
        count += gates * units
    return count


def weight_blocks(layer: keras.layers.Layer) -> list[tuple[str, str, str, str]]:
    """List each weight of a built layer with its shape and the column block of every gate.

    Returns:
        Rows ``(weight, shape, gate, columns)``, one per gate and weight, for example
        ``("kernel", "(3, 12)", "z (update)", "0:4")``.

    Raises:
        ValueError: If ``layer`` is not a SimpleRNN, GRU or LSTM layer, or is not built.
    """
    gates = gate_names(layer)
    if not layer.built:
        raise ValueError(f"layer {layer.name!r} is not built; call it on a batch first")

    units = layer.units
    rows = []
    for weight in layer.weights:
        name = weight.path.rsplit("/", 1)[-1]
        shape = str(tuple(weight.shape))
        for i, gate in enumerate(gates):
            rows.append((name, shape, gate, f"{i * units}:{(i + 1) * units}"))
    return rows
