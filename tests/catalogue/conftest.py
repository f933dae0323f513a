"""A small catalogue of four Swedish articles (one expired), for the search's tests."""

from __future__ import annotations

from datetime import date

import pytest

from bot.catalogue.articles import load_catalogue
from bot.catalogue.search import Passage, catalogue_passages

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


@pytest.fixture(scope="session")
def small_catalogue(tmp_path_factory: pytest.TempPathFactory) -> list[Passage]:
    """The passages of ARTICLES as the index sees them on 2026-11-24."""
    root = tmp_path_factory.mktemp("knowledge")
    for article_id, (topic, title, summary, questions, until) in ARTICLES.items():
        (root / article_id).mkdir()
        (root / article_id / "sv.md").write_text(
            SV.format(id=article_id, topic=topic, title=title, summary=summary,
                      questions=questions, until=until or "null"),
            encoding="utf-8",
        )  # fmt: skip
    return catalogue_passages(load_catalogue(root), date(2026, 11, 24))
