"""NumPy arrays handed to Arrow without ``pa.array``.

``pa.array(numpy_array)`` first asks whether the array is a masked one, and that question imports
``numpy.ma``: 30-60 ms of a validation that should take about a second. These build the Arrow
arrays from the NumPy buffers directly.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def bools(values: np.ndarray) -> pa.Array:
    """NumPy booleans as an Arrow boolean array."""
    bits = np.packbits(values, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def positions(values: np.ndarray) -> pa.Array:
    """NumPy indices as an Arrow int64 array (for ``take``)."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])
