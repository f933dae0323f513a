"""`bot content check`: what is missing or stale in each language, tier by tier.

A language's tier is in its locale file (`bot/locales/<code>.yml`). Tier 1 must have every
article summary, every dialogue response, every UI text and at least 10 NLU examples per intent;
tier 2 every dialogue response and UI text, the articles in `knowledge/tier2_articles.yml` and at
least 4 NLU examples per intent. Gaps in tier 1 fail `make test`; tier-2 gaps are listed.

A translated article is stale when the Swedish text was reviewed after the translation was made
(`translated_from` < `reviewed.date`). Dialogue texts carry no dates, so they can only be missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.catalogue.articles import Catalogue
from bot.core.config import PROJECT_ROOT
from bot.services.domain import NLU_DIR, nlu_examples
from bot.services.languages import Language, LanguageRegistry
from bot.services.responses import ResponseCatalog

TIER2_ARTICLES = PROJECT_ROOT / "knowledge" / "tier2_articles.yml"
MIN_EXAMPLES = {1: 10, 2: 4}
# Intents only ever sent by buttons or by the app, or in no language at all (nlu_data/any/).
LANGUAGE_FREE_INTENTS = frozenset({"welcome", "choose_article", "feedback", "nonsense"})
# Easy Swedish is a way of writing Swedish: it is understood by the Swedish NLU data.
NO_OWN_NLU = frozenset({"sv-x-easy"})


@dataclass
class LanguageReport:
    code: str
    tier: int
    gaps: list[str] = field(default_factory=list)
    articles: int = 0
    stale: int = 0


def check_content(
    languages: LanguageRegistry,
    catalogue: Catalogue,
    responses: ResponseCatalog,
    intents: set[str],
    nlu_dir: Path = NLU_DIR,
    tier2_articles_file: Path = TIER2_ARTICLES,
) -> list[LanguageReport]:
    sv_ui = _texts(languages.get("sv"))
    tier2_articles = _tier2_articles(tier2_articles_file)
    reports = []
    for language in languages.all():
        if language.code == "sv":
            continue
        report = LanguageReport(language.code, language.tier)
        missing_ui = sorted(sv_ui - _texts(language))
        if missing_ui:
            report.gaps.append(f"UI texts missing in bot/locales/{language.code}.yml: "
                               + ", ".join(missing_ui))  # fmt: skip
        missing_responses = sorted(responses.worded_names() - responses.names(language.code))
        if missing_responses:
            report.gaps.append(f"responses missing in bot/responses/{language.code}/: "
                               + ", ".join(missing_responses))  # fmt: skip
        wanted = (
            set(catalogue.articles)
            if language.tier == 1
            else tier2_articles & set(catalogue.articles)
        )
        for article_id in sorted(wanted):
            article = catalogue.articles[article_id]
            text = article.texts.get(language.code)
            if text is None:
                report.gaps.append(f"article {article_id}: {language.code}.md is missing")
                continue
            if text.translated_from and text.translated_from < article.reviewed_date:
                report.stale += 1
                report.gaps.append(f"article {article_id}: {language.code}.md is stale "
                                   "(the Swedish text was reviewed after it)")  # fmt: skip
        report.articles = sum(language.code in a.texts for a in catalogue.articles.values())
        if language.code not in NO_OWN_NLU:
            report.gaps.extend(_nlu_gaps(language.code, language.tier, intents, nlu_dir))
        reports.append(report)
    return reports


def _nlu_gaps(code: str, tier: int, intents: set[str], nlu_dir: Path) -> list[str]:
    counts: Counter[str] = Counter()
    for path in sorted((nlu_dir / code).glob("*.yml")):
        for intent, examples in nlu_examples(path).items():
            counts[intent] += len(examples)
    minimum = MIN_EXAMPLES[tier]
    return [
        f"intent {intent}: {counts[intent]} examples in nlu_data/{code}/, at least {minimum}"
        for intent in sorted(intents - LANGUAGE_FREE_INTENTS)
        if counts[intent] < minimum
    ]


def _tier2_articles(path: Path) -> set[str]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return set(loaded["articles"])


def _texts(language: Language) -> set[str]:
    """The keys of every UI text of a language, e.g. "errors.empty_text"."""
    return {
        f"{section}.{key}"
        for section, texts in asdict(language).items()
        if isinstance(texts, dict)
        for key in texts
    }
