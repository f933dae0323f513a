"""An embedder for tests that counts what it embeds: whether work was saved is visible."""

from __future__ import annotations

from bot.catalogue.embeddings import E5Embedder, Vectors


class CountingEmbedder(E5Embedder):
    """The real e5 model; counts the texts embedded as queries and as passages."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded_queries = 0
        self.embedded_passages = 0

    def queries(self, texts: list[str]) -> Vectors:
        self.embedded_queries += len(texts)
        return super().queries(texts)

    def passages(self, texts: list[str]) -> Vectors:
        self.embedded_passages += len(texts)
        return super().passages(texts)
