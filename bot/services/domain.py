"""Facts the app needs from the Rasa project's files (`bot/domain/`, `nlu_data/`), read without
Rasa."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"
NLU_DIR = Path(__file__).resolve().parents[2] / "nlu_data"


@lru_cache
def intent_names(domain_dir: Path = DOMAIN_DIR) -> frozenset[str]:
    """Every intent declared in the domain: the only intents a button payload may name."""
    names: set[str] = set()
    for path in domain_dir.rglob("*.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for intent in document.get("intents") or []:
            names.add(intent if isinstance(intent, str) else next(iter(intent)))
    return frozenset(names)


def nlu_examples(path: Path) -> dict[str, list[str]]:
    """The examples per intent in one Rasa NLU file (the `- text` lines of `examples: |`)."""
    examples: dict[str, list[str]] = {}
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
        if "intent" in block:
            lines = (line.strip() for line in str(block.get("examples", "")).splitlines())
            examples.setdefault(block["intent"], []).extend(
                line[2:].strip() for line in lines if line.startswith("- ")
            )
    return examples
