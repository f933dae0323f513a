"""The trained Rasa model: named by a hash of everything it is trained from.

`make run` and `make test` call `bot model train`, which trains only when the training data,
domain or config changed since the last training (the model for that hash already exists).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from bot.core.config import PROJECT_ROOT

TRAINING_INPUTS = ("config.yml", "bot/domain", "bot/nlu", "nlu_data", "stories")
RASA_BIN = PROJECT_ROOT / ".venvs" / "rasa" / "bin" / "rasa"


def rasa_import_path(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Rasa imports our NLU components (config.yml: `bot.nlu.…`) from the project root."""
    return {"PYTHONPATH": str(root)}


def training_files(root: Path = PROJECT_ROOT) -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_dir():  # data, and the code of our own NLU components
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".py"}))
        else:
            files.append(path)
    return files


def content_hash(root: Path = PROJECT_ROOT) -> str:
    """A short hash of the training inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in training_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(model_dir: Path, root: Path = PROJECT_ROOT) -> Path:
    return model_dir / f"guiderum-{content_hash(root)}.tar.gz"


def train_command(target: Path) -> list[str]:
    """`rasa train` writing the model to `target`; run from the project root."""
    return [
        str(RASA_BIN), "train",
        "--config", "config.yml", "--domain", "bot/domain",
        "--data", "nlu_data", "stories",
        "--out", str(target.parent), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip


def training_environment(root: Path = PROJECT_ROOT) -> dict[str, str]:
    return {**os.environ, **rasa_import_path(root)}


def train(model_dir: Path, force: bool = False, root: Path = PROJECT_ROOT) -> Path:
    """Train unless a model for the current inputs exists; returns the model's path."""
    target = model_path(model_dir, root)
    if target.exists() and not force:
        print(f"Model is up to date: {target.relative_to(root)}")
        return target
    print(f"Training the Rasa model ({target.name}); this takes a few minutes …", flush=True)
    model_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(train_command(target), cwd=root, env=training_environment(root), check=True)  # noqa: S603 — fixed command
    return target
