"""`bot knowledge check`: everything an editor must fix before the catalogue goes live."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import combinations

from rapidfuzz import fuzz

from bot.catalogue.articles import ARTICLE_ID, TOPICS, Catalogue, Problem

MAX_SUMMARY_WORDS = 80
MIN_ARTICLES_PER_TOPIC = 3
NEAR_DUPLICATE_SIMILARITY = 92  # rapidfuzz ratio on normalised questions, 0–100
_ARTICLE_LINK = re.compile(r"\(article:([^)\s]+)\)")


def check_catalogue(
    catalogue: Catalogue, required_languages: Iterable[str], today: date
) -> list[Problem]:
    problems = list(catalogue.problems)
    required = list(required_languages)
    for article in catalogue.articles.values():
        where = article.id
        if not ARTICLE_ID.match(article.id):
            problems.append(Problem(where, "the id may only have a–z, 0–9 and hyphens"))
        if article.topic not in TOPICS:
            problems.append(
                Problem(where, f"unknown topic {article.topic!r}; use one of: {', '.join(TOPICS)}")
            )
        if not article.sources:
            problems.append(Problem(where, "at least one source is needed"))
        for source in article.sources:
            if not source.url.startswith(("https://", "http://")):
                problems.append(Problem(where, f"source {source.url!r} is not a web address"))
        if article.valid_from and article.valid_until and article.valid_from > article.valid_until:
            problems.append(Problem(where, "valid_from is after valid_until"))
        if article.reviewed_date > today:
            problems.append(Problem(where, "the review date is in the future"))
        original = article.texts["sv"]
        if not 3 <= len(original.questions) <= 20:
            problems.append(Problem(where, "sv.md needs 3–20 example questions"))
        for text in article.texts.values():
            file = f"{article.id}/{text.language}.md"
            words = len(text.summary.split())
            if words > MAX_SUMMARY_WORDS:
                problems.append(
                    Problem(file, f"the summary has {words} words; at most {MAX_SUMMARY_WORDS}")
                )
            if not text.body:
                problems.append(Problem(file, "the body (text after the front matter) is empty"))
            for target in _ARTICLE_LINK.findall(text.body):
                if target not in catalogue.articles:
                    problems.append(
                        Problem(file, f"links to article {target!r}, which does not exist")
                    )
            if text.language != "sv":
                if text.status not in {"reviewed", "unreviewed"}:
                    problems.append(Problem(file, "status must be reviewed or unreviewed"))
                if text.translated_from and text.translated_from < article.reviewed_date:
                    problems.append(
                        Problem(
                            file,
                            "stale: the Swedish text was reviewed after this translation was made",
                        )
                    )
        for language in required:
            if language not in article.texts:
                problems.append(Problem(article.id, f"the translation {language}.md is missing"))
    problems.extend(_thin_topics(catalogue))
    problems.extend(_duplicate_questions(catalogue))
    return problems


def _thin_topics(catalogue: Catalogue) -> list[Problem]:
    counts = defaultdict(int, {topic: 0 for topic in TOPICS})
    for article in catalogue.articles.values():
        counts[article.topic] += 1
    return [
        Problem(
            f"topic {topic}", f"has {count} articles; at least {MIN_ARTICLES_PER_TOPIC} are needed"
        )
        for topic, count in counts.items()
        if topic in TOPICS and count < MIN_ARTICLES_PER_TOPIC
    ]


def _duplicate_questions(catalogue: Catalogue) -> list[Problem]:
    """The same or nearly the same example question in two articles confuses the search."""
    by_language: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for article in catalogue.articles.values():
        for text in article.texts.values():
            for question in text.questions:
                by_language[text.language].append((_normalise(question), article.id, question))
    problems = []
    for entries in by_language.values():
        for (a_norm, a_id, a_text), (b_norm, b_id, b_text) in combinations(entries, 2):
            if a_id != b_id and fuzz.ratio(a_norm, b_norm) >= NEAR_DUPLICATE_SIMILARITY:
                problems.append(
                    Problem(
                        a_id,
                        f"example question {a_text!r} is (nearly) the same as {b_text!r} in {b_id}",
                    )
                )
    return problems


def _normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())
