"""Deciding answer / did-you-mean / don't-know, and picking up a rebuilt index while running."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.catalogue.articles import load_catalogue
from bot.catalogue.embeddings import E5Embedder
from bot.catalogue.search import SearchIndex, catalogue_passages
from bot.services.answers import CatalogueSearch
from tests.catalogue.small_catalogue import write_swedish_article

TODAY = date(2026, 11, 24)


def add_article(root: Path, article_id: str, topic: str, title: str, summary: str) -> None:
    write_swedish_article(root, article_id, topic, title, summary, [title])


def publish(root: Path, index_path: Path, embedder: E5Embedder) -> None:
    """What `bot knowledge index` does."""
    passages = catalogue_passages(load_catalogue(root), TODAY)
    known = SearchIndex.known_vectors(index_path, embedder.name)
    SearchIndex.build(passages, embedder, known).save(index_path)


@pytest.fixture(scope="module")
def embedder() -> E5Embedder:
    return E5Embedder()


def test_running_search_picks_up_a_rebuilt_index(tmp_path: Path, embedder: E5Embedder) -> None:
    knowledge, index_path = tmp_path / "knowledge", tmp_path / "index.npz"
    add_article(knowledge, "riksnormen", "norm", "Hur mycket är riksnormen?",
                "Riksnormen är 5 220 kronor i månaden för en vuxen som bor ensam.")  # fmt: skip
    add_article(knowledge, "overklaga", "overklaga", "Hur överklagar jag?",
                "Du kan överklaga beslutet inom tre veckor.")  # fmt: skip
    publish(knowledge, index_path, embedder)
    search = CatalogueSearch(index_path, embedder, 0.885, 0.865, knowledge_dir=knowledge)
    question = "vad gör socialjouren på natten när det är akut"
    assert search.answer(question, "sv", TODAY).decision != "answer"

    add_article(knowledge, "socialjouren", "akut", "Vad gör socialjouren?",
                "Socialjouren hjälper på kvällar, nätter och helger när det är akut.")  # fmt: skip
    publish(knowledge, index_path, embedder)
    os.utime(index_path, (1, 2))  # a new modification time even within the same clock tick
    result = search.answer(question, "sv", TODAY)
    assert result.decision == "answer"
    assert result.article is not None
    assert result.article.id == "socialjouren"
    assert result.article.url == "/guide/sv/akut/socialjouren"


def test_untranslated_article_says_so_and_is_shown_in_swedish(
    tmp_path: Path, embedder: E5Embedder
) -> None:
    knowledge, index_path = tmp_path / "knowledge", tmp_path / "index.npz"
    add_article(knowledge, "riksnormen", "norm", "Hur mycket är riksnormen?",
                "Riksnormen är 5 220 kronor i månaden för en vuxen som bor ensam.")  # fmt: skip
    publish(knowledge, index_path, embedder)
    search = CatalogueSearch(
        index_path, embedder, 0.885, 0.865, knowledge_dir=knowledge,
        not_translated_note=lambda language: f"Not in {language} yet.",
    )  # fmt: skip
    view = search.article("riksnormen", "so", TODAY)
    assert view is not None
    assert view.language == "sv"
    assert view.url.startswith("/guide/sv/")
    assert view.summary.startswith("Not in so yet.")
    assert "Riksnormen är 5 220" in view.summary

    easy = search.article("riksnormen", "sv-x-easy", TODAY)
    assert easy is not None
    assert easy.summary.startswith("Riksnormen är 5 220")  # reads Swedish: no note needed


def test_no_index_is_not_ready(tmp_path: Path, embedder: E5Embedder) -> None:
    search = CatalogueSearch(tmp_path / "missing.npz", embedder, 0.885, 0.865)
    assert not search.ready()
