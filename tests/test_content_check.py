"""`bot content check`: what each language lacks, by tier, on a small constructed catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalogue.articles import load_catalogue
from bot.content_check import LanguageReport, check_content
from bot.services.languages import LanguageRegistry
from bot.services.responses import ResponseCatalog
from tests.catalogue.small_catalogue import write_swedish_article

TRANSLATION = """---
id: {id}
lang: {lang}
status: unreviewed
translated_from: {translated_from}
title: Title
summary: Summary.
questions: [A question]
---
Body.
"""


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    for article_id in ("normen", "overklaga"):
        write_swedish_article(
            tmp_path / "articles", article_id, "norm", "Titel", "Kort svar.", ["En fråga?"]
        )
    # Finnish: one article up to date, one translated before the Swedish review (stale).
    for article_id, made in (("normen", "2026-11-01"), ("overklaga", "2026-10-01")):
        (tmp_path / "articles" / article_id / "fi.md").write_text(
            TRANSLATION.format(id=article_id, lang="fi", translated_from=made), encoding="utf-8"
        )
    return tmp_path


def _nlu(root: Path, code: str, examples: int) -> None:
    (root / code).mkdir(parents=True)
    lines = "\n".join(f"      - esimerkki {n}" for n in range(examples))
    (root / code / "smalltalk.yml").write_text(
        f'version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n{lines}\n', encoding="utf-8"
    )


def _reports(catalogue_dir: Path) -> dict[str, LanguageReport]:
    nlu = catalogue_dir / "nlu"
    for code in ("en", "fi", "ar", "so", "fa", "ti"):
        _nlu(nlu, code, 12)
    (nlu / "ar" / "smalltalk.yml").unlink()
    tier2 = catalogue_dir / "tier2.yml"
    tier2.write_text("articles: [normen]\n", encoding="utf-8")
    reports = check_content(
        LanguageRegistry.load(),
        load_catalogue(catalogue_dir / "articles"),
        ResponseCatalog.load(),
        {"greet", "welcome"},
        nlu_dir=nlu,
        tier2_articles_file=tier2,
    )
    return {report.code: report for report in reports}


def test_stale_and_missing_articles_are_listed_per_language(catalogue_dir: Path) -> None:
    reports = _reports(catalogue_dir)
    finnish = reports["fi"]
    assert finnish.tier == 1
    assert finnish.articles == 2
    assert finnish.stale == 1
    assert any("overklaga: fi.md is stale" in gap for gap in finnish.gaps)
    assert any("overklaga: en.md is missing" in gap for gap in reports["en"].gaps)


def test_too_few_nlu_examples_are_a_gap_but_button_intents_are_not(catalogue_dir: Path) -> None:
    arabic = _reports(catalogue_dir)["ar"]
    assert "intent greet: 0 examples in nlu_data/ar/, at least 10" in arabic.gaps
    assert not any("welcome" in gap for gap in arabic.gaps)


def test_swedish_is_the_source_and_easy_swedish_needs_no_nlu(catalogue_dir: Path) -> None:
    reports = _reports(catalogue_dir)
    assert "sv" not in reports
    assert not any("nlu_data" in gap for gap in reports["sv-x-easy"].gaps)
