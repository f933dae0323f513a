from __future__ import annotations

from pathlib import Path

from bot.services.assistant_model import content_hash, model_path


def _project(root: Path) -> None:
    (root / "config.yml").write_text("pipeline: []\n")
    for folder in ("bot/domain", "bot/nlu", "nlu_data/sv", "stories"):
        (root / folder).mkdir(parents=True)
    (root / "bot/nlu/featurizer.py").write_text("FEATURES = 384\n")
    (root / "bot/domain/a.yml").write_text("intents: [greet]\n")
    (root / "nlu_data/sv/a.yml").write_text("nlu: []\n")
    (root / "stories/a.yml").write_text("rules: []\n")


def test_hash_changes_only_when_training_inputs_change(tmp_path: Path) -> None:
    _project(tmp_path)
    first = content_hash(tmp_path)
    (tmp_path / "README.md").write_text("not a training input")
    assert content_hash(tmp_path) == first
    (tmp_path / "nlu_data/sv/a.yml").write_text("nlu: [changed]\n")
    assert content_hash(tmp_path) != first


def test_changing_an_nlu_component_retrains(tmp_path: Path) -> None:
    _project(tmp_path)
    first = content_hash(tmp_path)
    (tmp_path / "bot/nlu/featurizer.py").write_text("FEATURES = 768\n")
    assert content_hash(tmp_path) != first


def test_renaming_a_file_changes_the_hash(tmp_path: Path) -> None:
    _project(tmp_path)
    first = content_hash(tmp_path)
    (tmp_path / "stories/a.yml").rename(tmp_path / "stories/b.yml")
    assert content_hash(tmp_path) != first


def test_model_is_named_by_the_hash(tmp_path: Path) -> None:
    _project(tmp_path)
    expected = f"guiderum-{content_hash(tmp_path)}.tar.gz"
    assert model_path(tmp_path / "models", tmp_path).name == expected
