"""Helpers for the executable book on dropout in Keras recurrent layers.

Import the modules you need (``rnn_dropout.reproducibility``, ``rnn_dropout.data``, ...); this
package file imports nothing heavy, so importing it does not start TensorFlow.
"""

__version__ = "0.1.0"
