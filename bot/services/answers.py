"""Answering a citizen's factual question from the catalogue, never from generated text.

The search ranks articles; this service decides what to do with the ranking:
- confident  -> answer with the best article's summary in the citizen's language;
- unsure     -> "Did you mean…?" with up to three article titles;
- no match   -> say plainly it does not know (the miss is recorded for the editors).
Confidence is the best passage's cosine similarity from the multilingual model. Its scores
are compressed (most fall between 0.75 and 0.92), so the two thresholds are settings,
measured on the catalogue's own example questions, not guessed (see docs/architecture.md).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.catalogue.articles import (
    KNOWLEDGE_DIR,
    SOURCE_LANGUAGE,
    Article,
    Catalogue,
    load_catalogue,
)
from bot.catalogue.embeddings import Embedder
from bot.catalogue.search import Hit, SearchIndex

Decision = Literal["answer", "clarify", "unknown"]


class ArticleView(BaseModel):
    """What the chat needs of one article, in one language (also the internal API's shape)."""

    model_config = ConfigDict(frozen=True)

    id: str
    topic: str
    language: str
    title: str
    summary: str
    url: str
    source_title: str
    source_url: str
    reviewed: str


@dataclass(frozen=True)
class AnswerResult:
    decision: Decision
    article: ArticleView | None = None
    candidates: list[ArticleView] = field(default_factory=list)


class CatalogueSearch:
    """The saved index and the articles, reloaded together when `bot knowledge index` rewrites
    the index file — the running app picks up edits without a restart.

    Usage:
        search = CatalogueSearch(Path("var/index/catalogue.npz"), E5Embedder())
        search.answer("hur mycket är normen", "sv", today=date.today())
    """

    def __init__(
        self,
        index_path: Path,
        embedder: Embedder,
        answer_threshold: float,
        clarify_threshold: float,
        public_url: str = "",
        knowledge_dir: Path = KNOWLEDGE_DIR,
        not_translated_note: Callable[[str], str] = lambda language: "",
    ) -> None:
        self.public_url = public_url.rstrip("/")
        self.not_translated_note = not_translated_note
        self.index_path = index_path
        self.embedder = embedder
        self.answer_threshold = answer_threshold
        self.clarify_threshold = clarify_threshold
        self._knowledge_dir = knowledge_dir
        self._lock = threading.Lock()
        self._loaded_mtime: float | None = None
        self._index: SearchIndex | None = None
        self._catalogue: Catalogue | None = None

    def ready(self) -> bool:
        return self.index_path.exists()

    def warm_up(self) -> None:
        """Load the index and the articles now (seconds), not on a citizen's first question;
        without an index yet, the first question after `bot knowledge index` loads it."""
        if self.ready():
            self._current()

    def _current(self) -> tuple[SearchIndex, Catalogue]:
        mtime = os.stat(self.index_path).st_mtime  # FileNotFoundError: no index built yet
        with self._lock:
            if mtime != self._loaded_mtime or self._index is None or self._catalogue is None:
                self._index, self._catalogue = _load(self.index_path, mtime, self._knowledge_dir)
                self._loaded_mtime = mtime
            return self._index, self._catalogue

    def _live_hits(
        self, question: str, language: str, today: date, limit: int
    ) -> tuple[list[Hit], Catalogue]:
        """Search hits for articles that exist and are valid today, best first."""
        index, catalogue = self._current()
        live = [
            hit
            for hit in index.search(question, language, self.embedder, limit=limit)
            if hit.article_id in catalogue.articles
            and catalogue.articles[hit.article_id].is_valid_on(today)
        ]
        return live, catalogue

    def answer(self, question: str, language: str, today: date) -> AnswerResult:
        live, catalogue = self._live_hits(question, language, today, limit=5)
        # "I don't know" only when none of the top three is close; a strong match just below
        # the fused winner is worth offering.
        if not live or max(hit.similarity for hit in live[:3]) < self.clarify_threshold:
            return AnswerResult("unknown")
        views = [self._view(catalogue.articles[h.article_id], language) for h in live[:3]]
        if live[0].similarity >= self.answer_threshold and not _close_call(live):
            return AnswerResult("answer", views[0])
        return AnswerResult("clarify", candidates=views)

    def catalogue(self) -> Catalogue:
        return self._current()[1]

    def titles(self, language: str = "sv") -> dict[str, str]:
        """Article id → title, for staff pages; empty before the first `bot knowledge index`."""
        if not self.ready():
            return {}
        return {a.id: a.text(language).title for a in self.catalogue().articles.values()}

    def search_articles(self, question: str, language: str, today: date) -> list[ArticleView]:
        """Articles for the guide's search box, best first (no thresholds: a person reads)."""
        live, catalogue = self._live_hits(question, language, today, limit=8)
        return [self._view(catalogue.articles[hit.article_id], language) for hit in live]

    def article(self, article_id: str, language: str, today: date) -> ArticleView | None:
        _, catalogue = self._current()
        article = catalogue.articles.get(article_id)
        if article is None or not article.is_valid_on(today):
            return None
        return self._view(article, language)

    def _view(self, article: Article, language: str) -> ArticleView:
        text = article.text(language)
        shown = text.language  # Swedish where the article is not translated yet
        source = article.sources[0]
        return ArticleView(
            id=article.id,
            topic=article.topic,
            language=shown,
            title=text.title,
            summary=self._summary(article, language),
            url=f"{self.public_url}/guide/{shown}/{article.topic}/{article.id}",
            source_title=source.title,
            source_url=source.url,
            reviewed=article.reviewed_date.isoformat(),
        )

    def _summary(self, article: Article, language: str) -> str:
        """The summary in `language`; if it is not translated, say so and give Swedish and English
        (easy Swedish falls back to Swedish without a note: the reader reads Swedish)."""
        if language in article.texts or language.split("-")[0] == SOURCE_LANGUAGE:
            return article.text(language).summary
        versions = [
            article.texts[code] for code in (SOURCE_LANGUAGE, "en") if code in article.texts
        ]
        return "\n\n".join(
            [self.not_translated_note(language)] + [f"{t.title}: {t.summary}" for t in versions]
        ).strip()


def _close_call(hits: list[Hit]) -> bool:
    """Two different topics almost tied: better to ask than to guess."""
    if len(hits) < 2 or hits[0].topic == hits[1].topic:
        return False
    return hits[0].similarity - hits[1].similarity < 0.005


@lru_cache(maxsize=2)
def _load(index_path: Path, _mtime: float, knowledge_dir: Path) -> tuple[SearchIndex, Catalogue]:
    """One copy per process of each version of the index (the file's mtime names the version),
    however many apps the process builds (the tests build hundreds)."""
    return SearchIndex.load(index_path), load_catalogue(knowledge_dir)
