"""Small models, one per dropout configuration, whose training steps the book times.

``scripts/benchmark_rnn_dropout.py`` builds the same configurations without importing this
package, so that it runs on any Keras 3 backend; its test checks that the names agree.
Introduced in the chapter "Cost and the fast path".
"""

import keras
import numpy as np

LAYER_TYPES = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}

# Name -> (layer placed in front of the recurrent layer or None, recurrent layer arguments).
# The rate 0.2 is filled in by build_model.
CONFIGURATIONS: dict[str, tuple[str | None, dict[str, object]]] = {
    "no dropout": (None, {}),
    "dropout": (None, {"dropout": "rate"}),
    "recurrent_dropout": (None, {"recurrent_dropout": "rate"}),
    "both": (None, {"dropout": "rate", "recurrent_dropout": "rate"}),
    "Dropout layer": ("Dropout", {}),
    "SpatialDropout1D layer": ("SpatialDropout1D", {}),
    "unroll=True": (None, {"unroll": True}),
}
BASELINE = "no dropout"


def build_model(
    configuration: str,
    *,
    layer: str = "gru",
    timesteps: int,
    features: int,
    units: int,
    rate: float = 0.2,
) -> keras.Model:
    """Build and compile input -> [dropout layer] -> GRU or LSTM -> Dense(1), trained with MSE.

    Introduced in the chapter "Cost and the fast path".

    Args:
        configuration: One of the names in :data:`CONFIGURATIONS`.
        layer: ``"gru"`` or ``"lstm"``.
        timesteps: Sequence length, 1 or more.
        features: Input features per timestep, 1 or more.
        units: Units of the recurrent layer, 1 or more.
        rate: Dropout rate of every dropout in the configuration, in [0, 1).

    Returns:
        A compiled model (Adam, mean squared error) taking ``(batch, timesteps, features)``.

    Raises:
        ValueError: If ``configuration`` or ``layer`` is unknown, a size is not a positive
            integer, or ``rate`` is outside [0, 1).
    """
    if configuration not in CONFIGURATIONS:
        raise ValueError(
            f"unknown configuration {configuration!r}; pass one of {list(CONFIGURATIONS)}"
        )
    if layer not in LAYER_TYPES:
        raise ValueError(f"unknown layer {layer!r}; pass one of {list(LAYER_TYPES)}")
    for name, size in (("timesteps", timesteps), ("features", features), ("units", units)):
        if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
            raise ValueError(f"{name} must be a positive integer, got {size!r}")
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate!r}")

    front, arguments = CONFIGURATIONS[configuration]
    arguments = {key: rate if value == "rate" else value for key, value in arguments.items()}

    inputs = keras.Input((timesteps, features))
    hidden = inputs
    if front is not None:
        hidden = getattr(keras.layers, front)(rate)(hidden)
    hidden = LAYER_TYPES[layer](units, **arguments)(hidden)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    model.compile(optimizer="adam", loss="mse")
    return model
