from __future__ import annotations

import pytest

from bot.services.text import normalise_citizen_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  hej  ", "hej"),
        ("hej\x00då", "hejdå"),
        ("a\u202eb", "ab"),  # right-to-left override
        ("e\u0301", "é"),  # composed to NFC
        ("rad ett\nrad två", "rad ett\nrad två"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian keeps its zero-width non-joiner
        ("\u200b\u2066\u2069", ""),
    ],
)
def test_normalise_citizen_text(raw: str, expected: str) -> None:
    assert normalise_citizen_text(raw) == expected
