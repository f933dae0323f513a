"""Facts the app needs from the Rasa domain files (`bot/domain/`), read without Rasa."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"


@lru_cache
def intent_names(domain_dir: Path = DOMAIN_DIR) -> frozenset[str]:
    """Every intent declared in the domain: the only intents a button payload may name."""
    names: set[str] = set()
    for path in domain_dir.rglob("*.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for intent in document.get("intents") or []:
            names.add(intent if isinstance(intent, str) else next(iter(intent)))
    return frozenset(names)
