"""A small linear classifier on sentence embeddings, trained in seconds without randomness."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from bot.catalogue.embeddings import Vectors


class SoftmaxClassifier:
    """Softmax regression from a text's embedding to a label (an article, an acute situation).

    Trained by full-batch gradient descent with a fixed number of steps and zero start, so the
    same examples always give the same model (no randomness), in a few seconds.
    """

    SCALE = 10.0  # e5 cosines are compressed; scaling the logits lets softmax separate them
    STEPS = 400
    LEARNING_RATE = 1.0
    L2 = 1e-4

    def __init__(self, weights: np.ndarray, bias: np.ndarray, labels: list[str]) -> None:
        self.weights = weights
        self.bias = bias
        self.labels = labels

    @classmethod
    def train(
        cls, vectors: Vectors, labels: list[str], balanced: bool = False
    ) -> SoftmaxClassifier:
        """`balanced` weighs every label equally however many examples it has, so a large
        class (such as "none") does not drown small ones."""
        vectors = vectors.astype(np.float64)  # once, not in every step against the weights
        names = sorted(set(labels))
        if not names:
            return cls(np.zeros((vectors.shape[1], 0)), np.zeros(0), [])
        target = np.array([names.index(label) for label in labels])
        counts = np.bincount(target, minlength=len(names))
        sample = (len(target) / (len(names) * counts[target])) if balanced else np.ones(len(target))
        weights = np.zeros((vectors.shape[1], len(names)))
        bias = np.zeros(len(names))
        for _ in range(cls.STEPS):
            error = _softmax(vectors @ weights * cls.SCALE + bias)
            error[np.arange(len(target)), target] -= 1
            error *= sample[:, None]
            weights -= cls.LEARNING_RATE * (
                vectors.T @ error * cls.SCALE / len(target) + cls.L2 * weights
            )
            bias -= cls.LEARNING_RATE * error.mean(axis=0)
        return cls(weights, bias, names)

    @classmethod
    def recipe(cls) -> str:
        """Every setting that changes the trained weights, for keys of saved models: a setting
        added here also retrains what was saved with the old ones."""
        return f"{cls.STEPS} {cls.SCALE} {cls.LEARNING_RATE} {cls.L2}"

    def arrays(self, prefix: str = "") -> dict[str, Any]:
        """The model as named arrays for `np.savez`, in a file of its own or inside a larger
        one (the search index keeps its classifier next to its vectors)."""
        return {
            f"{prefix}weights": self.weights,
            f"{prefix}bias": self.bias,
            f"{prefix}labels": np.array(self.labels),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Any], prefix: str = "") -> SoftmaxClassifier:
        """The model saved by `arrays`, e.g. from `np.load(path)`."""
        labels = [str(label) for label in arrays[f"{prefix}labels"]]
        return cls(arrays[f"{prefix}weights"], arrays[f"{prefix}bias"], labels)

    def probabilities(self, query: np.ndarray) -> dict[str, float]:
        if not self.labels:
            return {}
        scores = _softmax((query @ self.weights * self.SCALE + self.bias)[None, :])[0]
        return dict(zip(self.labels, scores.tolist(), strict=True))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))
