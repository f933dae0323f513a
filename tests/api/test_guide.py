"""The guide pages, rendered from the catalogue."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from bot.catalogue.articles import load_catalogue
from bot.services.languages import LanguageRegistry


def test_index_lists_every_topic_in_the_language(client: TestClient) -> None:
    page = client.get("/guide/en")
    assert page.status_code == 200
    assert '<html lang="en" dir="ltr">' in page.text
    assert "Appealing a decision" in page.text
    assert "/static/widget.js" in page.text
    assert (
        client.get("/guide", headers={"Accept-Language": "en"}, follow_redirects=False).headers[
            "location"
        ]
        == "/guide/en"
    )


def test_article_page_has_source_review_date_and_translation_notice(client: TestClient) -> None:
    swedish = client.get("/guide/sv/norm/riksnormen-2026")
    assert swedish.status_code == 200
    assert "regeringen.se" in swedish.text
    assert "Senast granskad" in swedish.text
    assert "översättning" not in swedish.text
    english = client.get("/guide/en/norm/riksnormen-2026")
    assert "This is a translation; the Swedish text applies." in english.text
    assert '<article lang="en">' in english.text


def test_right_to_left_languages_and_their_translation_notice(client: TestClient) -> None:
    page = client.get("/guide/ar/norm/riksnormen-2026")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert '<article lang="ar">' in page.text
    notice = LanguageRegistry.load().get("ar").guide["translation_notice"]
    assert notice in page.text
    assert '<a href="tel:112" dir="ltr">112</a>' in page.text


def test_an_article_missing_in_a_tier_2_language_says_so_and_shows_swedish(
    client: TestClient,
) -> None:
    catalogue = load_catalogue()
    missing = next(a for a in catalogue.articles.values() if "uk" not in a.texts)
    page = client.get(f"/guide/uk/{missing.topic}/{missing.id}")
    assert page.status_code == 200
    assert '<article lang="sv">' in page.text
    not_available = LanguageRegistry.load().get("uk").language["not_available"]
    assert html.escape(not_available, quote=False) in page.text


def test_internal_article_links_point_to_guide_pages(client: TestClient) -> None:
    page = client.get("/guide/sv/norm/riksnormen-2026").text
    assert "article:" not in page
    assert 'href="/guide/sv/norm/vad-ingar-i-riksnormen"' in page


def test_search_box_uses_the_same_search(client: TestClient) -> None:
    page = client.get("/guide/sv/search", params={"q": "hur överklagar jag ett beslut"})
    assert page.status_code == 200
    assert "/guide/sv/overklaga/" in page.text


def test_unknown_pages_are_404(client: TestClient) -> None:
    assert client.get("/guide/xx").status_code == 404
    assert client.get("/guide/sv/no-topic").status_code == 404
    assert client.get("/guide/sv/norm/no-article").status_code == 404
    wrong_topic = client.get("/guide/sv/akut/riksnormen-2026")
    assert wrong_topic.status_code == 404
    assert wrong_topic.headers["content-type"].startswith("text/html")
    assert "Sidan finns inte." in wrong_topic.text


def test_markdown_html_is_not_passed_through(client: TestClient) -> None:
    page = client.get("/guide/sv/norm/riksnormen-2026").text
    assert "<script" not in page.split("</main>")[0]
