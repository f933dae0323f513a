"""Reading the articles in `knowledge/articles/<id>/<lang>.md` (see knowledge/README.md).

Loading is lenient and collects problems instead of failing on the first one, so that
`bot knowledge check` can tell an editor everything that needs fixing in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.core.config import PROJECT_ROOT

KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge" / "articles"
SOURCE_LANGUAGE = "sv"
TOPICS = (
    "om-ekonomiskt-bistand", "ansokan", "krav", "norm", "beslut-utbetalning", "overklaga",
    "boende", "egen-forsorjning", "annat-stod", "samhallsinformation", "eu-medborgare",
    "tillhorighet", "akut", "kontakt", "sprak-tolk", "sekretess", "klagomal",
)  # fmt: skip
ARTICLE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    retrieved: date


@dataclass(frozen=True)
class Text:
    """An article's words in one language."""

    language: str
    title: str
    summary: str
    body: str
    questions: tuple[str, ...]
    status: str  # "original" for Swedish, else "reviewed" or "unreviewed"
    translated_from: date | None = None


@dataclass
class Article:
    id: str
    topic: str
    sources: tuple[Source, ...]
    reviewed_date: date
    reviewed_by: str
    review_notes: tuple[str, ...]
    valid_from: date | None
    valid_until: date | None
    texts: dict[str, Text] = field(default_factory=dict)

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def text(self, language: str) -> Text:
        """The text in `language`, or the Swedish original where it is not translated yet."""
        return self.texts.get(language) or self.texts[SOURCE_LANGUAGE]


@dataclass(frozen=True)
class Problem:
    """Something an editor must fix, said in plain words."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Catalogue:
    articles: dict[str, Article]
    problems: list[Problem]

    def valid_on(self, day: date) -> list[Article]:
        return [a for a in self.articles.values() if a.is_valid_on(day)]


def load_catalogue(directory: Path = KNOWLEDGE_DIR) -> Catalogue:
    articles: dict[str, Article] = {}
    problems: list[Problem] = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        article = _load_article(folder, problems)
        if article is not None:
            articles[article.id] = article
    return Catalogue(articles, problems)


def _load_article(folder: Path, problems: list[Problem]) -> Article | None:
    name = folder.name
    original = folder / f"{SOURCE_LANGUAGE}.md"
    if not original.exists():
        problems.append(Problem(name, "the Swedish original sv.md is missing"))
        return None
    parsed = _read(original, problems)
    if parsed is None:
        return None
    meta, body = parsed
    where = _where(original)
    try:
        article = Article(
            id=str(meta["id"]),
            topic=str(meta["topic"]),
            sources=tuple(
                Source(str(s["url"]), str(s["title"]), _date(s["retrieved"]))
                for s in meta["sources"]
            ),
            reviewed_date=_date(meta["reviewed"]["date"]),
            reviewed_by=str(meta["reviewed"]["by"]),
            review_notes=tuple(str(n) for n in meta["reviewed"].get("notes") or []),
            valid_from=_optional_date(meta.get("valid_from")),
            valid_until=_optional_date(meta.get("valid_until")),
        )
        article.texts[SOURCE_LANGUAGE] = _text(SOURCE_LANGUAGE, meta, body, "original")
    except (KeyError, TypeError, ValueError) as error:
        problems.append(Problem(where, f"a required field is missing or wrong: {error}"))
        return None
    for path in sorted(folder.glob("*.md")):
        if path.stem != SOURCE_LANGUAGE:
            _add_translation(article, path, problems)
    return article


def _add_translation(article: Article, path: Path, problems: list[Problem]) -> None:
    parsed = _read(path, problems)
    if parsed is None:
        return
    meta, body = parsed
    try:
        text = _text(path.stem, meta, body, str(meta["status"]))
        text = Text(**{**text.__dict__, "translated_from": _date(meta["translated_from"])})
    except (KeyError, TypeError, ValueError) as error:
        problems.append(Problem(_where(path), f"a required field is missing or wrong: {error}"))
        return
    if meta.get("lang") != path.stem:
        problems.append(Problem(_where(path), f"lang must be {path.stem!r} like the file name"))
    if meta.get("id") != article.id:
        problems.append(Problem(_where(path), f"id must be {article.id!r} like the Swedish file"))
    article.texts[path.stem] = text


def _text(language: str, meta: dict[str, Any], body: str, status: str) -> Text:
    return Text(
        language=language,
        title=str(meta["title"]).strip(),
        summary=" ".join(str(meta["summary"]).split()),
        body=body.strip(),
        questions=tuple(str(q).strip() for q in meta["questions"]),
        status=status,
    )


def _read(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], str] | None:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        problems.append(
            Problem(_where(path), "the file must start with front matter between --- lines")
        )
        return None
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        problems.append(Problem(_where(path), f"the front matter is not valid YAML: {error}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(_where(path), "the front matter must be a list of fields"))
        return None
    return meta, match.group(2)


def _date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _optional_date(value: object) -> date | None:
    return None if value in (None, "") else _date(value)


def _where(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"
