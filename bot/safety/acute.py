"""Detecting acute situations in a citizen's message, tuned to miss none.

Two independent signals, either one is enough:
- phrases (`acute_phrases.yml`) matched after folding accents and case, in every language
  at once (a citizen may switch language when upset);
- a softmax classifier on the multilingual e5 embedding joined with hashed character
  n-grams of the folded text, trained on `acute_examples.yml`; a message is acute when the
  classifier gives "none" less than `NONE_BELOW` probability. The embedding alone puts "my
  child has a fever" next to "my child has not eaten for two days" (both are about a child
  and worry); the n-grams let the everyday examples written close to the acute ones pull such
  messages back, in languages where e5-small knows little (Somali, Tigrinya). The everyday
  small talk in `nlu_data/<lang>/smalltalk.yml` ("thank you", "hej då") is trained as "none"
  too: without it a short "thank you" lands nearer a farewell letter than anything else.
- Long messages are also read in overlapping windows of words: the acute sentence at the end
  of a long story typed without punctuation must not be diluted by the story.
Editors can add phrases and examples; the held-out test set is in `tests/eval/`.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import yaml

from bot.catalogue.classifier import SoftmaxClassifier
from bot.catalogue.embeddings import Embedder, Vectors
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
    detector = AcuteDetector(E5Embedder(), cache_dir=Path("var/cache"))
    detector.detect("jag vill inte leva längre")  # -> AcuteFinding("suicide", "phrase", …)
    """

    # Chosen on the development set `tests/dev/acute_messages.yml` (never on tests/eval/),
    # recall first: its acute messages score under 0.5 except two that any threshold below
    # 0.94 misses. 19 acute messages per language are few, so the threshold keeps a margin
    # above that edge (0.5 would give 29 false alarms there instead of 39).
    NONE_BELOW = 0.7
    WINDOW_WORDS = 12  # windows of this many words, every half window, for longer messages

    def __init__(
        self,
        embedder: Embedder,
        phrases_file: Path = HERE / "acute_phrases.yml",
        examples_file: Path = HERE / "acute_examples.yml",
        everyday_files: list[Path] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """`cache_dir` keeps the trained weights between processes; without it every new
        detector trains again (a minute), which only tests with their own files want."""
        self.embedder = embedder
        self._phrases_file = phrases_file
        self._examples_file = examples_file
        self._everyday_files = (
            sorted(NLU_DIR.glob("*/smalltalk.yml")) if everyday_files is None else everyday_files
        )
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._patterns: list[tuple[str, re.Pattern[str]]] | None = None
        self._classifier: SoftmaxClassifier | None = None

    def warm_up(self) -> tuple[list[tuple[str, re.Pattern[str]]], SoftmaxClassifier]:
        """Load phrases and train the classifier (a few seconds); done on first use anyway."""
        with self._lock:
            if self._patterns is None or self._classifier is None:
                self._patterns = _load_patterns(self._phrases_file)
                self._classifier = _train(
                    self._examples_file, self.embedder, self._everyday_files, self._cache_dir
                )
            return self._patterns, self._classifier

    def detect(self, text: str) -> AcuteFinding | None:
        patterns, classifier = self.warm_up()
        folded = fold(text)
        for kind, pattern in patterns:
            match = pattern.search(folded)
            if match:
                return AcuteFinding(kind, "phrase", match.group(0))
        # The whole message, each sentence and each window: an acute sentence in the middle of
        # a question about money must not be diluted by the rest.
        pieces = [text, *_sentences(text), *_windows(text, self.WINDOW_WORDS)]
        for vector in _features(self.embedder, pieces):
            probabilities = classifier.probabilities(vector)
            if probabilities.get(NONE, 1.0) < self.NONE_BELOW:
                kind = max(KINDS, key=lambda k: probabilities.get(k, 0.0))
                return AcuteFinding(kind, "classifier", f"{probabilities[kind]:.2f}")
        return None


def _sentences(text: str) -> list[str]:
    # Sentence ends in Latin, Arabic (؟ ۔) and Ethiopic (። ፧) writing.
    parts = [p.strip() for p in re.split(r"(?<=[.!?؟۔።፧])\s+|\n+", text) if p.strip()]
    return parts if len(parts) > 1 else []


def _windows(text: str, size: int) -> list[str]:
    words = text.split()
    if len(words) <= size:
        return []
    step = size // 2
    return [" ".join(words[i : i + size]) for i in range(0, len(words) - step, step)]


NGRAM_DIMENSIONS = 1 << 13
NGRAM_WEIGHT = 1.5  # against the unit-length embedding; chosen with NONE_BELOW


def _features(embedder: Embedder, texts: list[str]) -> Vectors:
    """The e5 embedding joined with hashed character 3–5-grams of the folded text (unit
    length, weighted), so that spelling-level cues count where the embedding is vague."""
    grams = np.zeros((len(texts), NGRAM_DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        padded = f" {' '.join(fold(text).split())} "
        for n in (3, 4, 5):
            for start in range(len(padded) - n + 1):
                grams[row, zlib.crc32(padded[start : start + n].encode()) % NGRAM_DIMENSIONS] += 1
    norms = np.linalg.norm(grams, axis=1, keepdims=True)
    grams = np.divide(grams, norms, out=grams, where=norms > 0) * NGRAM_WEIGHT
    return np.hstack([embedder.queries(texts), grams]).astype(np.float32)


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


def _train(
    path: Path, embedder: Embedder, everyday: list[Path], cache_dir: Path | None
) -> SoftmaxClassifier:
    """Trains once per content: a minute of CPU, so every app process after the first (and
    every restart) loads the weights saved in `cache_dir` for the same examples."""
    if cache_dir is None:
        return _fit(path, embedder, everyday)
    recipe = hashlib.sha256(
        f"{embedder.name} {NGRAM_DIMENSIONS} {NGRAM_WEIGHT} {SoftmaxClassifier.recipe()}".encode()
    )
    for file in [path, *everyday]:
        recipe.update(file.read_bytes())
    cached = cache_dir / f"acute-{recipe.hexdigest()[:20]}.npz"
    if cached.exists():
        with np.load(cached) as saved:
            return SoftmaxClassifier.from_arrays(saved)
    classifier = _fit(path, embedder, everyday)
    cached.parent.mkdir(parents=True, exist_ok=True)
    temporary = cached.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(temporary, **classifier.arrays())
    temporary.replace(cached)  # another process never reads a half-written file
    return classifier


def _fit(path: Path, embedder: Embedder, everyday: list[Path]) -> SoftmaxClassifier:
    examples: list[dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]
    texts = [e["text"] for e in examples] + [t for file in everyday for t in _small_talk(file)]
    labels = [e["acute"] for e in examples] + [NONE] * (len(texts) - len(examples))
    return SoftmaxClassifier.train(_features(embedder, texts), labels, balanced=True)


def _small_talk(path: Path) -> list[str]:
    return [text for texts in nlu_examples(path).values() for text in texts]
