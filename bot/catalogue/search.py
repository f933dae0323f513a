"""Hybrid search over the catalogue: BM25 on folded lemmas + multilingual embeddings, fused.

Every article contributes passages in every language it has: its title, its summary, each
example question, and each paragraph of its body. A question is matched against all of them
(so a Somali question can find a Swedish article), each article scores by its best passage in
each method, and the two article rankings are fused with reciprocal rank fusion.

The expensive part, the passage embeddings, is computed by `bot knowledge index` and saved
under `var/index/`; vectors of unchanged passages are reused, so a rebuild after an edit takes
seconds. The app reloads the saved index when the file changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import bm25s
import numpy as np

from bot.catalogue.articles import Catalogue
from bot.catalogue.embeddings import Embedder, Vectors
from bot.catalogue.normalise import search_terms

RRF_K = 60
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_MARKDOWN = re.compile(r"[*_#>`]|\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Passage:
    article_id: str
    topic: str
    language: str
    kind: str  # title | summary | question | body
    text: str

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.language}\0{self.text}".encode()).hexdigest()


@dataclass(frozen=True)
class Hit:
    article_id: str
    topic: str
    score: float  # fused score (higher is better)
    similarity: float  # best cosine similarity of a passage, for confidence


def catalogue_passages(catalogue: Catalogue, day: date) -> list[Passage]:
    passages: list[Passage] = []
    for article in catalogue.valid_on(day):
        for text in article.texts.values():
            pieces = [("title", text.title), ("summary", text.summary)]
            pieces += [("question", q) for q in text.questions]
            pieces += [("body", p) for p in _paragraphs(text.body)]
            passages += [
                Passage(article.id, article.topic, text.language, kind, content)
                for kind, content in pieces
                if content
            ]
    return passages


def _paragraphs(body: str) -> list[str]:
    plain = _MARKDOWN.sub(lambda m: m.group(1) or "", body)
    return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(plain) if len(p.split()) >= 4]


class SearchIndex:
    """Passages with their vectors and a BM25 index.

    Usage:
        index = SearchIndex.build(passages, embedder)
        index.save(Path("var/index/catalogue.npz"))
        hits = SearchIndex.load(path).search("hur mkt är normen", "sv", embedder, limit=3)
    """

    def __init__(self, passages: list[Passage], vectors: Vectors, embedder_name: str) -> None:
        if len(passages) != len(vectors):
            raise ValueError("one vector per passage is needed")
        self.passages = passages
        self.vectors = vectors
        self.embedder_name = embedder_name
        self._article_of = np.array([p.article_id for p in passages])
        self._bm25 = bm25s.BM25()
        self._bm25.index(
            [search_terms(p.text, p.language) or ["_"] for p in passages], show_progress=False
        )

    @classmethod
    def build(
        cls,
        passages: list[Passage],
        embedder: Embedder,
        previous: SearchIndex | None = None,
        progress: Callable[[int, int], None] | None = None,
        batch_size: int = 32,
    ) -> SearchIndex:
        """Embed the passages, reusing vectors of unchanged ones from `previous`."""
        known: dict[str, np.ndarray] = {}
        if previous is not None and previous.embedder_name == embedder.name:
            known = {p.key: v for p, v in zip(previous.passages, previous.vectors, strict=True)}
        missing = [p for p in passages if p.key not in known]
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            for passage, vector in zip(
                batch, embedder.passages([p.text for p in batch]), strict=True
            ):
                known[passage.key] = vector
            if progress:
                progress(min(start + batch_size, len(missing)), len(missing))
        vectors = np.stack([known[p.key] for p in passages]) if passages else np.zeros((0, 384))
        return cls(passages, vectors.astype(np.float32), embedder.name)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npz")
        np.savez_compressed(
            temporary,
            vectors=self.vectors,
            passages=np.array(json.dumps([asdict(p) for p in self.passages])),
            embedder=np.array(self.embedder_name),
        )
        temporary.replace(path)  # readers never see a half-written index

    @classmethod
    def load(cls, path: Path) -> SearchIndex:
        with np.load(path) as data:
            passages = [Passage(**p) for p in json.loads(str(data["passages"]))]
            return cls(passages, data["vectors"], str(data["embedder"]))

    def search(self, question: str, language: str, embedder: Embedder, limit: int = 5) -> list[Hit]:
        """The best articles for a question, best first."""
        if not self.passages:
            return []
        similarity = self.vectors @ embedder.queries([question])[0]
        dense = _best_per_article(self._article_of, similarity)
        lexical = _best_per_article(self._article_of, self._bm25_scores(question, language))
        dense_rank = _ranks(dense)
        lexical_rank = _ranks({a: s for a, s in lexical.items() if s > 0})
        fused = {
            article: 1 / (RRF_K + dense_rank[article])
            + (1 / (RRF_K + lexical_rank[article]) if article in lexical_rank else 0.0)
            for article in dense
        }
        topic_of = {p.article_id: p.topic for p in self.passages}
        best = sorted(fused, key=lambda a: (-fused[a], -dense[a]))[:limit]  # ties: meaning wins
        return [Hit(a, topic_of[a], fused[a], float(dense[a])) for a in best]

    def _bm25_scores(self, question: str, language: str) -> np.ndarray:
        terms = search_terms(question, language)
        if not terms:
            return np.zeros(len(self.passages))
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)


def _best_per_article(article_of: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    best: dict[str, float] = {}
    for article, score in zip(article_of.tolist(), scores.tolist(), strict=True):
        if score > best.get(article, -np.inf):
            best[article] = score
    return best


def _ranks(scores: dict[str, float]) -> dict[str, int]:
    return {a: rank for rank, a in enumerate(sorted(scores, key=lambda a: -scores[a]), start=1)}
