"""Hybrid search over the catalogue: BM25, multilingual embeddings and a learned classifier.

Every article contributes passages in every language it has: its title, its summary, each
example question, and each paragraph of its body. A question is ranked three ways, and the
three article rankings are fused with reciprocal rank fusion:
- lexical: BM25 over folded lemmas, each article by its best passage;
- semantic: cosine similarity of multilingual-e5 embeddings, each article by its best passage
  among those in the question's language, Swedish and English (the cross-lingual model lets a
  Somali question find an article that has only Swedish and English text);
- learned: a softmax classifier over the e5 query embeddings of the articles' example
  questions and titles, trained when the index is built. It learns the region of meaning each
  article covers rather than its nearest single phrasing, which the nearest-passage methods
  miss for loosely worded questions; it counts triple in the fusion (chosen on the
  development set `tests/dev/topic_questions.yml`, never on the held-out sets).

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

from bot.catalogue.articles import Catalogue, load_catalogue
from bot.catalogue.classifier import SoftmaxClassifier
from bot.catalogue.embeddings import Embedder, Vectors
from bot.catalogue.normalise import search_terms

RRF_K = 60
# The semantic ranking compares a question with passages in its own language and in these
# (Swedish in both its forms: citizens write plain words, as easy Swedish does).
# Every article has them, so every article stays findable from any language, while dozens of
# near-identical translations of other articles no longer crowd the nearest-passage ranking.
DENSE_ALWAYS = ("sv", "sv-x-easy", "en")
CLASSIFIER_WEIGHT = 3.0
CLASSIFIER_KINDS = ("question", "title")
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

    def __init__(
        self,
        passages: list[Passage],
        vectors: Vectors,
        embedder_name: str,
        query_vectors: Vectors,
        classifier: SoftmaxClassifier,
    ) -> None:
        if len(passages) != len(vectors):
            raise ValueError("one vector per passage is needed")
        self.passages = passages
        self.vectors = vectors
        self.embedder_name = embedder_name
        self.query_vectors = query_vectors  # of the CLASSIFIER_KINDS passages, in order
        self.classifier = classifier
        self._article_of = np.array([p.article_id for p in passages])
        self._language_of = np.array([p.language for p in passages])
        self._bm25 = bm25s.BM25()
        self._bm25.index(
            [search_terms(p.text, p.language) or ["_"] for p in passages], show_progress=False
        )

    @classmethod
    def build(
        cls,
        passages: list[Passage],
        embedder: Embedder,
        known: dict[str, np.ndarray] | None = None,
        progress: Callable[[int, int], None] | None = None,
        batch_size: int = 32,
    ) -> SearchIndex:
        """Embed the passages and train the classifier.

        `known` holds vectors from an earlier build (see `known_vectors`); only new or changed
        texts are embedded again.
        """
        known = dict(known or {})
        # Catalogue text is embedded as passages; example questions also as queries, for the
        # classifier, because citizens' questions are embedded as queries too.
        jobs = [(p.key, p.text, embedder.passages) for p in passages if p.key not in known]
        jobs += [
            (_query_key(p), p.text, embedder.queries)
            for p in _for_classifier(passages)
            if _query_key(p) not in known
        ]
        for start in range(0, len(jobs), batch_size):
            for embed in (embedder.passages, embedder.queries):
                batch = [job for job in jobs[start : start + batch_size] if job[2] == embed]
                if batch:
                    vectors = embed([text for _, text, _ in batch])
                    known.update(zip([key for key, _, _ in batch], vectors, strict=True))
            if progress:
                progress(min(start + batch_size, len(jobs)), len(jobs))
        vectors = _stack([known[p.key] for p in passages])
        trainable = _for_classifier(passages)
        query_vectors = _stack([known[_query_key(p)] for p in trainable])
        classifier = SoftmaxClassifier.train(query_vectors, [p.article_id for p in trainable])
        return cls(passages, vectors, embedder.name, query_vectors, classifier)

    @staticmethod
    def known_vectors(path: Path, embedder_name: str) -> dict[str, np.ndarray]:
        """Vectors saved by an earlier build with the same model, by text key; {} if none.

        Reads only the vectors, so an index saved by an older version still saves the work.
        """
        if not path.exists():
            return {}
        try:
            with np.load(path) as data:
                if str(data["embedder"]) != embedder_name:
                    return {}
                passages = [Passage(**p) for p in json.loads(str(data["passages"]))]
                known = dict(zip([p.key for p in passages], data["vectors"], strict=True))
                if "query_vectors" in data:
                    questions = _for_classifier(passages)
                    keys = [_query_key(p) for p in questions]
                    known.update(zip(keys, data["query_vectors"], strict=True))
                return known
        except (KeyError, ValueError, OSError):
            return {}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npz")
        np.savez_compressed(
            temporary,
            vectors=self.vectors,
            query_vectors=self.query_vectors,
            passages=np.array(json.dumps([asdict(p) for p in self.passages])),
            embedder=np.array(self.embedder_name),
            **self.classifier.arrays(prefix="classifier_"),
        )
        temporary.replace(path)  # readers never see a half-written index

    @classmethod
    def load(cls, path: Path) -> SearchIndex:
        with np.load(path) as data:
            passages = [Passage(**p) for p in json.loads(str(data["passages"]))]
            classifier = SoftmaxClassifier.from_arrays(data, prefix="classifier_")
            return cls(
                passages, data["vectors"], str(data["embedder"]), data["query_vectors"], classifier
            )

    def search(self, question: str, language: str, embedder: Embedder, limit: int = 5) -> list[Hit]:
        """The best articles for a question, best first."""
        if not self.passages:
            return []
        query = embedder.queries([question])[0]
        similarities = np.where(
            np.isin(self._language_of, [language, *DENSE_ALWAYS]), self.vectors @ query, -1.0
        )
        dense = _best_per_article(self._article_of, similarities)
        lexical = _best_per_article(self._article_of, self._bm25_scores(question, language))
        learned = _ranks(self.classifier.probabilities(query))
        dense_rank = _ranks(dense)
        lexical_rank = _ranks({a: s for a, s in lexical.items() if s > 0})
        fused = {
            article: 1 / (RRF_K + dense_rank[article])
            + (1 / (RRF_K + lexical_rank[article]) if article in lexical_rank else 0.0)
            + (CLASSIFIER_WEIGHT / (RRF_K + learned[article]) if article in learned else 0.0)
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


def _query_key(passage: Passage) -> str:
    return "query:" + passage.key


def _for_classifier(passages: list[Passage]) -> list[Passage]:
    return [p for p in passages if p.kind in CLASSIFIER_KINDS]


def _stack(vectors: list[np.ndarray]) -> Vectors:
    return np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, 384), np.float32)


def rebuild_index(
    index_path: Path,
    embedder: Embedder,
    knowledge_dir: Path,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Rebuilds and saves the index, embedding only new or changed text (seconds after an
    edit). The running app notices the new file and reloads. Returns (passages, articles)."""
    known = SearchIndex.known_vectors(index_path, embedder.name)
    passages = catalogue_passages(load_catalogue(knowledge_dir), today)
    SearchIndex.build(passages, embedder, known, progress).save(index_path)
    return len(passages), len({p.article_id for p in passages})
