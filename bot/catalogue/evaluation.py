"""How well the search finds the right topic for questions it has never seen.

The held-out questions in `tests/eval/retrieval_questions.yml` are written the way citizens
type and are never copied into the catalogue. `make eval` prints the table; the test suite
checks the thresholds.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.catalogue.embeddings import Embedder
from bot.catalogue.search import SearchIndex

QUESTIONS_FILE = Path(__file__).resolve().parents[2] / "tests" / "eval" / "retrieval_questions.yml"


@dataclass(frozen=True)
class LanguageScore:
    language: str
    questions: int
    accuracy_at_1: float
    recall_at_3: float


@dataclass(frozen=True)
class Evaluation:
    scores: list[LanguageScore]
    latency_p50_ms: float
    latency_p95_ms: float

    def table(self) -> str:
        lines = ["language  questions  topic acc@1  topic recall@3"]
        lines += [
            f"{s.language:<9} {s.questions:>9}  {s.accuracy_at_1:>11.3f}  {s.recall_at_3:>14.3f}"
            for s in self.scores
        ]
        lines.append(
            f"search latency: p50 {self.latency_p50_ms:.0f} ms, p95 {self.latency_p95_ms:.0f} ms"
        )
        return "\n".join(lines)


def load_questions(path: Path = QUESTIONS_FILE) -> list[dict[str, str]]:
    questions: list[dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return questions


def evaluate(index: SearchIndex, embedder: Embedder, questions: list[dict[str, str]]) -> Evaluation:
    hits_at_1: dict[str, list[bool]] = {}
    hits_at_3: dict[str, list[bool]] = {}
    durations = []
    for question in questions:
        started = time.perf_counter()
        hits = index.search(question["text"], question["lang"], embedder, limit=3)
        durations.append((time.perf_counter() - started) * 1000)
        topics = [hit.topic for hit in hits]
        hits_at_1.setdefault(question["lang"], []).append(topics[:1] == [question["topic"]])
        hits_at_3.setdefault(question["lang"], []).append(question["topic"] in topics)
    scores = [
        LanguageScore(lang, len(hits_at_1[lang]), statistics.mean(hits_at_1[lang]),
                      statistics.mean(hits_at_3[lang]))
        for lang in sorted(hits_at_1)
    ]  # fmt: skip
    percentiles = statistics.quantiles(durations, n=100)
    return Evaluation(scores, statistics.median(durations), percentiles[94])
