"""The guide pages (guiderum): topics, articles and search, rendered on the server.

Every page works without JavaScript, prints cleanly, shows each article's sources and review
date, and carries the chat widget. Unreviewed translations say that the Swedish text applies.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markdown_it import MarkdownIt

from bot.api.deps import ComponentsDep, RequestLanguageDep
from bot.api.routes.pages import TEMPLATES
from bot.catalogue.articles import TOPICS, Article, Catalogue, Text
from bot.core.errors import ApiError
from bot.services.languages import Language

router = APIRouter(prefix="/guide", include_in_schema=False)
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})
_ARTICLE_LINK = re.compile(r"\(article:([a-z0-9-]+)\)")


@router.get("")
def guide_root(language: RequestLanguageDep) -> RedirectResponse:
    return RedirectResponse(f"/guide/{language}", status_code=307)


@router.get("/{lang}", response_class=HTMLResponse)
def guide_index(request: Request, lang: str, components: ComponentsDep) -> HTMLResponse:
    language, catalogue = _context(components, lang)
    topics = [
        (topic, language.topics[topic], _articles_in(catalogue, topic, lang)) for topic in TOPICS
    ]
    return _page(request, "guide_index.html", language, topics=topics)


@router.get("/{lang}/search", response_class=HTMLResponse)
def guide_search(
    request: Request,
    lang: str,
    components: ComponentsDep,
    q: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    language, catalogue = _context(components, lang)
    results: list[tuple[Article, Text]] = []
    if q.strip():
        for view in components.search.search_articles(q.strip(), lang, date.today()):
            article = catalogue.articles[view.id]
            results.append((article, article.text(lang)))
    return _page(request, "guide_search.html", language, query=q, results=results)


@router.get("/{lang}/{topic}", response_class=HTMLResponse)
def guide_topic(request: Request, lang: str, topic: str, components: ComponentsDep) -> HTMLResponse:
    language, catalogue = _context(components, lang)
    if topic not in TOPICS:
        raise ApiError(404, "not_found", language.guide["not_found"])
    articles = _articles_in(catalogue, topic, lang)
    return _page(request, "guide_topic.html", language, topic=topic, articles=articles)


@router.get("/{lang}/{topic}/{article_id}", response_class=HTMLResponse)
def guide_article(
    request: Request, lang: str, topic: str, article_id: str, components: ComponentsDep
) -> HTMLResponse:
    language, catalogue = _context(components, lang)
    article = catalogue.articles.get(article_id)
    if article is None or article.topic != topic or not article.is_valid_on(date.today()):
        raise ApiError(404, "not_found", language.guide["not_found"])
    text = article.text(lang)
    body = _ARTICLE_LINK.sub(
        lambda m: f"(/guide/{lang}/{_topic_of(catalogue, m.group(1))}/{m.group(1)})", text.body
    )
    return _page(
        request, "guide_article.html", language,
        article=article, text=text, body_html=_MARKDOWN.render(body),
        translated=text.language != "sv" and text.status != "reviewed",
    )  # fmt: skip


def _context(components: Any, lang: str) -> tuple[Language, Catalogue]:
    if lang not in components.languages:
        raise ApiError(404, "not_found", components.languages.error_text("sv", "not_found"))
    return components.languages.get(lang), components.search.catalogue()


def _articles_in(catalogue: Catalogue, topic: str, lang: str) -> list[tuple[Article, Text]]:
    today = date.today()
    return [
        (article, article.text(lang))
        for article in catalogue.articles.values()
        if article.topic == topic and article.is_valid_on(today)
    ]


def _topic_of(catalogue: Catalogue, article_id: str) -> str:
    article = catalogue.articles.get(article_id)
    return article.topic if article else "unknown"


def _page(request: Request, template: str, language: Language, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"language": language, "lang": language.code, "dir": language.dir,
         "static_url": "/static", "languages": request.app.state.components.languages.all(),
         **context},
    )  # fmt: skip
