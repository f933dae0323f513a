"""Detecting acute situations in a citizen's message, tuned to miss none.

Two independent signals, either one is enough:
- phrases (`acute_phrases.yml`) matched after folding accents and case, in every language
  at once (a citizen may switch language when upset);
- a softmax classifier on the multilingual e5 embedding, trained on `acute_examples.yml`; a
  message is acute when the classifier gives "none" less than `NONE_BELOW` probability.
  The everyday small talk in `nlu_data/<lang>/smalltalk.yml` ("thank you", "hej då") is
  trained as "none" too: without it a short "thank you" lands nearer a farewell letter than
  anything the classifier knows.
Editors can add phrases and examples; the held-out test set is in `tests/eval/`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from bot.catalogue.classifier import SoftmaxClassifier
from bot.catalogue.embeddings import Embedder
from bot.catalogue.normalise import fold
from bot.services.domain import NLU_DIR, nlu_examples

HERE = Path(__file__).resolve().parent
KINDS = ("suicide", "violence", "child", "no_food_shelter")
NONE = "none"


@dataclass(frozen=True)
class AcuteFinding:
    kind: str  # one of KINDS
    via: Literal["phrase", "classifier"]
    evidence: str  # the phrase, or the classifier's probability of the kind


class AcuteDetector:
    """Usage:
    detector = AcuteDetector(E5Embedder())
    detector.detect("jag vill inte leva längre")  # -> AcuteFinding("suicide", "phrase", …)
    """

    NONE_BELOW = 0.7  # recall first: chosen by 5-fold cross-validation on the examples

    def __init__(
        self,
        embedder: Embedder,
        phrases_file: Path = HERE / "acute_phrases.yml",
        examples_file: Path = HERE / "acute_examples.yml",
        everyday_files: list[Path] | None = None,
    ) -> None:
        self.embedder = embedder
        self._phrases_file = phrases_file
        self._examples_file = examples_file
        self._everyday_files = (
            sorted(NLU_DIR.glob("*/smalltalk.yml")) if everyday_files is None else everyday_files
        )
        self._lock = threading.Lock()
        self._patterns: list[tuple[str, re.Pattern[str]]] | None = None
        self._classifier: SoftmaxClassifier | None = None

    def warm_up(self) -> tuple[list[tuple[str, re.Pattern[str]]], SoftmaxClassifier]:
        """Load phrases and train the classifier (a few seconds); done on first use anyway."""
        with self._lock:
            if self._patterns is None or self._classifier is None:
                self._patterns = _load_patterns(self._phrases_file)
                self._classifier = _train(self._examples_file, self.embedder, self._everyday_files)
            return self._patterns, self._classifier

    def detect(self, text: str) -> AcuteFinding | None:
        patterns, classifier = self.warm_up()
        folded = fold(text)
        for kind, pattern in patterns:
            match = pattern.search(folded)
            if match:
                return AcuteFinding(kind, "phrase", match.group(0))
        # The whole message and each of its sentences: an acute sentence in the middle of a
        # question about money must not be diluted by the rest.
        pieces = [text, *_sentences(text)]
        for vector in self.embedder.queries(pieces):
            probabilities = classifier.probabilities(vector)
            if probabilities.get(NONE, 1.0) < self.NONE_BELOW:
                kind = max(KINDS, key=lambda k: probabilities.get(k, 0.0))
                return AcuteFinding(kind, "classifier", f"{probabilities[kind]:.2f}")
        return None


def _sentences(text: str) -> list[str]:
    # Sentence ends in Latin, Arabic (؟ ۔) and Ethiopic (። ፧) writing.
    parts = [p.strip() for p in re.split(r"(?<=[.!?؟۔።፧])\s+|\n+", text) if p.strip()]
    return parts if len(parts) > 1 else []


def _load_patterns(path: Path) -> list[tuple[str, re.Pattern[str]]]:
    raw: dict[str, dict[str, list[str]]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    patterns = []
    for by_kind in raw.values():
        for kind, phrases in by_kind.items():
            if kind not in KINDS:
                raise ValueError(f"{path}: unknown kind {kind!r}; use one of {KINDS}")
            alternatives = "|".join(re.escape(fold(p)) for p in phrases)
            patterns.append((kind, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")))
    return patterns


def _train(path: Path, embedder: Embedder, everyday: list[Path]) -> SoftmaxClassifier:
    examples: list[dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]
    texts = [e["text"] for e in examples] + [t for file in everyday for t in _small_talk(file)]
    labels = [e["acute"] for e in examples] + [NONE] * (len(texts) - len(examples))
    return SoftmaxClassifier.train(embedder.queries(texts), labels, balanced=True)


def _small_talk(path: Path) -> list[str]:
    return [text for texts in nlu_examples(path).values() for text in texts]
