"""Clean-up of citizen text before it is stored or understood."""

from __future__ import annotations

import unicodedata

# Newlines and tabs are content; ZWNJ/ZWJ are part of how Persian and other scripts are written.
_KEPT = {"\n", "\t", "\u200c", "\u200d"}


def normalise_citizen_text(text: str) -> str:
    """NFC, without control and format characters that only confuse storage and NLU.

    Bidirectional overrides and other invisible format characters are dropped too: the citizen
    cannot see them, and they can hide or reorder what an agent later reads.
    """
    text = unicodedata.normalize("NFC", text)
    kept = (
        ch for ch in text if ch in _KEPT or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"}
    )
    return "".join(kept).strip()
