"""`bot knowledge check` finds what an editor must fix, in plain words."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from bot.catalogue.articles import TOPICS, load_catalogue
from bot.catalogue.check import check_catalogue

TODAY = date(2026, 11, 24)

SWEDISH = """---
id: {id}
topic: {topic}
title: En fråga
summary: {summary}
questions: {questions}
sources:
  - url: https://example.se/sida
    title: Exempel
    retrieved: 2026-11-20
valid_from: {valid_from}
valid_until: 2026-12-31
reviewed:
  date: {reviewed}
  by: Redaktionen
  notes: []
---
En brödtext. {body}
"""

ENGLISH = """---
id: {id}
lang: en
status: {status}
translated_from: {translated_from}
title: A question
summary: Short answer.
questions: ["How {english}?"]
---
Body text.
"""


def _words(seed: str, n: int) -> str:
    """A question unlike any other article's: a hash spelled out."""
    return hashlib.sha256(f"{seed}{n}".encode()).hexdigest()


def write_article(root: Path, article_id: str, **fields: str) -> Path:
    folder = root / article_id
    folder.mkdir(parents=True)
    values = {
        "id": article_id, "topic": "norm", "summary": "Kort svar.", "body": "",
        "questions": "[" + ", ".join(f'"{_words(article_id, n)}"' for n in range(3)) + "]",
        "valid_from": "2026-01-01", "reviewed": "2026-11-20",
        "status": "unreviewed", "translated_from": "2026-11-20",
        "english": _words(article_id, 9),
    }  # fmt: skip
    values.update(fields)
    (folder / "sv.md").write_text(SWEDISH.format(**values), encoding="utf-8")
    (folder / "en.md").write_text(ENGLISH.format(**values), encoding="utf-8")
    return folder


@pytest.fixture
def healthy(tmp_path: Path) -> Path:
    for index, topic in enumerate(TOPICS):
        for n in range(3):
            write_article(tmp_path, f"artikel-{index}-{n}", topic=topic)
    return tmp_path


def problems_for(root: Path) -> list[str]:
    return [str(p) for p in check_catalogue(load_catalogue(root), ["en"], TODAY)]


def test_a_healthy_catalogue_has_no_problems(healthy: Path) -> None:
    assert problems_for(healthy) == []


def test_the_repository_catalogue_passes() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.articles) >= 60
    assert check_catalogue(catalogue, ["sv-x-easy", "en"], TODAY) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"topic": "pengar"}, "unknown topic 'pengar'"),
        ({"summary": " ".join(["ord"] * 81)}, "the summary has 81 words; at most 80"),
        (
            {"body": "Se [här](article:finns-inte)."},
            "links to article 'finns-inte', which does not exist",
        ),
        ({"valid_from": "2027-01-01"}, "valid_from is after valid_until"),
        ({"reviewed": "2027-01-01"}, "the review date is in the future"),
        ({"questions": '["En enda fråga"]'}, "sv.md needs 3–20 example questions"),
        ({"status": "klar"}, "status must be reviewed or unreviewed"),
        ({"translated_from": "2026-11-01"}, "stale: the Swedish text was reviewed after"),
    ],
)
def test_each_problem_is_named(healthy: Path, fields: dict[str, str], expected: str) -> None:
    write_article(healthy, "den-trasiga", **fields)
    found = problems_for(healthy)
    assert any(expected in problem and "den-trasiga" in problem for problem in found), found


def test_missing_translation_and_original(healthy: Path) -> None:
    (healthy / "artikel-0-0" / "en.md").unlink()
    (healthy / "artikel-0-1" / "sv.md").unlink()
    found = problems_for(healthy)
    assert "artikel-0-0: the translation en.md is missing" in found
    assert "artikel-0-1: the Swedish original sv.md is missing" in found


def test_broken_yaml_and_missing_fields_are_reported_not_raised(healthy: Path) -> None:
    (healthy / "artikel-1-0" / "sv.md").write_text("---\ntitle: [unclosed\n---\ntext\n")
    (healthy / "artikel-1-1" / "sv.md").write_text("---\ntitle: Utan allt annat\n---\ntext\n")
    (healthy / "artikel-1-2" / "sv.md").write_text("Ingen front matter alls\n")
    found = "\n".join(problems_for(healthy))
    assert "artikel-1-0/sv.md: the front matter is not valid YAML" in found
    assert "artikel-1-1/sv.md: a required field is missing or wrong" in found
    assert "artikel-1-2/sv.md: the file must start with front matter" in found
    assert f"topic {TOPICS[1]}: has 0 articles; at least 3 are needed" in found


def test_near_duplicate_questions_across_articles(healthy: Path) -> None:
    write_article(healthy, "forsta", questions='["Hur mycket är normen?", "Fråga b", "Fråga c"]')
    write_article(healthy, "andra", questions='["hur mycket är normen", "Fråga d", "Fråga e"]')
    found = problems_for(healthy)
    assert any("normen" in p and "(nearly) the same" in p for p in found), found


def test_expired_article_is_not_valid_after_its_end(healthy: Path) -> None:
    article = load_catalogue(healthy).articles["artikel-0-0"]
    assert article.is_valid_on(date(2026, 12, 31))
    assert not article.is_valid_on(date(2027, 1, 1))
