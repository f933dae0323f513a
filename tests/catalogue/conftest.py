"""The small catalogue of `small_catalogue.py` as the search index sees it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.catalogue.articles import load_catalogue
from bot.catalogue.search import Passage, catalogue_passages
from tests.catalogue.small_catalogue import ARTICLES, write_swedish_article


@pytest.fixture(scope="session")
def small_catalogue(tmp_path_factory: pytest.TempPathFactory) -> list[Passage]:
    """The passages of ARTICLES on 2026-11-24 (the expired one left out)."""
    root = tmp_path_factory.mktemp("knowledge")
    for article_id, (topic, title, summary, questions, until) in ARTICLES.items():
        write_swedish_article(root, article_id, topic, title, summary, questions, until)
    return catalogue_passages(load_catalogue(root), date(2026, 11, 24))
