"""Recall on acute messages and false alarms on similar everyday ones, per language.

The held-out set is `tests/eval/acute_messages.yml`; `make eval` prints the table and the test
suite requires recall 1.00 and at most 5 % false alarms in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.safety.acute import NONE, AcuteDetector

MESSAGES_FILE = Path(__file__).resolve().parents[2] / "tests" / "eval" / "acute_messages.yml"


@dataclass(frozen=True)
class AcuteScore:
    language: str
    acute: int
    recall: float
    not_acute: int
    false_alarm_rate: float
    missed: tuple[str, ...]
    false_alarms: tuple[str, ...]


def load_messages(path: Path = MESSAGES_FILE) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return messages


def evaluate_acute(detector: AcuteDetector, messages: list[dict[str, str]]) -> list[AcuteScore]:
    scores = []
    for language in sorted({m["lang"] for m in messages}):
        mine = [m for m in messages if m["lang"] == language]
        acute = [m["text"] for m in mine if m["acute"] != NONE]
        calm = [m["text"] for m in mine if m["acute"] == NONE]
        missed = tuple(t for t in acute if detector.detect(t) is None)
        alarms = tuple(t for t in calm if detector.detect(t) is not None)
        scores.append(
            AcuteScore(
                language, len(acute), 1 - len(missed) / max(len(acute), 1),
                len(calm), len(alarms) / max(len(calm), 1), missed, alarms,
            )
        )  # fmt: skip
    return scores


def table(scores: list[AcuteScore]) -> str:
    lines = ["language  acute  recall  not acute  false alarms"]
    for s in scores:
        rates = f"{s.recall:>6.2f}  {s.not_acute:>9}  {s.false_alarm_rate:>12.3f}"
        lines.append(f"{s.language:<9} {s.acute:>5}  {rates}")
    return "\n".join(lines)
