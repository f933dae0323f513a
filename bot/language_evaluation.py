"""How well the assistant does in each language, on held-out sets it never trained on.

`tests/eval/languages/<code>.yml` holds, per language, short messages for language detection,
questions labelled with their topic, and (optionally) messages labelled with their intent. The
questions' expected intent is `ask_question`. `make eval` prints the table; the test suite
checks the thresholds for tier-1 languages.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.catalogue.embeddings import Embedder
from bot.catalogue.search import SearchIndex
from bot.core.config import PROJECT_ROOT
from bot.services.assistant_model import rasa_import_path
from bot.services.language_detection import LanguageDetector

EVAL_DIR = PROJECT_ROOT / "tests" / "eval" / "languages"
RASA_PYTHON = PROJECT_ROOT / ".venvs" / "rasa" / "bin" / "python"
QUESTION_INTENT = "ask_question"


@dataclass(frozen=True)
class LanguageSet:
    code: str
    detection: list[str]
    questions: list[dict[str, str]]  # {"topic": …, "text": …}
    intents: list[dict[str, str]]  # {"intent": …, "text": …}

    @classmethod
    def load(cls, path: Path) -> LanguageSet:
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            path.stem, raw.get("detection") or [], raw.get("questions") or [],
            raw.get("intents") or [],
        )  # fmt: skip

    def intent_examples(self) -> list[tuple[str, str]]:
        return [(q["text"], QUESTION_INTENT) for q in self.questions] + [
            (i["text"], i["intent"]) for i in self.intents
        ]


@dataclass(frozen=True)
class LanguageScore:
    code: str
    detection: float | None
    intent: float | None
    topic_at_1: float | None
    sizes: tuple[int, int, int]  # detection messages, intent examples, topic questions


def load_sets(directory: Path = EVAL_DIR) -> list[LanguageSet]:
    return [LanguageSet.load(path) for path in sorted(directory.glob("*.yml"))]


def _share(hits: list[bool]) -> float | None:
    return statistics.mean(hits) if hits else None


def score_language(
    language: LanguageSet,
    detector: LanguageDetector,
    index: SearchIndex,
    embedder: Embedder,
    intents: dict[str, str] | None = None,
) -> LanguageScore:
    """`intents` maps each text to the model's predicted intent (None: not measured)."""
    detected = [detector.detect(text).language == language.code for text in language.detection]
    topics = [
        [hit.topic for hit in index.search(q["text"], language.code, embedder, limit=1)][:1]
        == [q["topic"]]
        for q in language.questions
    ]
    examples = language.intent_examples()
    intent_hits = [intents[text] == want for text, want in examples] if intents else []
    return LanguageScore(
        language.code, _share(detected), _share(intent_hits), _share(topics),
        (len(detected), len(examples), len(topics)),
    )  # fmt: skip


def rasa_intents(model: Path, texts: list[str]) -> dict[str, str]:
    """The trained model's intent for each text (runs `bot.nlu.parse` in the Rasa environment)."""
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `bot model train` first")
    unique = sorted(set(texts))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "intents.json"
        subprocess.run(  # noqa: S603 — fixed command
            [str(RASA_PYTHON), "-m", "bot.nlu.parse", str(model), str(out)],
            input=json.dumps(unique), capture_output=True, text=True, check=True,
            cwd=PROJECT_ROOT, env={**os.environ, **rasa_import_path()},
        )  # fmt: skip
        predictions = [str(intent) for intent, _ in json.loads(out.read_text(encoding="utf-8"))]
    return dict(zip(unique, predictions, strict=True))


def table(scores: list[LanguageScore]) -> str:
    def cell(value: float | None) -> str:
        return f"{value:.3f}" if value is not None else "–"

    lines = ["language  detection  intent  topic acc@1   (messages / intent ex. / questions)"]
    lines += [
        f"{s.code:<9} {cell(s.detection):>9} {cell(s.intent):>7} {cell(s.topic_at_1):>12}"
        f"   ({s.sizes[0]} / {s.sizes[1]} / {s.sizes[2]})"
        for s in scores
    ]
    return "\n".join(lines)
