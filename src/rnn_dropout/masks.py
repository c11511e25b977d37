"""Recording of the dropout masks that Keras recurrent layers draw in training mode.

Facts about Keras 3.15.1 (TensorFlow backend) that `record_masks` relies on. The paths are
relative to `keras/src/`. Each fact was read in the source and checked on CPU by the tests in
`tests/test_record_masks.py` and `tests/test_reference.py`.

NOTE: The cuDNN path, which Keras takes only on a GPU, was read but never run.

- Each cell caches one input mask and one recurrent mask per layer call. `RNN.call` draws
  them before the time loop (`layers/rnn/rnn.py` lines 421-423, through
  `_maybe_config_dropout_masks`) and clears them after it (line 436). The same masks are
  therefore used at every timestep, and each call draws new ones. The masks are drawn even
  when `training=False`, so an inference call of a layer with a non-zero rate advances the
  cell's seed generator.
- A mask is `backend.random.dropout(ones_like(step_input), rate)`
  (`layers/rnn/dropout_rnn_cell.py` lines 22-35), which on TensorFlow is
  `tf.nn.experimental.stateless_dropout` (`backend/tensorflow/random.py` lines 85-97). The
  stored mask already contains the inverted-dropout scaling: its entries are 0 or
  1/(1 - rate), and the cell multiplies by it without further scaling.
- Rates are clamped to [0, 1] without a warning, for example `dropout=1.5` becomes 1.0
  (`layers/rnn/simple_rnn.py` lines 123-124, `gru.py` lines 132-133, `lstm.py` lines
  134-135).
- `recurrent_dropout > 0` forces `implementation=1` for GRU and LSTM (`gru.py` lines
  134-135, `lstm.py` lines 136-137). With `implementation=1` the cell draws one mask per
  gate: 3 for GRU and 4 for LSTM (`gru.py` line 137, `lstm.py` line 139). With
  `implementation=2`, the default, it draws a single input mask shared by all gates.
- With `dropout > 0`, `recurrent_dropout == 0` and the default `use_cudnn="auto"`, the GRU
  and LSTM `inner_loop` multiplies the whole sequence by the input mask before trying the
  cuDNN kernel (`gru.py` lines 552-588, `lstm.py` lines 533-570). Without a GPU the
  backend raises `NotImplementedError` (`backend/tensorflow/rnn.py` lines 464-472 and
  795-817), the masked sequence is discarded, and the cell loop runs on the unmasked
  sequence. The cell then uses its configured implementation and multiplies each step's
  input by the same cached mask, so the mask is applied once.
- In that cuDNN attempt, the cached input mask of a layer with an explicit
  `implementation=1` is a list of per-gate masks, which `ops.broadcast_to` cannot
  broadcast (`gru.py` lines 556-560, `lstm.py` lines 537-541). A training call with
  `dropout > 0` and `recurrent_dropout == 0` therefore raises
  `tensorflow.errors.InvalidArgumentError` ("Rank of input (4) must be no greater than rank
  of output shape (3)"). Inference calls work, and so does `use_cudnn=False`, which skips
  the cuDNN attempt.
- The GRU and LSTM cells apply a mask only when `0 < rate < 1` (`gru.py` lines 197, 218
  and 256, `lstm.py` lines 235, 258 and 273). So with a rate of exactly 1 the cell path
  drops nothing. In training the SimpleRNN cell applies every mask it draws
  (`simple_rnn.py` lines 156-166), and a rate of 1 gives a mask of zeros.
- `Bidirectional` builds its backward layer from the wrapped layer's config with
  `go_backwards=True` (`layers/rnn/bidirectional.py` line 122). Each direction has its own
  cell and draws its own masks.
"""

import contextlib
from collections.abc import Iterator

import keras
import numpy as np

from rnn_dropout._validation import check_input_dim, check_layer, check_sequence_batch

_INPUT_MASK_GETTER = "get_dropout_mask"
_RECURRENT_MASK_GETTER = "get_recurrent_dropout_mask"
_MISSING = object()

LayerMasks = np.ndarray | list[np.ndarray] | None
"""Masks of one recurrent layer: None, one array shared by all gates, or one array per gate."""

Masks = LayerMasks | dict[str, LayerMasks]
"""Masks of a layer, or of each direction of a Bidirectional layer keyed "forward"/"backward"."""


def record_masks(
    layer: keras.layers.Layer, x: object
) -> tuple[np.ndarray | list[np.ndarray], Masks, Masks]:
    """Call a recurrent layer in training mode and return its outputs with the masks it used.

    The layer's cell is instrumented for the duration of the call, and the dropout mask
    getters are restored afterwards, also when the call raises. An unbuilt layer is built
    from x by the call.

    Each mask is a NumPy array of shape (batch, features) for the input mask or (batch, units)
    for the recurrent mask. Its entries are 0 or 1/(1 - rate), because Keras stores the
    inverted-dropout scaling in the mask. The mask format follows what Keras draws:

    - `None` where the rate is 0.
    - One array for SimpleRNN, and for a GRU or LSTM with `implementation=2` (the default,
      possible only with `recurrent_dropout == 0`). For a GRU or LSTM that one input mask
      is shared by all gates.
    - A list of per-gate arrays for a GRU or LSTM with `implementation=1`, set explicitly or
      forced by `recurrent_dropout > 0`. GRU has 3 gates in Keras order (update z, reset r,
      candidate h) and LSTM has 4 (input i, forget f, cell c, output o).
    - For a `Bidirectional` layer, a dict `{"forward": ..., "backward": ...}` with one entry
      per direction in the formats above.

    Introduced in the chapter 'The two dropout parameters'.

    Args:
        layer: A `keras.layers.SimpleRNN`, `GRU` or `LSTM` with `stateful=False`, or a
            `keras.layers.Bidirectional` wrapper of one.
        x: Input batch of shape (batch, timesteps, features).

    Returns:
        A tuple `(outputs, input_masks, recurrent_masks)`. `outputs` is the layer's output as
        a NumPy array, or a list of arrays when the layer returns several tensors
        (`return_state=True`, or a `Bidirectional` with `merge_mode=None`).

    Raises:
        ValueError: If the layer type is not supported or the layer is stateful. Also if x
            is not a numeric rank-3 array or its feature count differs from a built layer's
            input dimension, or if a GRU or LSTM has a rate of 1, which its cell skips.
        tensorflow.errors.InvalidArgumentError: Raised by Keras 3.15.1 itself for a GRU or
            LSTM with an explicit `implementation=1`, `dropout > 0`, `recurrent_dropout == 0`
            and `use_cudnn` left at "auto" or True.
    """
    check_layer(layer)
    x = check_sequence_batch(x)

    rnns = _recurrent_layers(layer)
    for rnn in rnns.values():
        check_input_dim(rnn, x)
        _check_rates_below_one(rnn)

    with contextlib.ExitStack() as stack:
        records = {key: stack.enter_context(_recording(rnn.cell)) for key, rnn in rnns.items()}
        outputs = layer(x, training=True)

    input_masks = {key: _to_numpy(record[_INPUT_MASK_GETTER]) for key, record in records.items()}
    recurrent_masks = {
        key: _to_numpy(record[_RECURRENT_MASK_GETTER]) for key, record in records.items()
    }

    outputs = _to_numpy(outputs)
    if isinstance(layer, keras.layers.Bidirectional):
        return outputs, input_masks, recurrent_masks
    return outputs, input_masks["layer"], recurrent_masks["layer"]


def _recurrent_layers(layer: keras.layers.Layer) -> dict[str, keras.layers.RNN]:
    if isinstance(layer, keras.layers.Bidirectional):
        return {"forward": layer.forward_layer, "backward": layer.backward_layer}
    return {"layer": layer}


def _check_rates_below_one(rnn: keras.layers.RNN) -> None:
    if isinstance(rnn, keras.layers.SimpleRNN):
        return

    for argument in ("dropout", "recurrent_dropout"):
        rate = getattr(rnn.cell, argument)
        if rate >= 1.0:
            raise ValueError(
                f"{type(rnn).__name__} {rnn.name!r} has {argument}={rate}, which record_masks "
                "does not support: in Keras 3.15.1 the cell multiplies by a mask only when "
                "0 < rate < 1, so a rate of 1 drops nothing on the cell path; use a rate below 1"
            )


@contextlib.contextmanager
def _recording(cell: keras.layers.Layer) -> Iterator[dict[str, object]]:
    """Record the first mask each dropout getter of cell returns while the context is open.

    The getters are set as instance attributes, which shadow the class methods, and the
    previous instance attributes (normally none) are put back on exit. On exit the cell's
    mask cache is also cleared, because a call that raises inside the time loop skips the
    reset at the end of `RNN.call` and would leave its masks for the next call.
    """
    record = {_INPUT_MASK_GETTER: None, _RECURRENT_MASK_GETTER: None}
    saved = {name: cell.__dict__.get(name, _MISSING) for name in record}

    for name in record:
        setattr(cell, name, _recording_getter(getattr(cell, name), name, record))

    try:
        yield record
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                delattr(cell, name)
            else:
                setattr(cell, name, value)
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()


def _recording_getter(getter, name: str, record: dict[str, object]):
    # The cell returns its cached mask on every call within one layer call, so the first
    # mask returned is the one used at every timestep.
    def recording_getter(step_input):
        mask = getter(step_input)
        if record[name] is None:
            record[name] = mask
        return mask

    return recording_getter


def _to_numpy(value: object) -> LayerMasks:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [keras.ops.convert_to_numpy(item) for item in value]
    return keras.ops.convert_to_numpy(value)
