"""Swedish articles written for tests: four for the search (one expired), and the helper that
writes any article in the catalogue's format."""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "riksnormen": (
        "norm",
        "Hur mycket är riksnormen?",
        "Riksnormen för en vuxen som bor ensam är 5 220 kronor i månaden 2026.",
        ["Hur mycket pengar får man i försörjningsstöd?"],
        None,
    ),
    "overklaga": (
        "overklaga",
        "Hur överklagar jag ett beslut?",
        "Du kan överklaga ett beslut om ekonomiskt bistånd inom tre veckor.",
        ["Jag fick avslag, vad gör jag?"],
        None,
    ),
    "socialjouren": (
        "akut",
        "Vad är socialjouren?",
        "Socialjouren hjälper på kvällar, nätter och helger när det är akut.",
        ["Vem kan jag ringa på natten?"],
        None,
    ),
    "gammal-norm": (
        "norm",
        "Riksnormen 2025",
        "Riksnormen 2025 var lägre än i dag.",
        ["Vad var normen förra året?"],
        "2025-12-31",
    ),
}

SV = """---
id: {id}
topic: {topic}
title: {title}
summary: {summary}
questions: {questions}
sources: [{{url: "https://example.se", title: Exempel, retrieved: 2026-11-01}}]
valid_until: {until}
reviewed: {{date: 2026-11-01, by: Redaktionen, notes: []}}
---
{summary} Mer text om detta för den som vill läsa mer här.
"""


def write_swedish_article(
    root: Path,
    article_id: str,
    topic: str,
    title: str,
    summary: str,
    questions: list[str],
    until: str | None = None,
) -> None:
    """`root/<article_id>/sv.md`, a complete article with one source and a review."""
    (root / article_id).mkdir(parents=True)
    (root / article_id / "sv.md").write_text(
        SV.format(id=article_id, topic=topic, title=title, summary=summary,
                  questions=questions, until=until or "null"),
        encoding="utf-8",
    )  # fmt: skip
